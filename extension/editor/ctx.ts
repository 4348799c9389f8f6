/**
 * The extension's context: the open Python documents, kept in step with the analysis worker (one
 * DocumentSession per document lives there, off the extension host's thread; documents that
 * analyse slowly get a second worker, so they never hold up the others). Edits are sent
 * debounced, or at once when the user waits (a hover, a command); each version is analysed once.
 * Providers get plain view data back, asynchronously: typing never waits on an analysis.
 */
import * as vscode from 'vscode';
import type { TextEdit } from '../engine/parse';
import type { AnalysisRequests, DocumentViews, RequestKind, ToAnalysisWorker } from '../engine/session/protocol';
import { AnalysisLane, workerTransport, type TransportFactory } from './analysis_worker_client';
import { affectsConfig, config } from './config';

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

interface Tracked {
  doc: vscode.TextDocument;
  lane: LaneName;
  /** The version the worker holds (null: the worker does not have this document). */
  sent: number | null;
  /** A version that hung the worker: never sent again. */
  hung: number | null;
  edits: TextEdit[];
  timer: NodeJS.Timeout | undefined;
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
        // VS Code lists one event's changes so that applying them in order is right.
        for (const c of e.contentChanges) entry.edits.push({ from: c.rangeOffset, to: c.rangeOffset + c.rangeLength, insert: c.text });
        clearTimeout(entry.timer);
        entry.timer = setTimeout(() => this.flush(entry), config.debounceMs);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!affectsConfig(e)) return;
        for (const lane of Object.values(this.lanes)) lane?.post(configureMessage());
        for (const entry of this.docs.values()) entry.hung = null;
      }),
    );
    for (const d of vscode.workspace.textDocuments) this.track(d);
  }

  /** The views of the document's current version, if it has been analysed. */
  views(doc: vscode.TextDocument): DocumentViews | null {
    const entry = this.docs.get(key(doc));
    return entry?.views?.version === doc.version ? entry.views.views : null;
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
    return new Promise((resolve) => entry.waiters.push({ version: doc.version, resolve }));
  }

  /**
   * Asks the worker about the document's current version (null when it was replaced meanwhile).
   * `now`: the user is waiting (a hover, a command), so pending edits go without the debounce;
   * otherwise (status bar, cursor, light bulb) the answer comes after the debounced analysis.
   */
  async request<K extends RequestKind>(doc: vscode.TextDocument, kind: K, args: AnalysisRequests[K]['args'], now = false): Promise<AnalysisRequests[K]['result'] | null> {
    const entry = this.docs.get(key(doc));
    const lane = entry && this.lanes[entry.lane];
    if (!entry || !lane || entry.hung === doc.version) return null;
    // The worker must hold the document (after a restart it gets it on the first question).
    if (now || entry.sent === null) this.flush(entry);
    return (await lane.request(key(doc), doc.version, { kind, args } as never)) as AnalysisRequests[K]['result'] | null;
  }

  private newLane(name: LaneName): AnalysisLane {
    return new AnalysisLane(this.makeTransport, configureMessage, {
      received: (m) => {
        const entry = m.type === 'analysed' ? this.docs.get(m.uri) : undefined;
        if (!entry || m.type !== 'analysed') return;
        this.settle(entry, m.version, m.views);
        if (m.millis > SLOW_MS && entry.lane === 'main') this.moveToSlowLane(entry);
      },
      restarted: (culprit, reason) => this.restarted(name, culprit, reason),
      gaveUp: (reason) => void vscode.window.showErrorMessage(`ConvLens: live analysis stopped (${reason}). Reload the window to restart it.`),
    }, HANG_MS);
  }

  /** The document's next analyses run in the second worker (started on first need). */
  private moveToSlowLane(entry: Tracked): void {
    this.lanes.slow ??= this.newLane('slow');
    this.lanes.main?.post({ type: 'close', uri: key(entry.doc) });
    entry.lane = 'slow';
    entry.sent = null;
    // Edits since the last version sent belong to the old worker's text: the new one reads it whole.
    entry.edits = [];
    if (entry.views?.version !== entry.doc.version || entry.waiters.length) this.flush(entry);
  }

  private track(doc: vscode.TextDocument): void {
    if (!isPython(doc) || this.docs.has(key(doc))) return;
    const entry: Tracked = { doc, lane: 'main', sent: null, hung: null, edits: [], timer: undefined, views: null, waiters: [] };
    this.docs.set(key(doc), entry);
    this.flush(entry);
  }

  /** Sends the document's current version to its worker, unless it has it already. */
  private flush(entry: Tracked): void {
    clearTimeout(entry.timer);
    entry.timer = undefined;
    const { doc } = entry;
    const lane = this.lanes[entry.lane];
    if (!lane?.alive || entry.sent === doc.version || entry.hung === doc.version) return;
    if (entry.sent === null) lane.post({ type: 'open', uri: key(doc), version: doc.version, text: doc.getText() });
    else lane.post({ type: 'change', uri: key(doc), version: doc.version, text: doc.getText(), edits: entry.edits });
    entry.edits = [];
    entry.sent = doc.version;
  }

  /** Records a version's views; listeners hear of it only if it is still the document's version. */
  private settle(entry: Tracked, version: number, views: DocumentViews): void {
    const current = version === entry.doc.version;
    if (current) entry.views = { version, views };
    const done = entry.waiters.filter((w) => w.version <= version);
    entry.waiters = entry.waiters.filter((w) => w.version > version);
    for (const w of done) w.resolve(w.version === version ? views : null);
    if (current) this.emitter.fire(entry.doc);
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
      if (culprit && culprit.uri === key(entry.doc)) {
        entry.hung = culprit.version;
        this.settle(entry, culprit.version, {
          diagnostics: [{ from: 0, to: 0, severity: 'warning', code: 'analysis-stopped', message: `ConvLens stopped analysing this version of the file: ${reason}. Analysis resumes with the next edit.` }],
          inlayHints: [],
          codeLenses: [],
        });
      }
      if (entry.views?.version !== entry.doc.version || entry.waiters.length) this.flush(entry);
    }
  }

  private forget(doc: vscode.TextDocument): void {
    const entry = this.docs.get(key(doc));
    if (!entry) return;
    clearTimeout(entry.timer);
    this.docs.delete(key(doc));
    for (const w of entry.waiters) w.resolve(null);
    this.lanes[entry.lane]?.post({ type: 'close', uri: key(doc) });
  }

  dispose(): void {
    for (const entry of this.docs.values()) clearTimeout(entry.timer);
    for (const lane of Object.values(this.lanes)) lane?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

function configureMessage(): ToAnalysisWorker {
  return { type: 'configure', options: config.analysisOptions() };
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
