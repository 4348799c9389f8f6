/**
 * Notebooks in VS Code's own notebook editor (no Jupyter kernel): a notebook's Python code cells are
 * analysed as one program in cell order (what Run All executes), sent to the analysis worker as ONE
 * document keyed by the notebook's URI. The offset maps between the program and its cells are
 * engine/notebook/program.ts; this file only ties them to the editor's cell documents.
 */
import * as vscode from 'vscode';
import type { TextEdit } from '../engine/parse';
import { NotebookProgram } from '../engine/notebook/program';
import { programEdit } from '../engine/notebook/notebook_session';
import { LineIndex } from '../engine/source';

/** The URI scheme of a notebook cell's text document. */
const CELL_SCHEME = 'vscode-notebook-cell';

export function isNotebookCell(doc: vscode.TextDocument): boolean {
  return doc.uri.scheme === CELL_SCHEME;
}

/** The open notebook a cell document belongs to. */
export function notebookOf(cell: vscode.TextDocument): vscode.NotebookDocument | undefined {
  return vscode.workspace.notebookDocuments.find((nb) => nb.uri.path === cell.uri.path && nb.getCells().some((c) => c.document === cell));
}

function codeCells(nb: vscode.NotebookDocument): vscode.NotebookCell[] {
  return nb.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code && c.document.languageId === 'python');
}

/** Changes whenever a code cell is edited, added, removed or moved. */
function stateOf(cells: vscode.NotebookCell[]): string {
  return cells.map((c) => `${c.document.uri.fragment}@${c.document.version}`).join(',');
}

/**
 * One open notebook as the analysis worker sees it: the program text and a version that counts its
 * changes. The program is rebuilt lazily, whenever its cells' state changed, so the map between
 * offsets always belongs to the version the caller compares against.
 */
export class NotebookSource {
  readonly key: string;
  private state = '';
  private counter = 0;
  private current = new NotebookProgram([]);
  private cells: vscode.NotebookCell[] = [];
  /** The text last sent to the worker: the next change is one edit from it. */
  private sentText: string | null = null;

  constructor(readonly notebook: vscode.NotebookDocument) {
    this.key = notebook.uri.toString();
  }

  get uri(): vscode.Uri {
    return this.notebook.uri;
  }

  private refresh(): void {
    const cells = codeCells(this.notebook);
    const state = stateOf(cells);
    if (state === this.state && this.counter > 0) return;
    this.state = state;
    this.cells = cells;
    this.current = new NotebookProgram(cells.map((c) => ({ key: c.index, text: c.document.getText() })));
    this.counter++;
  }

  version(): number {
    this.refresh();
    return this.counter;
  }

  get program(): NotebookProgram {
    this.refresh();
    return this.current;
  }

  text(): string {
    return this.program.text;
  }

  /** The code cells' documents (each shows its part of the analysis). */
  documents(): vscode.TextDocument[] {
    this.refresh();
    return this.cells.map((c) => c.document);
  }

  /** Records the text sent whole (an open). */
  opened(text: string): void {
    this.sentText = text;
  }

  /** The edits from the text sent last to `text` (one edit: common prefix and suffix), recording `text` as sent. */
  editsTo(text: string): TextEdit[] {
    const edit = this.sentText === null ? null : programEdit(this.sentText, text);
    this.sentText = text;
    return edit ? [edit] : [];
  }

  private indexOf(cell: vscode.TextDocument): number | null {
    const found = this.cells.find((c) => c.document === cell);
    return found ? found.index : null;
  }

  /** The program offset of a position in a cell. */
  offsetAt(cell: vscode.TextDocument, position: vscode.Position): number {
    const program = this.program;
    const index = this.indexOf(cell);
    return (index !== null && program.programOffset(index, cell.offsetAt(position))) || 0;
  }

  /** A program span as a range in the cell (null when it starts in another cell). */
  rangeOf(cell: vscode.TextDocument, span: { from: number; to: number }): vscode.Range | null {
    const program = this.program;
    const index = this.indexOf(cell);
    const local = index === null ? null : program.inCell(index, span);
    return local ? new vscode.Range(cell.positionAt(local.from), cell.positionAt(local.to)) : null;
  }

  /** The cell and position of a 0-based line and column of the program text. */
  locate(line: number, column: number): { document: vscode.TextDocument; position: vscode.Position } | null {
    const program = this.program;
    const place = program.locate(new LineIndex(program.text).lineStart(line + 1) + column);
    const document = place && this.cells.find((c) => c.index === place.key)?.document;
    return document ? { document, position: document.positionAt(place.offset) } : null;
  }
}
