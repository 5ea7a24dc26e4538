import { globalRedactor } from '../../core/logger';
import { printable } from '../../core/printable';

/**
 * One line for the task's pseudoterminal. Redacted and stripped of control characters like
 * a log line (names and error details come from the server, and this is a terminal), with
 * the CRLF line ends a terminal needs.
 */
export function terminalLine(text: string): string {
  return `${printable(globalRedactor.redact(text), 'lines').replace(/\n/g, '\r\n')}\r\n`;
}
