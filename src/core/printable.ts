/**
 * Text from the server or from files, made safe to print. A terminal acts on control
 * characters wherever they come from, so a workbook named "\x1b]0;pwned\x07" would retitle
 * the window and "\x1b[2K" would erase the line. Every path that prints (the CLI's stdout and
 * stderr, the log channel, the task terminal) goes through here.
 */

/** Shown in place of a control character: visible, and never acted on by a terminal. */
export const REPLACEMENT = '\uFFFD';

/**
 * Which layout characters survive: 'none' for a value inside a line (a name, a URL),
 * 'tab' for a line whose columns the caller separates with tabs, 'lines' for a log
 * message or an error that may span lines (newline and tab kept; CRLF becomes LF).
 */
export type Layout = 'none' | 'tab' | 'lines';

// C0 controls, DEL and C1 controls (U+0080-U+009F: 0x9B alone is a CSI on many terminals).
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;
const CONTROLS_BUT_TAB = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;
const CONTROLS_BUT_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export function printable(text: string, layout: Layout = 'none'): string {
  switch (layout) {
    case 'none':
      return text.replace(CONTROLS, REPLACEMENT);
    case 'tab':
      return text.replace(CONTROLS_BUT_TAB, REPLACEMENT);
    case 'lines':
      return text.replace(/\r\n/g, '\n').replace(CONTROLS_BUT_LINES, REPLACEMENT);
  }
}

/**
 * One line of JSON that is safe on a terminal. JSON.stringify escapes C0 controls but
 * writes DEL and C1 controls (and U+2028/U+2029) raw; these are escaped too, so the
 * line parses to the same value and holds no control character.
 */
export function printableJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
