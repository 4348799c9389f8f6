/** `convlens run FILE ...`: the model on a sample input in ONNX Runtime. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { decodeImage, imageToInput, type Preprocess } from '../runtime/inputs/image';
import { readNpy, writeNpy } from '../runtime/inputs/npy';
import { OrtRunner } from '../runtime/ort/runner';
import type { TensorStats } from '../runtime/ort/stats';
import { formatRfNumber } from '../engine/analysis/format';
import { LoweringFailure } from '../engine/lowering/lower_model';
import { weightsOption } from './weights_option';
import { rfToJson } from '../engine/report/json';
import { measureReceptiveField, type MeasuredRf } from '../runtime/rf_probe';
import { BudgetExceeded, runModel, RuntimeFailure, type RunReport, type SampleInput } from '../runtime/run_model';
import type { CliIO } from './main';
import { intFlag, parseArgs, shapeFlag, UsageError } from './options';
import { analyzeFile, pickModel } from './source_file';

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
function sampleInput(value: string | true | undefined, modelInput: (number | null)[], batch: number, preprocessFlag: string | true | undefined): SampleInput {
  const v = typeof value === 'string' ? value : 'random';
  if (v === 'random' || v === 'impulse' || v === 'checkerboard') return { kind: v };
  const ext = path.extname(v).toLowerCase();
  if (ext === '.png' || ext === '.jpg' || ext === '.jpeg') {
    const preprocess = (typeof preprocessFlag === 'string' ? preprocessFlag : 'unit') as Preprocess;
    if (!PREPROCESS.includes(preprocess)) throw new UsageError(`--preprocess wants one of ${PREPROCESS.join(', ')} (got '${preprocess}')`);
    if (modelInput.length !== 4 || modelInput.slice(1).some((d) => d === null)) throw new UsageError('image inputs need a model input of known (H, W, C)');
    const [h, w, c] = modelInput.slice(1) as number[];
    let one: Float32Array;
    try {
      one = imageToInput(decodeImage(readFileSync(v)), h, w, c, preprocess);
    } catch (e) {
      throw new UsageError(`cannot use ${v} as input: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const data = new Float32Array(one.length * batch);
    for (let b = 0; b < batch; b++) data.set(one, b * one.length);
    return { kind: 'array', data, shape: [batch, h, w, c] };
  }
  if (ext === '.npy') {
    let arr;
    try {
      arr = readNpy(readFileSync(v));
    } catch (e) {
      throw new UsageError(`cannot read ${v}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    return { kind: 'array', data: arr.data, shape: arr.shape };
  }
  throw new UsageError(`--input wants random, impulse, checkerboard, a .npy array or a PNG/JPEG image (got '${v}')`);
}

function printHuman(io: CliIO, r: RunReport, inputLabel: string, weightsLabel: string) {
  io.out(`Model "${r.model}": input (${r.inputShape.join(', ')}) ${inputLabel}`);
  io.out(`Weights: ${weightsLabel}`);
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
  const shapeText = flags.get('--input-shape');
  const { analysis, where, savedWeights } = await analyzeFile(file, typeof shapeText === 'string' ? shapeFlag(shapeText) : undefined);
  const model = pickModel(analysis, file, flags.get('--model') as string | undefined);
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) {
    io.err(`convlens: ${file} has ${errors.length} Keras error(s); run 'convlens analyze ${file}' to see them.`);
    return 1;
  }
  const seed = intFlag(flags, '--seed', 0);
  const batch = intFlag(flags, '--batch', 1, 1);
  const input = sampleInput(flags.get('--input'), model.graph.inputs[0]?.shape ?? [], batch, flags.get('--preprocess'));
  const chosen = await weightsOption(flags.get('--weights') ?? savedWeights, model, analysis, seed, io, intFlag(flags, '--memory-budget', 2048, 1));
  if (!chosen) return 1;
  const { weights } = chosen;
  const runner = new OrtRunner();
  try {
    const report = await runModel(model, runner, {
      input,
      weights,
      batch,
      seed,
      perLayer: true,
      memoryBudgetBytes: intFlag(flags, '--memory-budget', 2048, 1) * 1024 * 1024,
      threads: intFlag(flags, '--threads', 0),
    });
    const save = flags.get('--save-output');
    if (typeof save === 'string') writeFileSync(save, writeNpy({ shape: report.outputShape, data: report.output }));
    const lastSpatial = [...model.layers].reverse().find((l) => l.rf && l.rf !== 'global');
    const analytical = lastSpatial ? { layer: lastSpatial.layer.name, ...rfToJson(lastSpatial.rf) } : null;
    let measured: MeasuredRf | null = null;
    let rfNote = '';
    if (!flags.has('--no-rf') && lastSpatial && report.inputShape.length === 4) {
      try {
        measured = await measureReceptiveField(model, runner, { weights, seed, erfSamples: flags.has('--erf') ? 4096 : 0 });
        const erfFile = flags.get('--erf');
        if (typeof erfFile === 'string' && measured.erf) writeFileSync(erfFile, writeNpy({ shape: [measured.erf.rows, measured.erf.cols], data: measured.erf.values }));
      } catch (e) {
        rfNote = (e as Error).message;
      }
    }
    const measuredJson = measured && {
      layer: measured.layer,
      unit: measured.unit,
      analyticalRows: [measured.analytical[0].start, measured.analytical[0].end],
      analyticalCols: [measured.analytical[1].start, measured.analytical[1].end],
      rows: [measured.measured[0].start, measured.measured[0].end],
      cols: [measured.measured[1].start, measured.measured[1].end],
      agrees: measured.agrees,
      erf: measured.erf ? { origin: measured.erf.origin, step: measured.erf.step, rows: measured.erf.rows, cols: measured.erf.cols } : null,
    };
    if (flags.has('--json')) {
      io.out(JSON.stringify({
        model: report.model,
        inputShape: report.inputShape,
        outputShape: report.outputShape,
        stats: report.stats,
        latencyMs: report.latencyMs,
        sessionMs: report.sessionMs,
        top5: report.top5,
        layers: report.layers.map((l) => ({ name: l.name, type: l.type, latencyMs: l.latencyMs, fusedInto: l.fusedInto ?? null, stats: l.stats })),
        receptiveField: { analytical, measured: measuredJson },
        weights: chosen.label,
      }, null, 2));
    } else {
      printHuman(io, report, typeof flags.get('--input') === 'string' ? String(flags.get('--input')) : `random (seed ${seed})`, chosen.label);
      if (analytical && 'size' in analytical) {
        io.out(`\nReceptive field at ${analytical.layer}: ${analytical.size.map(formatRfNumber).join('x')} pixels, effective stride ${analytical.stride.map(formatRfNumber).join('x')} (analytical)`);
      }
      if (measured) {
        const [r, c] = measured.measured;
        const [ar, ac] = measured.analytical;
        io.out(`  unit (${measured.unit.join(', ')}): analytical rows ${ar.start}..${ar.end}, cols ${ac.start}..${ac.end}; measured in the image rows ${r.start}..${r.end}, cols ${c.start}..${c.end}: ${measured.agrees ? 'agrees' : 'DIFFERS'}`);
        if (measured.erf) io.out(`  effective receptive field: ${measured.erf.rows}x${measured.erf.cols} samples every ${measured.erf.step} px, saved to ${flags.get('--erf')}`);
      } else if (rfNote) io.out(`  measured: not available (${rfNote})`);
    }
    return 0;
  } catch (e) {
    if (e instanceof LoweringFailure || e instanceof BudgetExceeded || e instanceof RuntimeFailure) {
      io.err(`convlens: ${e.message}${e instanceof LoweringFailure ? ` (${where(e.span.from)})` : ''}`);
      return 1;
    }
    throw e;
  } finally {
    await runner.dispose();
  }
}
