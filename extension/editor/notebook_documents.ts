/**
 * Notebooks in VS Code's own notebook editor (no Jupyter kernel): each open notebook's Python code
 * cells are analysed as one program in cell order (what Run All executes), and every cell document
 * gets an AnalysisView that maps the program's offsets to and from that cell.
 */
import * as vscode from 'vscode';
import type { AnalyzeOptions } from '../engine/analysis/analyze';
import { NotebookSession, type NotebookAnalysis } from '../engine/notebook/notebook_session';
import type { AnalysisView } from './analysis_view';

/** The URI scheme of a notebook cell's text document. */
const CELL_SCHEME = 'vscode-notebook-cell';

export function isNotebookCell(doc: vscode.TextDocument): boolean {
  return doc.uri.scheme === CELL_SCHEME;
}

/** Two documents read as one analysis: the same file, or cells of the same notebook. */
export function sameSource(a: vscode.TextDocument | null | undefined, b: vscode.TextDocument | null | undefined): boolean {
  if (!a || !b) return false;
  return a === b || (isNotebookCell(a) && isNotebookCell(b) && a.uri.path === b.uri.path);
}

function codeCells(nb: vscode.NotebookDocument): vscode.NotebookCell[] {
  return nb.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code && c.document.languageId === 'python');
}

/** Changes whenever a cell is edited, added, removed or moved. */
function stateOf(nb: vscode.NotebookDocument): string {
  return codeCells(nb).map((c) => `${c.document.uri.fragment}@${c.document.version}`).join(',');
}

export class NotebookDocuments implements vscode.Disposable {
  private readonly sessions = new Map<string, NotebookSession>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly disposables: vscode.Disposable[];

  /**
   * `options` gives the analysis options (read when a session starts); `analyzed` is told the
   * cells whose results changed.
   */
  constructor(private readonly options: () => Omit<AnalyzeOptions, 'tree'>, private readonly analyzed: (cells: vscode.TextDocument[]) => void, private readonly debounceMs: () => number) {
    this.disposables = [
      vscode.workspace.onDidOpenNotebookDocument((nb) => this.scheduleNotebook(nb, 0)),
      // Cells added, removed or moved (typing inside a cell arrives as a text document change).
      vscode.workspace.onDidChangeNotebookDocument((e) => {
        if (e.contentChanges.length) this.scheduleNotebook(e.notebook, this.debounceMs());
      }),
      vscode.workspace.onDidCloseNotebookDocument((nb) => this.forget(nb)),
    ];
    for (const nb of vscode.workspace.notebookDocuments) this.scheduleNotebook(nb, 0);
  }

  notebookOf(doc: vscode.TextDocument): vscode.NotebookDocument | undefined {
    return vscode.workspace.notebookDocuments.find((nb) => nb.uri.path === doc.uri.path && nb.getCells().some((c) => c.document === doc));
  }

  /** Re-analyse the notebook of a cell after `delay` ms (edits within it restart the wait). */
  schedule(cell: vscode.TextDocument, delay: number): void {
    const nb = this.notebookOf(cell);
    if (nb) this.scheduleNotebook(nb, delay);
  }

  private scheduleNotebook(nb: vscode.NotebookDocument, delay: number): void {
    const k = nb.uri.toString();
    clearTimeout(this.timers.get(k));
    this.timers.set(k, setTimeout(() => {
      this.timers.delete(k);
      this.current(nb, true);
    }, delay));
  }

  /** The notebook's analysis for its current cells (computed now if stale). */
  private current(nb: vscode.NotebookDocument, notify = false): NotebookAnalysis {
    const k = nb.uri.toString();
    let session = this.sessions.get(k);
    if (!session) {
      session = new NotebookSession(this.options());
      this.sessions.set(k, session);
    }
    const state = stateOf(nb);
    const fresh = session.analysisFor(state);
    if (fresh && !notify) return fresh;
    const result = fresh ?? session.update(codeCells(nb).map((c) => ({ key: c.index, text: c.document.getText() })), state);
    this.analyzed(nb.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code).map((c) => c.document));
    return result;
  }

  /** A cell's view of its notebook's analysis (null for a cell not analysed, e.g. not Python). */
  view(cell: vscode.TextDocument): AnalysisView | null {
    const nb = this.notebookOf(cell);
    if (!nb) return null;
    const { program, analysis } = this.current(nb);
    const cells = nb.getCells();
    const index = cells.findIndex((c) => c.document === cell);
    if (!program.span(index)) return null;
    return {
      analysis,
      text: program.text,
      sourceUri: nb.uri,
      offsetAt: (p) => program.programOffset(index, cell.offsetAt(p)) ?? 0,
      positionAt: (o) => {
        const local = program.inCell(index, { from: o, to: o });
        return local ? cell.positionAt(local.from) : null;
      },
      rangeOf: (s) => {
        const local = program.inCell(index, s);
        return local ? new vscode.Range(cell.positionAt(local.from), cell.positionAt(local.to)) : null;
      },
      locate: (o) => {
        const p = program.locate(o);
        const doc = p && cells[p.key]?.document;
        return doc ? { document: doc, position: doc.positionAt(p.offset) } : null;
      },
    };
  }

  /** Settings changed: every notebook starts over. */
  reset(): void {
    this.sessions.clear();
    for (const nb of vscode.workspace.notebookDocuments) this.scheduleNotebook(nb, 0);
  }

  private forget(nb: vscode.NotebookDocument): void {
    const k = nb.uri.toString();
    clearTimeout(this.timers.get(k));
    this.timers.delete(k);
    this.sessions.delete(k);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
  }
}
