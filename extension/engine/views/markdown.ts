/**
 * Source-derived text (layer, model and variable names, class names) inside hover Markdown: a name
 * like `x](https://example.invalid)` or `a|b` must read as itself, never as a link, emphasis or a
 * table column.
 */

/**
 * Plain Markdown text inside a line: the characters that could start emphasis, code, a link, HTML,
 * an entity or a table cell are backslash-escaped (line-start syntax cannot occur mid-line);
 * newlines become spaces.
 */
export function mdText(s: string): string {
  return s.replace(/\r\n?|\n/g, ' ').replace(/[\\`*_[\]<>|~&]/g, '\\$&');
}

/** An inline code span holding `s` exactly: a fence longer than any backtick run inside; pipes escaped for tables. */
export function mdCode(s: string): string {
  const flat = s.replace(/\r\n?|\n/g, ' ').replace(/\|/g, '\\|');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || (flat.startsWith(' ') && flat.endsWith(' ') && flat.trim()) ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}
