/**
 * The extension's context: the open Python documents, kept in step with the analysis worker (one
 * DocumentSession per document lives there, off the extension host's thread; documents that
 * analyse slowly get a second worker, so they never hold up the others). Edits are sent
 * debounced, or at once when the user waits (a hover, a command); each version is analysed once.
 * Providers get plain view data back, asynchronously: typing never waits on an analysis.
 */
import * as vscode from 'vscode';
import type { TextEdit } from '../engine/parse';
import type { AnalysisRequests, DocumentViews, RequestKind, ToAnalysisWorker, ViewDiagnostic } from '../engine/session/protocol';
import { unpackViews } from '../engine/session/posted_views';
import { AnalysisLane, workerTransport, type TransportFactory } from './analysis_worker_client';
import { affectsConfig, config } from './config';
import { isNotebookCell, NotebookSource, notebookOf } from './notebook_documents';

/**
 * An analysis still running after this long means a hung worker (the tracer's step budget and its
 * 3 s time net stop it far sooner): the worker is restarted without that version.
 */
export const HANG_MS = 10_000;
/**
 * A document whose analysis takes longer than this moves to a second worker, so the hovers and
 * edits of the other documents never queue behind it.
 */
export const SLOW_MS = 300;

type LaneName = 'main' | 'slow';

/** What the worker analyses as one document: a text document, or a notebook's code cells as one program. */
type Source = { kind: 'document'; key: string; doc: vscode.TextDocument } | { kind: 'notebook'; key: string; notebook: NotebookSource };

function versionOf(source: Source): number {
  return source.kind === 'document' ? source.doc.version : source.notebook.version();
}

function textOf(source: Source): string {
  return source.kind === 'document' ? source.doc.getText() : source.notebook.text();
}

/** The documents that show a source's analysis. */
function documentsOf(source: Source): vscode.TextDocument[] {
  return source.kind === 'document' ? [source.doc] : source.notebook.documents();
}

interface Tracked {
  source: Source;
  lane: LaneName;
  /** The version the worker holds (null: the worker does not have this document). */
  sent: number | null;
  /** A version that hung the worker: never sent again. */
  hung: number | null;
  edits: TextEdit[];
  timer: NodeJS.Timeout | undefined;
  /** When a version was last sent (performance.now()). */
  sentAt: number;
  views: { version: number; views: DocumentViews } | null;
  waiters: { version: number; resolve: (v: DocumentViews | null) => void }[];
}

export class Ctx implements vscode.Disposable {
  private readonly docs = new Map<string, Tracked>();
  private readonly emitter = new vscode.EventEmitter<vscode.TextDocument>();
  private readonly disposables: vscode.Disposable[] = [this.emitter];
  private readonly lanes: Record<LaneName, AnalysisLane | null> = { main: null, slow: null };
  /** Fires once per analysed version of a document, when it is still the document's current version. */
  readonly onDidAnalyze = this.emitter.event;

  constructor(
    readonly extension: vscode.ExtensionContext,
    private readonly makeTransport: TransportFactory = workerTransport(extension.extensionPath),
  ) {
    this.lanes.main = this.newLane('main');
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.track(d)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        const entry = this.docs.get(key(e.document));
        if (!entry) return this.track(e.document);
        // VS Code lists one event's changes so that applying them in order is right (a notebook diffs its program instead).
        if (entry.source.kind === 'document') for (const c of e.contentChanges) entry.edits.push({ from: c.rangeOffset, to: c.rangeOffset + c.rangeLength, insert: c.text });
        this.debounce(entry);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => !isNotebookCell(d) && this.forget(key(d))),
      vscode.workspace.onDidOpenNotebookDocument((nb) => this.trackNotebook(nb)),
      // Cells added, removed or moved (typing inside a cell arrives as a text document change).
      vscode.workspace.onDidChangeNotebookDocument((e) => {
        const entry = this.docs.get(e.notebook.uri.toString());
        if (!entry) return this.trackNotebook(e.notebook);
        if (e.contentChanges.length) this.debounce(entry);
      }),
      vscode.workspace.onDidCloseNotebookDocument((nb) => this.forget(nb.uri.toString())),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!affectsConfig(e)) return;
        for (const lane of Object.values(this.lanes)) lane?.post(configureMessage());
        for (const entry of this.docs.values()) entry.hung = null;
      }),
    );
    for (const nb of vscode.workspace.notebookDocuments) this.trackNotebook(nb);
    for (const d of vscode.workspace.textDocuments) this.track(d);
  }

  /**
   * A first edit after a quiet spell (the last version sent analysed, nothing sent for a debounce)
   * goes at once, so a single keystroke is answered without waiting; edits that follow it are
   * coalesced until typing pauses for the debounce.
   */
  private debounce(entry: Tracked): void {
    const quiet = !entry.timer && entry.sent !== null && entry.views?.version === entry.sent && performance.now() - entry.sentAt >= config.debounceMs;
    if (quiet) return this.flush(entry);
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => this.flush(entry), config.debounceMs);
  }

  /** A notebook cell's analysis is its notebook's: the notebook, if the document is one of its cells. */
  private notebook(doc: vscode.TextDocument): NotebookSource | null {
    const source = this.docs.get(key(doc))?.source;
    return source?.kind === 'notebook' ? source.notebook : null;
  }

  /** The analysed offset of a position in the document (in a cell: in its notebook's program). */
  offsetAt(doc: vscode.TextDocument, position: vscode.Position): number {
    return this.notebook(doc)?.offsetAt(doc, position) ?? doc.offsetAt(position);
  }

  /** An analysed span as a range of the document (null: it lies in another cell of the notebook). */
  rangeOf(doc: vscode.TextDocument, span: { from: number; to: number }): vscode.Range | null {
    const notebook = this.notebook(doc);
    return notebook ? notebook.rangeOf(doc, span) : rangeOf(doc, span);
  }

  positionAt(doc: vscode.TextDocument, offset: number): vscode.Position | null {
    return this.rangeOf(doc, { from: offset, to: offset })?.start ?? null;
  }

  /**
   * What the analysis of the document reads, for runs and exports: a notebook's whole program,
   * its URI and version (a cell's own are not the analysed ones).
   */
  source(doc: vscode.TextDocument): { uri: vscode.Uri; key: string; version: number; text: string } {
    const notebook = this.notebook(doc);
    if (notebook) return { uri: notebook.uri, key: notebook.key, version: notebook.version(), text: notebook.text() };
    return { uri: doc.uri, key: key(doc), version: doc.version, text: doc.getText() };
  }

  /** Two documents with one analysis: the same document, or cells of the same notebook. */
  sameSource(a: vscode.TextDocument | null | undefined, b: vscode.TextDocument | null | undefined): boolean {
    return !!a && !!b && (a === b || (isNotebookCell(a) && key(a) === key(b)));
  }

  /** The document and position of a 0-based line and column of the analysed text (in a notebook: in one of its cells). */
  locate(doc: vscode.TextDocument, line: number, column: number): { document: vscode.TextDocument; position: vscode.Position } | null {
    const notebook = this.notebook(doc);
    return notebook ? notebook.locate(line, column) : { document: doc, position: new vscode.Position(line, column) };
  }

  /** A notebook's cells left out because they run past their end: their SyntaxErrors (program offsets), to show with the views. */
  syntaxDiagnostics(doc: vscode.TextDocument): ViewDiagnostic[] {
    return this.notebook(doc)?.program.syntaxDiagnostics() ?? [];
  }

  /** The version of the document's analysis (in a notebook cell: its notebook's). */
  version(doc: vscode.TextDocument): number | null {
    const entry = this.docs.get(key(doc));
    return entry ? versionOf(entry.source) : null;
  }

  /** The views of the document's current version, if it has been analysed. */
  views(doc: vscode.TextDocument): DocumentViews | null {
    const entry = this.docs.get(key(doc));
    return entry?.views && entry.views.version === versionOf(entry.source) ? entry.views.views : null;
  }

  /**
   * The views of the document's current version, once analysed (null if a newer version replaces
   * it first). Waits for the debounce: the editor asks for these on every keystroke.
   */
  analysed(doc: vscode.TextDocument): Promise<DocumentViews | null> {
    const entry = this.docs.get(key(doc));
    if (!entry) return Promise.resolve(null);
    const ready = this.views(doc);
    if (ready) return Promise.resolve(ready);
    if (entry.sent === null) this.flush(entry);
    return new Promise((resolve) => entry.waiters.push({ version: versionOf(entry.source), resolve }));
  }

  /**
   * Asks the worker about the document's current version (null when it was replaced meanwhile).
   * `now`: the user is waiting (a hover, a command), so pending edits go without the debounce;
   * otherwise (status bar, cursor, light bulb) the answer comes after the debounced analysis.
   */
  async request<K extends RequestKind>(doc: vscode.TextDocument, kind: K, args: AnalysisRequests[K]['args'], now = false): Promise<AnalysisRequests[K]['result'] | null> {
    const entry = this.docs.get(key(doc));
    const lane = entry && this.lanes[entry.lane];
    if (!entry || !lane || entry.hung === versionOf(entry.source)) return null;
    // The worker must hold the document (after a restart it gets it on the first question).
    if (now || entry.sent === null) this.flush(entry);
    return (await lane.request(entry.source.key, versionOf(entry.source), { kind, args } as never)) as AnalysisRequests[K]['result'] | null;
  }

  private newLane(name: LaneName): AnalysisLane {
    return new AnalysisLane(this.makeTransport, configureMessage, {
      received: (m) => {
        const entry = m.type === 'analysed' ? this.docs.get(m.uri) : undefined;
        if (!entry || m.type !== 'analysed') return;
        this.settle(entry, m.version, unpackViews(m.views));
        if (m.millis > SLOW_MS && entry.lane === 'main') this.moveToSlowLane(entry);
      },
      restarted: (culprit, reason) => this.restarted(name, culprit, reason),
      gaveUp: (reason) => void vscode.window.showErrorMessage(`ConvLens: live analysis stopped (${reason}). Reload the window to restart it.`),
    }, HANG_MS);
  }

  /** The document's next analyses run in the second worker (started on first need). */
  private moveToSlowLane(entry: Tracked): void {
    this.lanes.slow ??= this.newLane('slow');
    this.lanes.main?.post({ type: 'close', uri: entry.source.key });
    entry.lane = 'slow';
    entry.sent = null;
    // Edits since the last version sent belong to the old worker's text: the new one reads it whole.
    entry.edits = [];
    if (entry.views?.version !== versionOf(entry.source) || entry.waiters.length) this.flush(entry);
  }

  private track(doc: vscode.TextDocument): void {
    if (isNotebookCell(doc)) {
      const nb = notebookOf(doc);
      const entry = nb && this.docs.get(nb.uri.toString());
      // A cell (re)opened in a tracked notebook, e.g. its language changed: the program may have changed.
      if (entry) this.debounce(entry);
      else if (nb) this.trackNotebook(nb);
      return;
    }
    if (!isPython(doc) || this.docs.has(key(doc))) return;
    this.start({ kind: 'document', key: key(doc), doc });
  }

  private trackNotebook(nb: vscode.NotebookDocument): void {
    const k = nb.uri.toString();
    if (this.docs.has(k)) return;
    this.start({ kind: 'notebook', key: k, notebook: new NotebookSource(nb) });
  }

  private start(source: Source): void {
    const entry: Tracked = { source, lane: 'main', sent: null, hung: null, edits: [], timer: undefined, sentAt: 0, views: null, waiters: [] };
    this.docs.set(source.key, entry);
    this.flush(entry);
  }

  /** Sends the document's current version to its worker, unless it has it already. */
  private flush(entry: Tracked): void {
    clearTimeout(entry.timer);
    entry.timer = undefined;
    const { source } = entry;
    const version = versionOf(source);
    const lane = this.lanes[entry.lane];
    if (!lane?.alive || entry.sent === version || entry.hung === version) return;
    const text = textOf(source);
    if (entry.sent === null) {
      lane.post({ type: 'open', uri: source.key, version, text });
      if (source.kind === 'notebook') source.notebook.opened(text);
    } else {
      const edits = source.kind === 'notebook' ? source.notebook.editsTo(text) : entry.edits;
      lane.post({ type: 'change', uri: source.key, version, text, edits });
    }
    entry.edits = [];
    entry.sent = version;
    entry.sentAt = performance.now();
  }

  /** Records a version's views; listeners hear of it only if it is still the document's version. */
  private settle(entry: Tracked, version: number, views: DocumentViews): void {
    const current = version === versionOf(entry.source);
    if (current) entry.views = { version, views };
    const done = entry.waiters.filter((w) => w.version <= version);
    entry.waiters = entry.waiters.filter((w) => w.version > version);
    for (const w of done) w.resolve(w.version === version ? views : null);
    if (current) for (const doc of documentsOf(entry.source)) this.emitter.fire(doc);
  }

  /**
   * A new worker replaced a hung or crashed one: it gets that lane's documents again, except the
   * version it was stuck on; those whose views are current wait until they change or are asked about.
   */
  private restarted(lane: LaneName, culprit: { uri: string; version: number } | null, reason: string): void {
    for (const entry of this.docs.values()) {
      if (entry.lane !== lane) continue;
      entry.sent = null;
      entry.edits = [];
      if (culprit && culprit.uri === entry.source.key) {
        entry.hung = culprit.version;
        this.settle(entry, culprit.version, {
          diagnostics: [{ from: 0, to: 0, severity: 'warning', code: 'analysis-stopped', message: `ConvLens stopped analysing this version of the file: ${reason}. Analysis resumes with the next edit.` }],
          inlayHints: [],
          codeLenses: [],
        });
      }
      if (entry.views?.version !== versionOf(entry.source) || entry.waiters.length) this.flush(entry);
    }
  }

  private forget(k: string): void {
    const entry = this.docs.get(k);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.docs.delete(k);
    for (const w of entry.waiters) w.resolve(null);
    this.lanes[entry.lane]?.post({ type: 'close', uri: k });
  }

  dispose(): void {
    void this.stop();
  }

  /** Stops listening and terminates the analysis workers; settles once their threads have exited. */
  async stop(): Promise<void> {
    for (const entry of this.docs.values()) clearTimeout(entry.timer);
    const lanes = Object.values(this.lanes).map((lane) => lane?.dispose());
    this.lanes.main = null;
    this.lanes.slow = null;
    for (const d of this.disposables) d.dispose();
    this.disposables.length = 0;
    await Promise.all(lanes);
  }
}

function configureMessage(): ToAnalysisWorker {
  return { type: 'configure', options: config.analysisOptions() };
}

export function isPython(doc: vscode.TextDocument): boolean {
  return doc.languageId === 'python' || doc.fileName.endsWith('.py');
}

/** The worker's name for a document's analysis: a notebook cell's is its notebook's URI. */
function key(doc: vscode.TextDocument): string {
  if (isNotebookCell(doc)) {
    const nb = notebookOf(doc);
    if (nb) return nb.uri.toString();
  }
  return doc.uri.toString();
}

export function rangeOf(doc: vscode.TextDocument, span: { from: number; to: number }): vscode.Range {
  return new vscode.Range(doc.positionAt(span.from), doc.positionAt(span.to));
}
