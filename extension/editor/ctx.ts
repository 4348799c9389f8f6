/**
 * The extension's context: the open Python documents, kept in step with the analysis worker (one
 * DocumentSession per document lives there, off the extension host's thread). Edits are sent
 * debounced, or at once when a provider asks about the document; each version is analysed once.
 * Providers get plain view data back, asynchronously: typing never waits on an analysis.
 */
import * as vscode from 'vscode';
import type { TextEdit } from '../engine/parse';
import type { AnalysisRequests, DocumentViews, FromAnalysisWorker, RequestKind } from '../engine/session/protocol';
import { workerTransport, type AnalysisTransport, type TransportFactory } from './analysis_worker_client';
import { affectsConfig, config } from './config';

/**
 * An analysis still running after this long means a hung worker (the tracer's step budget and its
 * 3 s time net stop it far sooner): the worker is restarted without that version.
 */
export const HANG_MS = 10_000;
/** More restarts than this within a minute: the worker stays down rather than crash-looping. */
const MAX_RESTARTS_PER_MINUTE = 5;

interface Tracked {
  doc: vscode.TextDocument;
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
  private readonly requests = new Map<number, (result: unknown) => void>();
  private readonly emitter = new vscode.EventEmitter<vscode.TextDocument>();
  private readonly disposables: vscode.Disposable[] = [this.emitter];
  private transport: AnalysisTransport | null = null;
  private generation = 0;
  private nextId = 1;
  private running: { uri: string; version: number; watchdog: NodeJS.Timeout } | null = null;
  private readonly restartTimes: number[] = [];
  /** Fires once per analysed version of a document, when it is still the document's current version. */
  readonly onDidAnalyze = this.emitter.event;

  constructor(
    readonly extension: vscode.ExtensionContext,
    private readonly makeTransport: TransportFactory = workerTransport(extension.extensionPath),
  ) {
    this.transport = this.start();
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
        if (!affectsConfig(e) || !this.transport) return;
        this.transport.post({ type: 'configure', options: config.analysisOptions() });
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
  request<K extends RequestKind>(doc: vscode.TextDocument, kind: K, args: AnalysisRequests[K]['args'], now = false): Promise<AnalysisRequests[K]['result'] | null> {
    const entry = this.docs.get(key(doc));
    if (!entry || !this.transport || entry.hung === doc.version) return Promise.resolve(null);
    // The worker must hold the document (after a restart it gets it on the first question).
    if (now || entry.sent === null) this.flush(entry);
    const id = this.nextId++;
    this.transport.post({ type: 'request', id, uri: key(doc), version: doc.version, request: { kind, args } as never });
    return new Promise((resolve) => this.requests.set(id, resolve as (r: unknown) => void));
  }

  private start(): AnalysisTransport {
    const generation = ++this.generation;
    const transport = this.makeTransport(
      (m) => generation === this.generation && this.received(m),
      (reason) => generation === this.generation && this.restart(reason),
    );
    transport.post({ type: 'configure', options: config.analysisOptions() });
    return transport;
  }

  private track(doc: vscode.TextDocument): void {
    if (!isPython(doc) || this.docs.has(key(doc))) return;
    const entry: Tracked = { doc, sent: null, hung: null, edits: [], timer: undefined, views: null, waiters: [] };
    this.docs.set(key(doc), entry);
    this.flush(entry);
  }

  /** Sends the document's current version to the worker, unless it has it already. */
  private flush(entry: Tracked): void {
    clearTimeout(entry.timer);
    entry.timer = undefined;
    const { doc } = entry;
    if (!this.transport || entry.sent === doc.version || entry.hung === doc.version) return;
    if (entry.sent === null) this.transport.post({ type: 'open', uri: key(doc), version: doc.version, text: doc.getText() });
    else this.transport.post({ type: 'change', uri: key(doc), version: doc.version, text: doc.getText(), edits: entry.edits });
    entry.edits = [];
    entry.sent = doc.version;
  }

  private received(m: FromAnalysisWorker): void {
    if (m.type === 'analysing') {
      this.stopWatchdog();
      this.running = { uri: m.uri, version: m.version, watchdog: setTimeout(() => this.restart(`an analysis took more than ${HANG_MS / 1000} s`), HANG_MS) };
    } else if (m.type === 'analysed') {
      this.stopWatchdog();
      const entry = this.docs.get(m.uri);
      if (entry) this.settle(entry, m.version, m.views);
    } else {
      const resolve = this.requests.get(m.id);
      this.requests.delete(m.id);
      resolve?.(m.type === 'response' ? m.result : null);
    }
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

  private stopWatchdog(): void {
    if (this.running) clearTimeout(this.running.watchdog);
    this.running = null;
  }

  /**
   * A hung or crashed worker: a new one gets the documents again, except the version it was
   * analysing; those whose views are current wait until they change or someone asks about them.
   */
  private restart(reason: string): void {
    const culprit = this.running;
    this.stopWatchdog();
    this.transport?.terminate();
    this.transport = null;
    for (const resolve of this.requests.values()) resolve(null);
    this.requests.clear();
    const now = Date.now();
    this.restartTimes.push(now);
    while (this.restartTimes[0] < now - 60_000) this.restartTimes.shift();
    if (this.restartTimes.length > MAX_RESTARTS_PER_MINUTE) {
      void vscode.window.showErrorMessage(`ConvLens: live analysis stopped (${reason}, ${this.restartTimes.length} times in a minute). Reload the window to restart it.`);
      return;
    }
    this.transport = this.start();
    for (const entry of this.docs.values()) {
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
      if (entry.views?.version !== entry.doc.version) this.flush(entry);
    }
  }

  private forget(doc: vscode.TextDocument): void {
    const entry = this.docs.get(key(doc));
    if (!entry) return;
    clearTimeout(entry.timer);
    this.docs.delete(key(doc));
    for (const w of entry.waiters) w.resolve(null);
    this.transport?.post({ type: 'close', uri: key(doc) });
  }

  dispose(): void {
    this.stopWatchdog();
    for (const entry of this.docs.values()) clearTimeout(entry.timer);
    this.generation++;
    this.transport?.terminate();
    this.transport = null;
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
