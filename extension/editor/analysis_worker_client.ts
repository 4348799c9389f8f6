/**
 * The editor's end of the analysis workers: starts one, tells a hung or crashed worker from a busy
 * one, restarts it, and matches requests to answers. No `vscode` here: Ctx owns the documents.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FromAnalysisWorker, ToAnalysisWorker } from '../engine/session/protocol';
import { ANALYSIS_YOUNG_GENERATION_MB } from '../engine/session/worker_limits';

export interface AnalysisTransport {
  post(m: ToAnalysisWorker): void;
  /** Stops the worker; the promise settles once its thread has exited. */
  terminate(): Promise<void> | void;
}

/** Makes a fresh worker; `exited` reports a crash (not a terminate() asked for). */
export type TransportFactory = (received: (m: FromAnalysisWorker) => void, exited: (reason: string) => void) => AnalysisTransport;

/** The heap a worker may use: a file that needs more is that file's problem, not the editor's. */
const WORKER_HEAP_MB = 1024;

export function workerTransport(extensionPath: string): TransportFactory {
  return (received, exited) => {
    const worker = new Worker(path.join(extensionPath, 'dist', 'analysis-worker.js'), { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: ANALYSIS_YOUNG_GENERATION_MB } });
    let terminating = false;
    worker.on('message', received);
    worker.on('error', (e) => !terminating && exited(e.message));
    worker.on('exit', (code) => !terminating && exited(`the analysis worker exited (${code})`));
    return {
      post: (m) => worker.postMessage(m),
      terminate: async () => {
        terminating = true;
        await worker.terminate();
      },
    };
  };
}

export interface LaneEvents {
  received(m: FromAnalysisWorker): void;
  /** The worker was replaced; `culprit` is the version it was stuck on (or crashed in), if any. */
  restarted(culprit: { uri: string; version: number } | null, reason: string): void;
  /** Too many restarts: the lane stays down. */
  gaveUp(reason: string): void;
}

/**
 * One analysis worker and its watchdog: an analysis running longer than `hangMs` (or a crash)
 * gets the worker replaced; requests in flight are answered null.
 */
export class AnalysisLane {
  private transport: AnalysisTransport | null = null;
  private generation = 0;
  private nextId = 1;
  private running: { uri: string; version: number; watchdog: NodeJS.Timeout } | null = null;
  private readonly requests = new Map<number, (result: unknown) => void>();
  private readonly restartTimes: number[] = [];

  constructor(
    private readonly make: TransportFactory,
    private readonly configure: () => ToAnalysisWorker,
    private readonly events: LaneEvents,
    private readonly hangMs: number,
    private readonly maxRestartsPerMinute = 5,
  ) {
    this.transport = this.start();
  }

  get alive(): boolean {
    return this.transport !== null;
  }

  post(m: ToAnalysisWorker): void {
    this.transport?.post(m);
  }

  request(uri: string, version: number, request: Extract<ToAnalysisWorker, { type: 'request' }>['request']): Promise<unknown> {
    if (!this.transport) return Promise.resolve(null);
    const id = this.nextId++;
    this.transport.post({ type: 'request', id, uri, version, request });
    return new Promise((resolve) => this.requests.set(id, resolve));
  }

  private start(): AnalysisTransport {
    const generation = ++this.generation;
    const transport = this.make(
      (m) => generation === this.generation && this.received(m),
      (reason) => generation === this.generation && this.restart(reason),
    );
    transport.post(this.configure());
    return transport;
  }

  private received(m: FromAnalysisWorker): void {
    if (m.type === 'analysing') {
      this.stopWatchdog();
      this.running = { uri: m.uri, version: m.version, watchdog: setTimeout(() => this.restart(`an analysis took more than ${this.hangMs / 1000} s`), this.hangMs) };
    } else if (m.type === 'analysed') {
      this.stopWatchdog();
    } else {
      const resolve = this.requests.get(m.id);
      this.requests.delete(m.id);
      resolve?.(m.type === 'response' ? m.result : null);
      return;
    }
    this.events.received(m);
  }

  private stopWatchdog(): void {
    if (this.running) clearTimeout(this.running.watchdog);
    this.running = null;
  }

  private restart(reason: string): void {
    const culprit = this.running && { uri: this.running.uri, version: this.running.version };
    this.stopWatchdog();
    this.generation++;
    this.transport?.terminate();
    this.transport = null;
    for (const resolve of this.requests.values()) resolve(null);
    this.requests.clear();
    const now = Date.now();
    this.restartTimes.push(now);
    while (this.restartTimes[0] < now - 60_000) this.restartTimes.shift();
    if (this.restartTimes.length > this.maxRestartsPerMinute) return this.events.gaveUp(`${reason}, ${this.restartTimes.length} times in a minute`);
    this.transport = this.start();
    this.events.restarted(culprit, reason);
  }

  /** Stops the worker for good; the promise settles once its thread has exited. */
  async dispose(): Promise<void> {
    this.stopWatchdog();
    this.generation++;
    const stopped = this.transport?.terminate();
    this.transport = null;
    for (const resolve of this.requests.values()) resolve(null);
    this.requests.clear();
    await stopped;
  }
}
