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
