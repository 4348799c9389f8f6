/**
 * Runs ONNX models in a worker thread so the caller's event loop stays free. Cancelling a run
 * terminates the worker (ORT cannot interrupt a run); the next run starts a fresh one.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { RunRequest, RunResponse, TensorData, WorkerResponse } from './protocol';
import { disableOrtTelemetry } from './telemetry';

export class RunCancelled extends Error {
  constructor() {
    super('The run was cancelled.');
  }
}

/** The worker script: the bundled one when present, else the TypeScript source through tsx. */
export function defaultWorkerPath(): { file: string; execArgv: string[] } {
  const bundled = path.join(__dirname, 'ort-worker.js');
  if (existsSync(bundled)) return { file: bundled, execArgv: [] };
  const distBundle = path.resolve(__dirname, '..', '..', '..', 'dist', 'ort-worker.js');
  if (existsSync(distBundle)) return { file: distBundle, execArgv: [] };
  return { file: path.join(__dirname, 'worker-dev.cjs'), execArgv: [] };
}

interface Pending {
  resolve: (r: RunResponse) => void;
  reject: (e: Error) => void;
}

export interface RunOptions {
  model: Uint8Array;
  feeds: TensorData[];
  fetch: string[];
  profile?: boolean;
  threads?: number;
  /** Timed repetitions after a warm-up (default 0: one run, not timed). */
  repeats?: number;
  signal?: AbortSignal;
}

/** Runs an ONNX model: in a worker thread (OrtRunner) or, inside a worker already, in process. */
export interface ModelRunner {
  run(opts: RunOptions): Promise<RunResponse>;
}

const keyCache = new WeakMap<Uint8Array, string>();

/** Sessions are cached by the model's content (architecture and weights), hashed once per buffer. */
export function modelKey(model: Uint8Array): string {
  let key = keyCache.get(model);
  if (!key) {
    key = createHash('sha1').update(model).digest('hex');
    keyCache.set(model, key);
  }
  return key;
}

export class OrtRunner implements ModelRunner {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  /** The model the worker holds a session for (it keeps one: see sessions.ts). */
  private loaded: string | null = null;
  private nextId = 1;

  constructor(private readonly script = defaultWorkerPath()) {
    disableOrtTelemetry();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.script.file, { execArgv: this.script.execArgv });
    w.on('message', (res: WorkerResponse) => {
      const p = this.pending.get(res.id);
      if (!p) return;
      this.pending.delete(res.id);
      if (res.type === 'error') p.reject(new Error(res.message));
      else p.resolve(res);
    });
    const failAll = (e: Error) => {
      // A worker terminated by dispose() must not touch the state of its successor.
      if (this.worker !== w) return;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
      this.loaded = null;
      this.worker = null;
    };
    w.on('error', (e) => failAll(e));
    w.on('exit', (code) => failAll(new Error(`the ONNX Runtime worker stopped (exit code ${code})`)));
    this.worker = w;
    return w;
  }

  run(opts: RunOptions): Promise<RunResponse> {
    if (opts.signal?.aborted) return Promise.reject(new RunCancelled());
    const worker = this.ensureWorker();
    const id = this.nextId++;
    const key = modelKey(opts.model);
    // The model travels when the worker's session is another one; a profiled run drops its session.
    const sendModel = this.loaded !== key || !!opts.profile;
    const req: RunRequest = {
      type: 'run', id, key, model: sendModel ? opts.model : undefined,
      feeds: opts.feeds, fetch: opts.fetch, profile: !!opts.profile, threads: opts.threads ?? 0, repeats: opts.repeats ?? 0,
    };
    return new Promise<RunResponse>((resolve, reject) => {
      this.pending.set(id, {
        resolve: (r) => {
          this.loaded = opts.profile ? null : key;
          resolve(r);
        },
        reject,
      });
      opts.signal?.addEventListener('abort', () => {
        if (!this.pending.has(id)) return;
        this.pending.delete(id);
        reject(new RunCancelled());
        void this.dispose();
      }, { once: true });
      worker.postMessage(req);
    });
  }

  async dispose(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    this.loaded = null;
    for (const p of this.pending.values()) p.reject(new RunCancelled());
    this.pending.clear();
    if (w) await w.terminate();
  }
}
