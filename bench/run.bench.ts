/**
 * `npm run bench:run`: ConvLens run latency (ONNX Runtime in its worker) vs tfjs-layers on the wasm
 * backend for the same models and weights, and GFLOP/s against ORT's practical peak on this
 * machine (a large MatMul) and the ratio a single large Conv reaches; and real Keras 3 (JAX backend)
 * on the same model file when its venv (.keras-oracle, scripts/goldens/setup_oracle.sh) is present.
 * Medians; never pass/fail.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import type * as tfl from '@tensorflow/tfjs-layers';
import { analyze } from '../extension/engine/analysis/analyze';
import { lowerModel } from '../extension/engine/lowering/lower_model';
import { InitializerWeights } from '../extension/engine/lowering/weights';
import { encodeModel } from '../kernels/onnx/encode';
import { OnnxGraph } from '../kernels/onnx/graph';
import { OrtRunner } from '../extension/runtime/ort/runner';
import { makeSample } from '../extension/runtime/inputs/samples';
import { RecordingWeights } from '../test/support/run_model';
import { toTfjs } from '../test/support/to_tfjs';

const runner = new OrtRunner();

async function ortMedian(key: string, bytes: Uint8Array, feeds: { name: string; dims: number[] }[], fetch: string[]): Promise<number> {
  const res = await runner.run({ model: bytes, feeds: feeds.map((f) => ({ ...f, data: makeSample('random', f.dims, 1) })), fetch, repeats: 10 });
  return res.runMs;
}

/** A [n x n] @ [n x n] MatMul: the practical peak of ORT's CPU kernels here. */
async function matmulPeak(n: number): Promise<number> {
  const g = new OnnxGraph();
  g.inputs.push({ name: 'a', dims: [n, n] });
  g.currentLayer = 'mm';
  const b = g.weight('b', [n, n], makeSample('random', [n, n], 2));
  const y = g.node('MatMul', ['a', b], {}, 'y');
  g.outputs.push({ name: y, dims: [n, n] });
  const ms = await ortMedian('matmul', encodeModel(g, 'matmul'), [{ name: 'a', dims: [n, n] }], [y]);
  return (2 * n ** 3) / (ms / 1000) / 1e9;
}

/** One large 3x3 Conv (256 -> 256 channels on 56x56): what a single conv kernel reaches. */
async function convRate(): Promise<number> {
  const [c, h] = [256, 56];
  const g = new OnnxGraph();
  g.inputs.push({ name: 'x', dims: [1, c, h, h] });
  g.currentLayer = 'conv';
  const w = g.weight('w', [c, c, 3, 3], makeSample('random', [c, c, 3, 3], 3));
  const y = g.node('Conv', ['x', w], { pads: [1, 1, 1, 1], kernel_shape: [3, 3] }, 'y');
  g.outputs.push({ name: y, dims: [1, c, h, h] });
  const ms = await ortMedian('conv', encodeModel(g, 'conv'), [{ name: 'x', dims: [1, c, h, h] }], [y]);
  return (2 * h * h * c * c * 9) / (ms / 1000) / 1e9;
}

function tfjsMedian(model: tfl.LayersModel, shape: number[], runs: number): number {
  const x = tf.tensor(makeSample('random', shape, 1), shape);
  (model.predict(x) as tf.Tensor).dataSync();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const y = model.predict(x) as tf.Tensor;
    y.dataSync();
    y.dispose();
    times.push(performance.now() - t0);
  }
  x.dispose();
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

const KERAS_PYTHON = path.join(process.cwd(), '.keras-oracle', 'bin', 'python');

/** Real Keras 3 on JAX building the same example file and predicting one random image; null when not installed. */
function kerasMedian(file: string): number | null {
  if (!existsSync(KERAS_PYTHON)) return null;
  try {
    const out = execFileSync(KERAS_PYTHON, [path.join('bench', 'keras_latency.py'), file], { encoding: 'utf8', env: { ...process.env, KERAS_BACKEND: 'jax' }, stdio: ['ignore', 'pipe', 'ignore'] });
    return (JSON.parse(out.trim().split('\n').pop()!) as { ms: number }).ms;
  } catch {
    return null;
  }
}

async function main() {
  await tf.setBackend('wasm');
  const peak = await matmulPeak(2048);
  const conv = await convRate();
  console.log(`ORT practical peak (2048^3 MatMul): ${peak.toFixed(1)} GFLOP/s; one large 3x3 Conv: ${conv.toFixed(1)} GFLOP/s (${((conv / peak) * 100).toFixed(0)}% of peak)\n`);
  const head = ['model', 'ConvLens (ORT)', 'tfjs wasm', 'speed-up', 'Keras 3 JAX', 'speed-up', 'GFLOP/s', '% of peak', 'vs single Conv'];
  const widths = [22, 15, 12, 10, 12, 10, 9, 10, 15];
  const row = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(row(head));
  for (const file of ['mobilenet_v1.py', 'xception.py']) {
    const report = analyze(readFileSync(path.join(process.cwd(), 'examples', file), 'utf8')).models[0];
    const weights = new RecordingWeights(0);
    const lowered = lowerModel(report.graph, weights);
    const shape = [1, ...(report.graph.inputs[0].shape!.slice(1) as number[])];
    const ms = await ortMedian(file, lowered.bytes, [{ name: lowered.inputs[0].name, dims: shape }], [lowered.outputs[0].name]);
    const tfjsModel = toTfjs(report.graph, weights.used);
    const tfjsMs = tfjsMedian(tfjsModel, shape, 5);
    tfjsModel.dispose();
    const kerasMs = kerasMedian(path.join('examples', file));
    const gflops = (2 * report.totals.macs) / (ms / 1000) / 1e9;
    console.log(row([file.replace('.py', ''), `${ms.toFixed(1)} ms`, `${tfjsMs.toFixed(1)} ms`, `${(tfjsMs / ms).toFixed(1)}x`, kerasMs === null ? 'not installed' : `${kerasMs.toFixed(1)} ms`, kerasMs === null ? '-' : `${(kerasMs / ms).toFixed(1)}x`, gflops.toFixed(1), `${((gflops / peak) * 100).toFixed(0)}%`, `${((gflops / conv) * 100).toFixed(0)}%`]));
  }
  console.log('\nLatency: batch 1, median of 10 runs after a warm-up, default ORT threads; Keras: predict_on_batch, compiled, median of 10 after 2 warm-ups. GFLOP/s = 2 x analysed MACs / latency.');
  await runner.dispose();
}

void main();
