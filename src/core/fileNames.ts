/**
 * File names for items whose names the server chooses. A name may hold path separators,
 * characters Windows refuses, control characters, or be longer than a file system allows
 * (255 bytes per name on Linux and APFS, 255 UTF-16 units on Windows and HFS+): the result
 * is always one plain name, never a path, that fits.
 */

/** The longest file name, in UTF-8 bytes, that every common file system accepts. */
export const MAX_NAME_BYTES = 255;

const FALLBACK = 'download';
// Separators, what Windows refuses in a name, and control characters (C0, DEL, C1).
const UNSAFE = /[<>:"/\\|?*\u0000-\u001f\u007f-\u009f]/g;
// Dots and spaces at either end: "." and ".." are not names, Windows drops trailing ones.
const EDGES = /^[\s.]+|[\s.]+$/g;
// Device names Windows reserves whatever the extension ("CON.twbx" opens the console).
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

/**
 * `name` as a file name ending in `suffix` (e.g. ".twbx" or " (2).twbx", kept whole),
 * at most `maxBytes` UTF-8 bytes. A long name is cut between characters (user-perceived
 * characters where possible), never inside one.
 */
export function safeFileName(name: string, suffix = '', maxBytes = MAX_NAME_BYTES): string {
  const budget = maxBytes - bytes(suffix);
  if (budget < FALLBACK.length) throw new RangeError(`The suffix "${suffix}" leaves no room for a name in ${maxBytes} bytes.`);
  let base = name.replace(UNSAFE, '_').replace(EDGES, '');
  if (RESERVED.test(base.split('.')[0])) base = `_${base}`;
  if (bytes(base) > budget) base = cut(base, budget).replace(EDGES, '');
  return `${base || FALLBACK}${suffix}`;
}

/** The longest prefix of `text` within `budget` UTF-8 bytes. */
function cut(text: string, budget: number): string {
  let out = '';
  let used = 0;
  for (const { segment } of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)) {
    const n = bytes(segment);
    if (used + n > budget) break;
    out += segment;
    used += n;
  }
  if (out) return out;
  // The first character alone (a letter with hundreds of combining marks) is too long: cut by code point.
  for (const ch of text) {
    const n = bytes(ch);
    if (used + n > budget) break;
    out += ch;
    used += n;
  }
  return out;
}
