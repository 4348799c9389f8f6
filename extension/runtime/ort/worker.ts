/**
 * The ONNX Runtime worker. session.run() blocks its thread for the whole inference, so it runs
 * here and never on the extension host's or CLI's main thread.
 */
import { parentPort } from 'node:worker_threads';
import type { WorkerRequest, WorkerResponse } from './protocol';
import { OrtSessions } from './sessions';

const sessions = new OrtSessions();

async function handle(msg: WorkerRequest): Promise<WorkerResponse | null> {
  if (msg.type === 'drop') {
    await sessions.drop(msg.key);
    return null;
  }
  try {
    return await sessions.run(msg);
  } catch (e) {
    return { type: 'error', id: msg.id, message: (e as Error).message };
  }
}

// One request at a time: the worker holds one session, and requests may arrive while one runs.
let queue: Promise<unknown> = Promise.resolve();

parentPort!.on('message', (msg: WorkerRequest) => {
  queue = queue.then(() => handle(msg)).then((res) => {
    if (!res) return;
    const transfer = res.type === 'result' ? res.outputs.map((o) => o.data.buffer as ArrayBuffer) : [];
    parentPort!.postMessage(res, transfer);
  }).catch((e: Error) => {
    // Keep the queue alive: a failed post must not stop the requests behind it.
    if (msg.type === 'run') parentPort!.postMessage({ type: 'error', id: msg.id, message: e.message } satisfies WorkerResponse);
  });
});
