/** Reading a Jupyter notebook (.ipynb, nbformat 4) into its cells, with clear errors for bad files. */

export interface NotebookCell {
  /** Index in the notebook's `cells` array (markdown and raw cells count too). */
  index: number;
  kind: 'code' | 'markdown' | 'raw';
  source: string;
}

export interface NotebookFile {
  cells: NotebookCell[];
  /** The kernel's language (metadata), when the notebook says. */
  language: string | null;
}

export class NotebookFormatError extends Error {}

/** JSON.parse's message says where; this adds the line and column a person can find. */
function jsonError(text: string, e: Error): NotebookFormatError {
  const at = /position (\d+)/.exec(e.message);
  if (!at && /end of JSON input/.test(e.message)) return new NotebookFormatError(`not valid JSON: it ends early, at line ${text.split('\n').length} (truncated file?)`);
  if (!at) return new NotebookFormatError(`not valid JSON (${e.message})`);
  const offset = Number(at[1]);
  const before = text.slice(0, offset).split('\n');
  return new NotebookFormatError(`not valid JSON at line ${before.length}, column ${before[before.length - 1].length + 1} (${e.message})`);
}

function sourceText(source: unknown, where: string): string {
  // nbformat stores a cell's source as one string or as its lines (each keeping its newline).
  if (typeof source === 'string') return source;
  if (Array.isArray(source) && source.every((s) => typeof s === 'string')) return source.join('');
  throw new NotebookFormatError(`${where}: "source" is neither a string nor a list of strings`);
}

export function parseIpynb(text: string): NotebookFile {
  let json: unknown;
  try {
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw jsonError(text, e as Error);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new NotebookFormatError('not a Jupyter notebook: the file is not a JSON object');
  const nb = json as { nbformat?: unknown; cells?: unknown; worksheets?: unknown; metadata?: { kernelspec?: { language?: unknown }; language_info?: { name?: unknown } } };
  if (nb.worksheets !== undefined && nb.cells === undefined) {
    throw new NotebookFormatError(`nbformat ${String(nb.nbformat)} notebooks are not supported: save it as nbformat 4 (Jupyter 4 or later, VS Code, Colab)`);
  }
  if (!Array.isArray(nb.cells)) throw new NotebookFormatError('not a Jupyter notebook: it has no "cells" list');
  const cells = nb.cells.map((c: unknown, index): NotebookCell => {
    const where = `cell ${index + 1}`;
    if (typeof c !== 'object' || c === null) throw new NotebookFormatError(`${where} is not an object`);
    const cell = c as { cell_type?: unknown; source?: unknown };
    if (cell.cell_type !== 'code' && cell.cell_type !== 'markdown' && cell.cell_type !== 'raw') {
      throw new NotebookFormatError(`${where}: unknown cell_type ${JSON.stringify(cell.cell_type)}`);
    }
    return { index, kind: cell.cell_type, source: sourceText(cell.source ?? '', where) };
  });
  const language = nb.metadata?.kernelspec?.language ?? nb.metadata?.language_info?.name;
  return { cells, language: typeof language === 'string' ? language : null };
}
