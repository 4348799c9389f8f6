/**
 * @lezer/python 1.1.19 has no token for a float with nothing after its point (`1.`, `1./255`,
 * `1.e-3`, `2.j`): it reads `1` and an attribute access with a missing name, which breaks the
 * expression around it. Python reads `<digits>.` as one float literal whenever no digit follows.
 *
 * We hand the parser a copy of the text where each such `<digits>.` becomes `0<digits>` (same
 * length, a plain number token, and with an exponent or `j` still one token), so every offset
 * in the tree still points into the original text, which is what the tracer reads. A rewritten
 * spot never reaches past the tokens an edit touches, which incremental parsing re-reads anyway.
 */

/** `<digits>.` not preceded by a name character, a digit or a point, and not followed by a digit. */
const POINT_FLOAT = /(?<![0-9A-Za-z_.\u00a1-\uffff])(\d(?:_?\d)*)\.(?![\d_])/g;

export function lexablePointFloats(text: string): string {
  if (!text.includes('.')) return text;
  return text.replace(POINT_FLOAT, (_all, digits: string) => `0${digits}`);
}

/**
 * `lexablePointFloats(text)` for a text one edit made from the one `before` was made of: only the
 * lines the edit touched are rewritten again (the pattern never spans a line, and the rewriting
 * keeps every offset and newline), not the whole file at every keystroke.
 */
export function lexablePointFloatsAfterEdit(before: string, text: string, edit: { from: number; to: number; insert: string }): string {
  const shift = edit.insert.length - (edit.to - edit.from);
  if (before.length + shift !== text.length || edit.from < 0 || edit.to > before.length || edit.from > edit.to) return lexablePointFloats(text);
  const lineStart = before.lastIndexOf('\n', edit.from - 1) + 1;
  const end = before.indexOf('\n', edit.to);
  const lineEnd = end < 0 ? before.length : end;
  return before.slice(0, lineStart) + lexablePointFloats(text.slice(lineStart, lineEnd + shift)) + before.slice(lineEnd);
}
