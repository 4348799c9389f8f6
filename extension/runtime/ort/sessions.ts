/**
 * ONNX Runtime sessions, cached by model hash, and runs with optional profiling. Used on a thread
 * that may block: the ORT worker (worker.ts) and the run worker of the editor.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { ProfileEvent, RunRequest, RunResponse, TensorData } from './protocol';
import { disableOrtTelemetry } from './telemetry';

disableOrtTelemetry();

/**
 * One session at a time: each holds a copy of the weights (and pre-packed kernels), and the
 * memory budget counts one. A job's steps (timed, profiled, per-layer, probes) use different
 * models anyway; the probe batches reuse theirs.
 */
export const MAX_SESSIONS = 1;

export class OrtSessions {
  private readonly sessions = new Map<string, ort.InferenceSession>();

  private async session(req: RunRequest): Promise<{ s: ort.InferenceSession; loadMs: number | null }> {
    const cached = this.sessions.get(req.key);
    if (cached) return { s: cached, loadMs: null };
    if (!req.model) throw new Error('the model was not sent to the worker');
    // Released before the next is created, so two sessions' weights never coexist.
    while (this.sessions.size >= MAX_SESSIONS) {
      const [oldest] = this.sessions.keys();
      await this.drop(oldest);
    }
    const t0 = performance.now();
    const s = await ort.InferenceSession.create(req.model, { intraOpNumThreads: req.threads, graphOptimizationLevel: 'all' });
    this.sessions.set(req.key, s);
    return { s, loadMs: performance.now() - t0 };
  }

  async drop(key: string): Promise<void> {
    await this.sessions.get(key)?.release();
    this.sessions.delete(key);
  }

  async run(req: RunRequest): Promise<RunResponse> {
    const { s, loadMs } = await this.session(req);
    const feeds = feedsOf(req);
    let result = await s.run(feeds, req.fetch);
    const times: number[] = [];
    for (let i = 0; i < req.repeats; i++) {
      const t0 = performance.now();
      result = await s.run(feeds, req.fetch);
      times.push(performance.now() - t0);
    }
    const runMs = times.length ? times.sort((a, b) => a - b)[Math.floor(times.length / 2)] : NaN;
    const outputs = collect(result, req.fetch);
    let profile: ProfileEvent[] | null = null;
    if (req.profile) {
      // The profiling session is a second copy of the model: release the first one before.
      await this.drop(req.key);
      profile = await profileRun(req);
    }
    return { type: 'result', id: req.id, outputs, runMs, loadMs, profile };
  }
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

