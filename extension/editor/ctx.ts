/**
 * The extension's context: one DocumentSession per open Python file, debounced re-analysis on
 * edits, and an event when a document's analysis is ready. Providers read from here.
 */
import * as vscode from 'vscode';
import type { Analysis } from '../engine/analysis/analyze';
import type { TextEdit } from '../engine/parse';
import { DocumentSession } from '../engine/session/document_session';
import { fileView, type AnalysisView } from './analysis_view';
import { isNotebookCell, NotebookDocuments } from './notebook_documents';

/** Editor analyses stop sooner than the CLI's: typing must stay fluid even on pathological code. */
const EDITOR_LIMITS = { maxMillis: 400, maxSteps: 400_000 };

export class Ctx implements vscode.Disposable {
  private readonly sessions = new Map<string, DocumentSession>();
  private readonly pendingEdits = new Map<string, TextEdit[]>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly emitter = new vscode.EventEmitter<vscode.TextDocument>();
  private readonly disposables: vscode.Disposable[] = [this.emitter];
  /** Fires after a document was analysed (with results for its current version). */
  readonly onDidAnalyze = this.emitter.event;
  /** Notebook cells are analysed per notebook, as one program (see notebook_documents.ts). */
  private readonly notebooks = new NotebookDocuments(
    () => ({ limits: EDITOR_LIMITS, defaultInputShape: this.defaultInputShape() }),
    (cells) => cells.forEach((c) => this.emitter.fire(c)),
    () => this.debounceMs(),
  );

  constructor(readonly extension: vscode.ExtensionContext) {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      this.notebooks,
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (isNotebookCell(e.document)) return this.notebooks.schedule(e.document, this.debounceMs());
        if (!isPython(e.document)) return;
        const edits = this.pendingEdits.get(key(e.document)) ?? [];
        // Edits are collected until the debounced analysis runs (offsets apply in order).
        for (const c of e.contentChanges) edits.push({ from: c.rangeOffset, to: c.rangeOffset + c.rangeLength, insert: c.text });
        this.pendingEdits.set(key(e.document), edits);
        this.schedule(e.document, this.debounceMs());
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration('convlens')) return;
        this.sessions.clear();
        this.notebooks.reset();
        for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
      }),
    );
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
  }

  private debounceMs(): number {
    return vscode.workspace.getConfiguration('convlens').get<number>('analysis.debounceMs', 150);
  }

  private defaultInputShape(): (number | null)[] | undefined {
    const text = vscode.workspace.getConfiguration('convlens').get<string>('defaultInputShape', '');
    const dims = text.replace(/[()[\]\s]/g, '').split(',').filter((d) => d !== '');
    if (!dims.length || !dims.every((d) => /^\d+$/.test(d) || d === 'None')) return undefined;
    return dims.map((d) => (d === 'None' ? null : Number(d)));
  }

  schedule(doc: vscode.TextDocument, delay: number): void {
    if (isNotebookCell(doc)) return this.notebooks.schedule(doc, delay);
    if (!isPython(doc)) return;
    const k = key(doc);
    clearTimeout(this.timers.get(k));
    this.timers.set(k, setTimeout(() => this.analyzeNow(doc), delay));
  }

  /** Analyses the document's current text now (sync: the tracer is bounded). */
  analyzeNow(doc: vscode.TextDocument): Analysis {
    const k = key(doc);
    this.timers.delete(k);
    let session = this.sessions.get(k);
    if (!session) {
      session = new DocumentSession({ limits: EDITOR_LIMITS, defaultInputShape: this.defaultInputShape() });
      this.sessions.set(k, session);
    }
    const edits = this.pendingEdits.get(k);
    this.pendingEdits.delete(k);
    const analysis = session.update(doc.getText(), doc.version, edits);
    this.emitter.fire(doc);
    return analysis;
  }

  /** The analysis of the document's current version (computed now if it is stale). */
  analysis(doc: vscode.TextDocument): Analysis | null {
    if (isNotebookCell(doc)) return this.notebooks.view(doc)?.analysis ?? null;
    if (!isPython(doc)) return null;
    return this.sessions.get(key(doc))?.analysisFor(doc.version) ?? this.analyzeNow(doc);
  }

  /** The analysis as `doc` sees it: offsets mapped to a notebook cell, results of other cells left out. */
  view(doc: vscode.TextDocument): AnalysisView | null {
    if (isNotebookCell(doc)) return this.notebooks.view(doc);
    const analysis = this.analysis(doc);
    return analysis && fileView(doc, analysis);
  }

  private forget(doc: vscode.TextDocument): void {
    const k = key(doc);
    clearTimeout(this.timers.get(k));
    this.timers.delete(k);
    this.sessions.delete(k);
    this.pendingEdits.delete(k);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
  }
}

export function isPython(doc: vscode.TextDocument): boolean {
  return doc.languageId === 'python' || doc.fileName.endsWith('.py');
}

function key(doc: vscode.TextDocument): string {
  return doc.uri.toString();
}

export function rangeOf(doc: vscode.TextDocument, span: { from: number; to: number }): vscode.Range {
  return new vscode.Range(doc.positionAt(span.from), doc.positionAt(span.to));
}
