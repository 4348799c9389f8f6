/**
 * IPython syntax that is not Python: line magics (`%timeit`), shell lines (`!pip install`),
 * `x = !ls`, help (`layer?`) and cell magics (`%%time` makes the whole cell IPython's). They are
 * blanked to spaces, not removed, so every offset in the cell still maps to the same place.
 */

const LINE_MAGIC = /^\s*(?:[%!]|[A-Za-z_][\w.,\s]*=\s*[%!])/;
const HELP = /^\s*[A-Za-z_][\w.]*\?\??\s*$/;
const CELL_MAGIC = /^\s*%%/;

/** Spaces for every character but line breaks: offsets and lines stay where they were. */
export function blank(s: string): string {
  return s.replace(/[^\r\n]/g, ' ');
}

/** The cell as the analyser reads it (same length, same line breaks). */
export function blankMagics(cell: string): string {
  const firstLine = cell.split('\n').find((l) => l.trim() !== '') ?? '';
  if (CELL_MAGIC.test(firstLine)) return blank(cell);
  const lines = cell.split('\n');
  let continued = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (continued || LINE_MAGIC.test(line) || HELP.test(line)) {
      lines[i] = blank(line);
      // A magic continued with a trailing backslash goes on on the next line.
      continued = /\\\r?$/.test(line);
    }
  }
  return lines.join('\n');
}
