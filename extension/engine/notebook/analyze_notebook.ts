/** A whole .ipynb file analysed as one program (the CLI's path; the editor keeps a NotebookSession). */
import { analyze, type Analysis, type AnalyzeOptions } from '../analysis/analyze';
import { NotebookFormatError, parseIpynb, type NotebookFile } from './ipynb';
import { NotebookProgram, type CellPosition } from './program';

export interface AnalyzedNotebook {
  notebook: NotebookFile;
  program: NotebookProgram;
  analysis: Analysis;
}

/** The code cells, keyed by their index in the notebook. */
export function codeCells(notebook: NotebookFile): { key: number; text: string }[] {
  return notebook.cells.filter((c) => c.kind === 'code').map((c) => ({ key: c.index, text: c.source }));
}

export function analyzeNotebook(text: string, options: Omit<AnalyzeOptions, 'tree'> = {}): AnalyzedNotebook {
  const notebook = parseIpynb(text);
  if (notebook.language && notebook.language.toLowerCase() !== 'python') {
    throw new NotebookFormatError(`the notebook's kernel language is ${notebook.language}; ConvLens reads Python notebooks`);
  }
  const program = new NotebookProgram(codeCells(notebook));
  const analysis = analyze(program.text, options);
  // A cell that runs past its end is left out of the program; its SyntaxError is reported on it.
  if (program.syntaxErrors.length) analysis.diagnostics = [...program.syntaxDiagnostics(), ...analysis.diagnostics].sort((a, b) => a.from - b.from);
  return { notebook, program, analysis };
}

/** "cell 3, line 2:5": cells counted from 1 as a reader counts them (markdown cells too). */
export function cellPositionText(p: CellPosition): string {
  return `cell ${p.key + 1}:${p.line}:${p.column}`;
}

/** Positions for reports: the cell (counted from 1, markdown cells too), then the line and column in it. */
export function cellLocate(program: NotebookProgram): (offset: number, startOffset?: number) => { cell: number; line: number; column: number } {
  return (offset, startOffset) => {
    const start = startOffset === undefined ? null : program.cellAt(startOffset);
    // An end that runs past its cell (into the separator or the next cell) stops at the cell's end.
    const clamped = start ? Math.min(offset, start.start + start.length) : offset;
    const p = program.locate(clamped);
    return p ? { cell: p.key + 1, line: p.line, column: p.column } : { cell: 1, line: 1, column: 1 };
  };
}
