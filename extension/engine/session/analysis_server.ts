/**
 * The analysis side of the editor, as a language server does it: one DocumentSession per open
 * document, fed text changes; only the newest version of a document is ever analysed (versions
 * replaced while waiting are skipped), and requests are answered from the analysis of the version
 * they name. Runs in a worker thread (analysis_worker.ts); no editor imports.
 */
import type { Analysis } from '../analysis/analyze';
import type { TextEdit } from '../parse';
import { answer, documentViews } from './document_views';
import { DocumentSession } from './document_session';
import { packViews } from './posted_views';
import type { AnalysisOptions, AnalysisRequest, FromAnalysisWorker, ToAnalysisWorker } from './protocol';

interface PendingRequest {
  id: number;
  version: number;
  request: AnalysisRequest;
}

interface OpenDocument {
  session: DocumentSession;
  /** The newest text received, its version and the edits since the last analysed text. */
  text: string;
  version: number;
  edits: TextEdit[] | undefined;
  analysed: { version: number; text: string; analysis: Analysis | null } | null;
  waiting: PendingRequest[];
  /** When the document last changed (a counter): the one being typed in is analysed first. */
  touched: number;
}

export class AnalysisServer {
  private readonly documents = new Map<string, OpenDocument>();
  private options: AnalysisOptions = {};
  private scheduled = false;
  private clock = 0;
  /** Versions analysed so far, per document (tests count them: each version at most once). */
  readonly analyses: { uri: string; version: number }[] = [];

  /** `defer` runs the next analysis after the messages already received (setImmediate in a worker). */
  constructor(
    private readonly post: (m: FromAnalysisWorker) => void,
    private readonly defer: (run: () => void) => void = setImmediate,
  ) {}

  receive(m: ToAnalysisWorker): void {
    switch (m.type) {
      case 'configure':
        this.options = m.options;
        for (const [uri, doc] of this.documents) this.documents.set(uri, { ...doc, session: this.newSession(), edits: undefined, analysed: null });
        break;
      case 'open':
        this.close(m.uri);
        this.documents.set(m.uri, { session: this.newSession(), text: m.text, version: m.version, edits: undefined, analysed: null, waiting: [], touched: ++this.clock });
        break;
      case 'change': {
        const doc = this.documents.get(m.uri);
        if (!doc) return;
        doc.text = m.text;
        doc.version = m.version;
        doc.touched = ++this.clock;
        // Edits chain from the last analysed text; a fresh session parses from scratch anyway.
        if (doc.edits || doc.analysed) doc.edits = [...(doc.edits ?? []), ...m.edits];
        this.dropReplaced(doc);
        break;
      }
      case 'close':
        this.close(m.uri);
        return;
      case 'request':
        this.request(m.id, m.uri, m.version, m.request);
        return;
    }
    this.schedule();
  }

  private newSession(): DocumentSession {
    return new DocumentSession({ limits: this.options.limits, defaultInputShape: this.options.defaultInputShape });
  }

  private close(uri: string): void {
    const doc = this.documents.get(uri);
    if (!doc) return;
    this.documents.delete(uri);
    for (const r of doc.waiting) this.post({ type: 'response', id: r.id, result: null });
  }

  private request(id: number, uri: string, version: number, request: AnalysisRequest): void {
    const doc = this.documents.get(uri);
    if (!doc || version < doc.version) return this.post({ type: 'response', id, result: null });
    if (doc.analysed?.version === version) return this.respond(doc, { id, version, request });
    doc.waiting.push({ id, version, request });
  }

  private respond(doc: OpenDocument, r: PendingRequest): void {
    const done = doc.analysed;
    if (!done || done.version !== r.version || !done.analysis) return this.post({ type: 'response', id: r.id, result: null });
    try {
      this.post({ type: 'response', id: r.id, result: answer(done.text, done.analysis, r.request) });
    } catch (e) {
      this.post({ type: 'failed', id: r.id, message: (e as Error).message });
    }
  }

  /** Requests about a version that a newer one replaced get no answer worth computing. */
  private dropReplaced(doc: OpenDocument): void {
    const replaced = doc.waiting.filter((r) => r.version < doc.version);
    doc.waiting = doc.waiting.filter((r) => r.version >= doc.version);
    for (const r of replaced) this.post({ type: 'response', id: r.id, result: null });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.defer(() => {
      this.scheduled = false;
      this.analyseNext();
    });
  }

  /** One document per turn, so requests and newer edits received meanwhile are seen before the next. */
  private analyseNext(): void {
    const stale = [...this.documents.entries()].filter(([, d]) => d.analysed?.version !== d.version);
    if (!stale.length) return;
    // A document someone is waiting on goes first, then the one changed last (being typed in).
    const [uri, doc] = stale.find(([, d]) => d.waiting.length) ?? stale.reduce((a, b) => (b[1].touched > a[1].touched ? b : a));
    const { version, text, edits } = doc;
    this.post({ type: 'analysing', uri, version });
    this.analyses.push({ uri, version });
    const started = Date.now();
    let analysis: Analysis | null = null;
    try {
      analysis = doc.session.update(text, version, edits);
    } catch (e) {
      // Never expected (the tracer contains its own failures); the document says so instead of going blank.
      doc.session = this.newSession();
      this.post({ type: 'analysed', uri, version, views: packViews({ diagnostics: [{ from: 0, to: 0, severity: 'error', code: 'internal-error', message: `ConvLens could not analyse this version: ${(e as Error).message}` }], inlayHints: [], codeLenses: [] }), millis: Date.now() - started });
    }
    doc.edits = [];
    doc.analysed = { version, text, analysis };
    if (analysis) this.post({ type: 'analysed', uri, version, views: packViews(documentViews(analysis)), millis: Date.now() - started });
    const ready = doc.waiting.filter((r) => r.version === version);
    doc.waiting = doc.waiting.filter((r) => r.version !== version);
    for (const r of ready) this.respond(doc, r);
    this.schedule();
  }
}
