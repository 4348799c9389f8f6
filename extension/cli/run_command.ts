/** `convlens run FILE ...`: the model on a sample input in ONNX Runtime (the run job, printed). */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Preprocess } from '../runtime/inputs/image';
import { writeNpy } from '../runtime/inputs/npy';
import { DEFAULT_MEMORY_BUDGET_MB } from '../runtime/memory_budget';
import { OrtRunner } from '../runtime/ort/runner';
import type { TensorStats } from '../runtime/ort/stats';
import { runJob, type JobInput, type RunJobResult } from '../runtime/run_job';
import { formatRfNumber } from '../engine/analysis/format';
import type { CliIO } from './io';
import { intFlag, parseArgs, UsageError } from './options';
import { jobFailureExit, loadJobSource } from './source_file';

const SPEC = {
  '--model': true, '--input': true, '--preprocess': true, '--weights': true, '--seed': true, '--batch': true,
  '--save-output': true, '--json': false, '--input-shape': true, '--memory-budget': true, '--threads': true,
  '--erf': true, '--no-rf': false,
};

function fmt(x: number): string {
  return Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(3) : x.toFixed(4);
}

function statsLine(s: TensorStats): string {
  return `min ${fmt(s.min)}  max ${fmt(s.max)}  mean ${fmt(s.mean)}  std ${fmt(s.std)}  zeros ${(s.zeros * 100).toFixed(1)}%`;
}

const PREPROCESS: Preprocess[] = ['raw', 'unit', 'symmetric', 'imagenet'];

/** --input: a synthetic sample, a .npy array, or an image resized to the model input. */
function inputFlag(value: string | true | undefined, preprocessFlag: string | true | undefined): JobInput {
  const v = typeof value === 'string' ? value : 'random';
  if (v === 'random' || v === 'impulse' || v === 'checkerboard') return { kind: v };
  const ext = path.extname(v).toLowerCase();
  if (ext === '.png' || ext === '.jpg' || ext === '.jpeg') {
    const preprocess = (typeof preprocessFlag === 'string' ? preprocessFlag : 'unit') as Preprocess;
    if (!PREPROCESS.includes(preprocess)) throw new UsageError(`--preprocess wants one of ${PREPROCESS.join(', ')} (got '${preprocess}')`);
    return { kind: 'image', path: v, preprocess };
  }
  if (ext === '.npy') return { kind: 'npy', path: v };
  throw new UsageError(`--input wants random, impulse, checkerboard, a .npy array or a PNG/JPEG image (got '${v}')`);
}

function printHuman(io: CliIO, r: RunJobResult, modelName: string, inputLabel: string) {
  io.out(`Model "${modelName}": input (${r.inputShape.join(', ')}) ${inputLabel}`);
  io.out(`Weights: ${r.weights}`);
  io.out(`Output (${r.outputShape.join(', ')}): ${statsLine(r.stats)}`);
  if (r.top5) io.out(`Top-5 (batch item 0): ${r.top5.map((t) => `#${t.index} ${t.value.toFixed(4)}`).join(', ')}`);
  io.out(`Latency: ${r.latencyMs.toFixed(2)} ms (median of 3 runs after a warm-up${r.sessionMs !== null ? `; session created in ${r.sessionMs.toFixed(0)} ms` : ''})`);
  const timed = r.layers.filter((l) => l.latencyMs !== null);
  if (!timed.length) return;
  const max = Math.max(...timed.map((l) => l.latencyMs!), 1e-9);
  const nameWidth = Math.max(...r.layers.map((l) => `${l.name} (${l.type})`.length));
  io.out('\nPer layer (kernel time from ONNX Runtime profiling; a fused group\'s time is shown on its last layer, "^" marks the layers fused into it):');
  for (const l of r.layers) {
    const bar = '█'.repeat(Math.round(((l.latencyMs ?? 0) / max) * 24));
    const label = `${l.name} (${l.type})`.padEnd(nameWidth);
    const time = l.fusedInto ? `${'^'.padStart(8)}   ` : `${(l.latencyMs ?? 0).toFixed(3).padStart(8)} ms`;
    io.out(`  ${label}  ${time}  ${bar.padEnd(24)}  ${l.stats ? statsLine(l.stats) : ''}`);
  }
}

export async function runCommand(args: string[], io: CliIO): Promise<number> {
  const { positional, flags } = parseArgs(args, SPEC);
  if (positional.length !== 1) throw new UsageError(positional.length ? `one file at a time (got ${positional.join(', ')})` : 'no file given');
  const file = positional[0];
  const source = await loadJobSource(file, flags);
  const seed = intFlag(flags, '--seed', 0);
  const erfFile = flags.get('--erf');
  const runner = new OrtRunner();
  try {
    const r = await runJob({
      ...source.settings,
      seed,
      memoryBudgetMB: intFlag(flags, '--memory-budget', DEFAULT_MEMORY_BUDGET_MB, 1),
      input: inputFlag(flags.get('--input'), flags.get('--preprocess')),
      batch: intFlag(flags, '--batch', 1, 1),
      threads: intFlag(flags, '--threads', 0),
      receptiveField: !flags.has('--no-rf'),
      erfSamples: flags.has('--erf') ? 4096 : 0,
      keepOutput: flags.has('--save-output'),
    }, runner, source.hooks);
    const save = flags.get('--save-output');
    if (typeof save === 'string' && r.output) writeFileSync(save, writeNpy({ shape: r.outputShape, data: r.output }));
    const measured = r.receptiveField;
    if (typeof erfFile === 'string' && measured?.erf) writeFileSync(erfFile, writeNpy({ shape: [measured.erf.rows, measured.erf.cols], data: measured.erf.values }));
    const modelName = source.modelName(r.model);
    if (flags.has('--json')) {
      io.out(JSON.stringify({
        model: modelName,
        inputShape: r.inputShape,
        outputShape: r.outputShape,
        stats: r.stats,
        latencyMs: r.latencyMs,
        sessionMs: r.sessionMs,
        top5: r.top5,
        layers: r.layers.map((l) => ({ name: l.name, type: l.type, latencyMs: l.latencyMs, fusedInto: l.fusedInto ?? null, stats: l.stats })),
        receptiveField: {
          analytical: r.analyticalRf,
          measured: measured && {
            layer: measured.layer,
            unit: measured.unit,
            analyticalRows: [measured.analytical[0].start, measured.analytical[0].end],
            analyticalCols: [measured.analytical[1].start, measured.analytical[1].end],
            rows: [measured.measured[0].start, measured.measured[0].end],
            cols: [measured.measured[1].start, measured.measured[1].end],
            agrees: measured.agrees,
            erf: measured.erf ? { origin: measured.erf.origin, step: measured.erf.step, rows: measured.erf.rows, cols: measured.erf.cols } : null,
          },
        },
        weights: r.weights,
      }, null, 2));
      return 0;
    }
    printHuman(io, r, modelName, typeof flags.get('--input') === 'string' ? String(flags.get('--input')) : `random (seed ${seed})`);
    const analytical = r.analyticalRf;
    if (analytical) {
      io.out(`\nReceptive field at ${analytical.layer}: ${analytical.size.map(formatRfNumber).join('x')} pixels, effective stride ${analytical.stride.map(formatRfNumber).join('x')} (analytical)`);
    }
    if (measured) {
      const [mr, mc] = measured.measured;
      const [ar, ac] = measured.analytical;
      io.out(`  unit (${measured.unit.join(', ')}): analytical rows ${ar.start}..${ar.end}, cols ${ac.start}..${ac.end}; measured in the image rows ${mr.start}..${mr.end}, cols ${mc.start}..${mc.end}: ${measured.agrees ? 'agrees' : 'DIFFERS'}`);
      if (measured.erf) io.out(`  effective receptive field: ${measured.erf.rows}x${measured.erf.cols} samples every ${measured.erf.step} px, saved to ${erfFile}`);
    } else if (r.receptiveFieldNote) io.out(`  measured: not available (${r.receptiveFieldNote})`);
    return 0;
  } catch (e) {
    return jobFailureExit(e, io);
  } finally {
    await runner.dispose();
  }
}
