/** Worker-thread entry of the editor's live analysis (see analysis_server.ts). */
import { parentPort } from 'node:worker_threads';
import { AnalysisServer } from './analysis_server';
import type { ToAnalysisWorker } from './protocol';

const server = new AnalysisServer((m) => parentPort!.postMessage(m));
parentPort!.on('message', (m: ToAnalysisWorker) => server.receive(m));
