/**
 * The ConvLens sidebar (a webview view): the active file's models as Keras-like summaries.
 * Rows link to the source; the cursor highlights its layer. Strict CSP: nonce scripts only, no
 * remote content; the webview only renders the plain JSON it is sent.
 */
import * as vscode from 'vscode';
import type { RunJobResult } from '../runtime/run_job';
import { runView } from '../engine/views/run_view';
import type { Ctx } from './ctx';
import { webviewHtml } from './webview_html';
import { runIsStale } from './document_runs';
import { isPython } from './ctx';

export const SUMMARY_VIEW_ID = 'convlens.summary';

import type { FromWebview, SummaryModel, ToWebview } from '../../webview/messages';
import { summaryChanges } from '../../webview/summary_changes';

export class SummaryViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  /** The last run's view: sent once when it arrives, and again only to a newly created webview. */
  private lastRun: ToWebview | null = null;
  /** The document and version the last run was computed for: after an edit its results are stale. */
  private lastRunSource: { document: string; version: number | null } | null = null;
  private view: vscode.WebviewView | null = null;
  private document: vscode.TextDocument | null = null;
  private readonly disposables: vscode.Disposable[] = [];
  /** Listeners on the current webview. */
  private readonly viewSubscriptions: vscode.Disposable[] = [];
  /** The last summary posted to the current webview: the next one goes as its changes. */
  private posted: { seq: number; file: string; models: SummaryModel[] } | null = null;
  private postedCount = 0;
  /** Model to select once the view shows (from a CodeLens). */
  private wantedModel: string | null = null;
  private wantedMode: 'diagram' | 'table' | null = null;

  constructor(private readonly ctx: Ctx) {
    this.disposables.push(
      ctx.onDidAnalyze((doc) => {
        if (doc === vscode.window.activeTextEditor?.document) this.post(doc);
      }),
      // Moving between cells of the shown notebook keeps the view as it is.
      vscode.window.onDidChangeActiveTextEditor((e) => e && isPython(e.document) && !ctx.sameSource(e.document, this.document) && void this.post(e.document)),
      vscode.window.onDidChangeTextEditorSelection((e) => void this.highlight(e.textEditor)),
      // A run's results live as long as the document they describe.
      vscode.workspace.onDidCloseTextDocument((d) => this.releaseRunOf(d.uri.toString())),
      vscode.workspace.onDidCloseNotebookDocument((nb) => this.releaseRunOf(nb.uri.toString())),
    );
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const root = vscode.Uri.joinPath(this.ctx.extension.extensionUri, 'dist', 'webview');
    view.webview.options = { enableScripts: true, localResourceRoots: [root] };
    view.webview.html = webviewHtml(view.webview, root);
    this.posted = null;
    // A view shown again is a new webview: the old one's listeners (and through them the old view) go.
    for (const d of this.viewSubscriptions.splice(0)) d.dispose();
    this.viewSubscriptions.push(
      view.webview.onDidReceiveMessage((m: FromWebview) => this.onMessage(m)),
      view.onDidChangeVisibility(() => {
        if (!view.visible) return;
        view.badge = undefined;
        if (this.document) this.post(this.document);
      }),
    );
  }

  /** Shows the view with a given model selected. */
  async show(uri?: vscode.Uri, model?: string, mode?: 'diagram' | 'table'): Promise<void> {
    this.wantedModel = model ?? null;
    this.wantedMode = mode ?? null;
    await vscode.commands.executeCommand(`${SUMMARY_VIEW_ID}.focus`);
    const doc = uri ? await openDocument(uri) : vscode.window.activeTextEditor?.document;
    if (doc) this.post(doc);
  }

  /**
   * A run's results go under the summary without taking focus: a visible view shows them at once;
   * otherwise the view's badge and a notification say they are there, until the user looks.
   */
  showRun(doc: vscode.TextDocument, result: RunJobResult): void {
    const source = this.ctx.source(doc);
    this.lastRunSource = { document: source.key, version: result.documentVersion };
    this.lastRun = { type: 'run', file: vscode.workspace.asRelativePath(source.uri), run: runView(result), stale: this.runStale(doc) };
    if (this.view?.visible) {
      void this.view.webview.postMessage(this.lastRun);
      return;
    }
    if (this.view) this.view.badge = { value: 1, tooltip: `Run of ${result.model} finished` };
    void this.announce(doc.uri, result.model, `ConvLens: the run of ${result.model} finished (${result.latencyMs.toFixed(2)} ms).`);
  }

  /**
   * The notification of a finished run. It may wait unanswered for hours: it holds the names only,
   * never the run's result (a newer run must be able to free it).
   */
  private async announce(uri: vscode.Uri, model: string, message: string): Promise<void> {
    const show = 'Show results';
    if ((await vscode.window.showInformationMessage(message, show)) === show) await this.show(uri, model);
  }

  /** Drops the last run (here and in the webview) when the document it ran closes. */
  private releaseRunOf(document: string): void {
    if (this.lastRunSource?.document !== document) return;
    this.lastRun = null;
    this.lastRunSource = null;
    if (this.view) {
      this.view.badge = undefined;
      void this.view.webview.postMessage({ type: 'runCleared' } satisfies ToWebview);
    }
  }

  private runStale(doc: vscode.TextDocument): boolean {
    const source = this.ctx.source(doc);
    return runIsStale(this.lastRunSource, source.key, source.version);
  }

  private async post(doc: vscode.TextDocument): Promise<void> {
    this.document = doc;
    if (!this.view) return;
    const models = await this.ctx.request(doc, 'summary', {});
    // A newer version or another document replaced this one meanwhile: its own post follows.
    if (!this.view || !models || doc !== this.document) return;
    const file = vscode.workspace.asRelativePath(this.ctx.source(doc).uri);
    const seq = ++this.postedCount;
    const base = this.posted?.file === file ? this.posted : null;
    const shown = { file, select: this.wantedModel, mode: this.wantedMode, runStale: this.runStale(doc) };
    this.posted = { seq, file, models };
    void this.view.webview.postMessage((base
      ? { type: 'summaryChanges', base: base.seq, seq, models: summaryChanges(base.models, models), ...shown }
      : { type: 'summary', seq, models, ...shown }) satisfies ToWebview);
    this.wantedModel = null;
    this.wantedMode = null;
  }

  private async highlight(editor: vscode.TextEditor): Promise<void> {
    if (!this.view || !this.ctx.sameSource(editor.document, this.document)) return;
    const found = await this.ctx.request(editor.document, 'layer', { offset: this.ctx.offsetAt(editor.document, editor.selection.active) });
    void this.view?.webview.postMessage({ type: 'highlight', model: found?.model ?? null, layer: found?.layer ?? null });
  }

  private async onMessage(m: FromWebview): Promise<void> {
    if (m.type === 'ready' || m.type === 'summaryWanted') {
      // A new webview, or one that lost track of the summaries: the next one goes whole.
      this.posted = null;
      if (this.document) this.post(this.document);
      // A run is sent to a new webview only (never again to the same one).
      if (m.type === 'ready' && this.lastRun) void this.view?.webview.postMessage(this.lastRun);
      return;
    }
    if (m.type === 'export') {
      const base = this.document ? vscode.Uri.joinPath(this.ctx.source(this.document).uri, '..') : vscode.workspace.workspaceFolders?.[0]?.uri;
      const target = await vscode.window.showSaveDialog({ defaultUri: base && vscode.Uri.joinPath(base, `${m.model}.${m.format}`), filters: { [m.format.toUpperCase()]: [m.format] } });
      if (!target) return;
      const bytes = m.format === 'svg' ? Buffer.from(m.data, 'utf8') : Buffer.from(m.data.replace(/^data:image\/png;base64,/, ''), 'base64');
      await vscode.workspace.fs.writeFile(target, bytes);
      vscode.window.showInformationMessage(`ConvLens: saved ${vscode.workspace.asRelativePath(target)}.`);
      return;
    }
    if (m.type === 'reveal' && this.document) {
      // Rows carry the analysed text's line and column: in a notebook, a place in one of its cells.
      const target = this.ctx.locate(this.document, m.line, m.column);
      if (!target) return;
      const pos = target.position;
      // The selection goes with the open: a notebook cell out of view gets its editor only as it is
      // revealed, and focusing it would put the cursor at its start.
      const editor = await vscode.window.showTextDocument(target.document, { preserveFocus: false, selection: new vscode.Range(pos, pos) });
      editor.selection = new vscode.Selection(pos, pos);
      editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }
  }

  dispose(): void {
    for (const d of [...this.disposables, ...this.viewSubscriptions]) d.dispose();
  }
}

/** An open document by URI (a notebook cell's is found among the open ones: it cannot be opened by URI alone). */
export async function openDocument(uri: vscode.Uri): Promise<vscode.TextDocument> {
  return vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString()) ?? vscode.workspace.openTextDocument(uri);
}
