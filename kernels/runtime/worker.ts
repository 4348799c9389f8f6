/**
 * The ONNX Runtime worker. session.run() blocks its thread for the whole inference, so it runs
 * here and never on the extension host's or CLI's main thread.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parentPort } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import type { ProfileEvent, RunRequest, TensorData, WorkerRequest, WorkerResponse } from './protocol';

const MAX_SESSIONS = 4;
const sessions = new Map<string, ort.InferenceSession>();

async function session(req: RunRequest): Promise<{ s: ort.InferenceSession; loadMs: number | null }> {
  const cached = sessions.get(req.key);
  if (cached) return { s: cached, loadMs: null };
  if (!req.model) throw new Error('the model was not sent to the worker');
  const t0 = performance.now();
  const s = await ort.InferenceSession.create(req.model, { intraOpNumThreads: req.threads, graphOptimizationLevel: 'all' });
  sessions.set(req.key, s);
  if (sessions.size > MAX_SESSIONS) {
    const [oldest] = sessions.keys();
    void sessions.get(oldest)?.release();
    sessions.delete(oldest);
  }
  return { s, loadMs: performance.now() - t0 };
}

function feedsOf(req: RunRequest): Record<string, ort.Tensor> {
  return Object.fromEntries(req.feeds.map((f) => [f.name, new ort.Tensor('float32', f.data, f.dims)]));
}

function collect(result: ort.InferenceSession.OnnxValueMapType, names: string[]): TensorData[] {
  return names.map((name) => {
    const t = result[name] as ort.Tensor;
    return { name, dims: [...t.dims], data: t.data as Float32Array };
  });
}

/** Per-node kernel times from a one-off profiling session (ORT writes a Chrome trace file). */
async function profileRun(req: RunRequest): Promise<ProfileEvent[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'convlens-profile-'));
  try {
    const s = await ort.InferenceSession.create(req.model!, {
      intraOpNumThreads: req.threads,
      graphOptimizationLevel: 'all',
      enableProfiling: true,
      profileFilePrefix: path.join(dir, 'ort'),
    });
    await s.run(feedsOf(req));
    s.endProfiling();
    await s.release();
    const file = readdirSync(dir).find((f) => f.endsWith('.json'));
    if (!file) return [];
    const events = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as { name: string; cat: string; dur: number; args?: { op_name?: string } }[];
    return events
      .filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time'))
      .map((e) => ({ node: e.name.slice(0, -'_kernel_time'.length), op: e.args?.op_name ?? '', micros: e.dur }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function handle(msg: WorkerRequest): Promise<WorkerResponse | null> {
  if (msg.type === 'drop') {
    await sessions.get(msg.key)?.release();
    sessions.delete(msg.key);
    return null;
  }
  try {
    const { s, loadMs } = await session(msg);
    const feeds = feedsOf(msg);
    let result = await s.run(feeds, msg.fetch);
    const times: number[] = [];
    for (let i = 0; i < msg.repeats; i++) {
      const t0 = performance.now();
      result = await s.run(feeds, msg.fetch);
      times.push(performance.now() - t0);
    }
    const runMs = times.length ? times.sort((a, b) => a - b)[Math.floor(times.length / 2)] : NaN;
    const profile = msg.profile ? await profileRun(msg) : null;
    return { type: 'result', id: msg.id, outputs: collect(result, msg.fetch), runMs, loadMs, profile };
  } catch (e) {
    return { type: 'error', id: msg.id, message: (e as Error).message };
  }
}

parentPort!.on('message', (msg: WorkerRequest) => {
  void handle(msg).then((res) => {
    if (!res) return;
    const transfer = res.type === 'result' ? res.outputs.map((o) => o.data.buffer as ArrayBuffer) : [];
    parentPort!.postMessage(res, transfer);
  });
});
