/**
 * The editor's end of the analysis worker: starts it, tells a hung or crashed worker from a busy
 * one, restarts it, and matches requests to answers. No `vscode` here: Ctx owns the documents.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FromAnalysisWorker, ToAnalysisWorker } from '../engine/session/protocol';

export interface AnalysisTransport {
  post(m: ToAnalysisWorker): void;
  terminate(): void;
}

/** Makes a fresh worker; `exited` reports a crash (not a terminate() asked for). */
export type TransportFactory = (received: (m: FromAnalysisWorker) => void, exited: (reason: string) => void) => AnalysisTransport;

/** The heap a worker may use: a file that needs more is that file's problem, not the editor's. */
const WORKER_HEAP_MB = 1024;

export function workerTransport(extensionPath: string): TransportFactory {
  return (received, exited) => {
    const worker = new Worker(path.join(extensionPath, 'dist', 'analysis-worker.js'), { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
    let terminating = false;
    worker.on('message', received);
    worker.on('error', (e) => !terminating && exited(e.message));
    worker.on('exit', (code) => !terminating && exited(`the analysis worker exited (${code})`));
    return {
      post: (m) => worker.postMessage(m),
      terminate: () => {
        terminating = true;
        void worker.terminate();
      },
    };
  };
}
