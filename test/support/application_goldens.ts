/** The keras.applications goldens (test/goldens/applications/, written by real Keras) against ConvLens. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { analyze, type Analysis, type ModelReport } from '../../extension/engine/analysis/analyze';
import { ROOT } from './analyze';

type Shape = (number | null)[];
/** [name, class, output shape, trainable, non-trainable, nested rows?] */
export type GoldenRow = [string, string, Shape, number, number, GoldenRow[]?];

export interface GoldenVariant {
  code: string;
  /** The whole program when it is more than \`model = <code>\` (the channels_first goldens set the format first). */
  source?: string;
  name: string;
  input: Shape | Shape[];
  output: Shape;
  trainable: number;
  non_trainable: number;
  layers: GoldenRow[];
}

export interface ApplicationGolden {
  application: string;
  module: string;
  keras: string;
  variants: Record<string, GoldenVariant>;
  errors: { code: string; error: string | null }[];
}

export const GOLDEN_DIR = path.join(ROOT, 'test', 'goldens', 'applications');

export function applicationGoldens(): ApplicationGolden[] {
  return readdirSync(GOLDEN_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(path.join(GOLDEN_DIR, f), 'utf8')) as ApplicationGolden);
}

export function sourceFor(code: string): string {
  return `import keras\nmodel = ${code}\n`;
}

const fmt = (s: Shape | null | undefined) => (s ? `(${s.map((d) => (d === null ? 'None' : d)).join(', ')})` : 'unknown');

/** ConvLens' rows for a model: Keras' `model.layers` (operations left out). */
export function convlensRows(m: ModelReport): GoldenRow[] {
  return m.layers
    .filter((l) => !l.layer.isOperation)
    .map((l) => [l.layer.name, l.layer.type, l.outputShape ?? [], l.params?.trainable ?? -1, l.params?.nonTrainable ?? -1]);
}

export interface Comparison {
  analysis: Analysis;
  model: ModelReport | undefined;
  /** Every difference, first ones first; empty when ConvLens gives what Keras gave. */
  diffs: string[];
  millis: number;
}

/** Analyses the variant's source and lists where it differs from Keras, row by row. */
export function compareVariant(v: GoldenVariant, maxDiffs = 10): Comparison {
  const t0 = performance.now();
  const analysis = analyze(v.source ?? sourceFor(v.code), { limits: { maxMillis: 60_000 } });
  const millis = performance.now() - t0;
  const diffs: string[] = [];
  const model = analysis.models.find((m) => m.graph.name === v.name);
  // Errors, the trace limit, and anything inside the definition ConvLens could not evaluate.
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error' || d.code === 'trace-limit' || /could not evaluate everything/.test(d.message));
  for (const e of errors) diffs.push(`${e.severity}: ${e.message}`);
  if (!model) {
    diffs.push(`no model named ${v.name}; have ${analysis.models.map((m) => m.graph.name).join(', ') || 'none'}`);
    return { analysis, model, diffs, millis };
  }
  // A nested model (ConvNeXt's Sequential stem) is listed by ConvLens as a model of its own, and
  // its layers appear in the outer model's table one by one: compare with Keras' rows that way.
  const nested = new Set(v.layers.filter((r) => r[5]).map((r) => r[0]));
  const extra = analysis.models.filter((m) => m !== model && !nested.has(m.graph.name));
  if (extra.length) diffs.push(`more models: ${extra.map((m) => m.graph.name).join(', ')}`);
  const keras = v.layers.flatMap((r) => r[5] ?? [r]);
  const rows = convlensRows(model);
  const n = Math.max(rows.length, keras.length);
  for (let i = 0; i < n && diffs.length < maxDiffs; i++) {
    const k = keras[i];
    const c = rows[i];
    if (!k || !c) {
      diffs.push(`layer ${i}: Keras ${k ? k[0] : 'none'}, ConvLens ${c ? c[0] : 'none'}`);
      continue;
    }
    const what: string[] = [];
    if (k[0] !== c[0]) what.push(`name ${c[0]} (Keras ${k[0]})`);
    if (k[1] !== c[1]) what.push(`class ${c[1]} (Keras ${k[1]})`);
    if (fmt(k[2]) !== fmt(c[2])) what.push(`shape ${fmt(c[2])} (Keras ${fmt(k[2])})`);
    if (k[3] !== c[3] || k[4] !== c[4]) what.push(`params ${c[3]}/${c[4]} (Keras ${k[3]}/${k[4]})`);
    if (what.length) diffs.push(`layer ${i} ${k[0]}: ${what.join(', ')}`);
  }
  const total = model.totals;
  if (diffs.length === 0 && (total.trainableParams !== v.trainable || total.nonTrainableParams !== v.non_trainable)) {
    diffs.push(`totals ${total.trainableParams}/${total.nonTrainableParams} (Keras ${v.trainable}/${v.non_trainable})`);
  }
  return { analysis, model, diffs, millis };
}

/** Keras' message without its exception class ("ValueError: ..." -> "..."). */
export function kerasMessage(error: string): string {
  return error.replace(/^[A-Za-z]+Error: /, '');
}

/** The error ConvLens reports for a bad call, or null; and whether it is the one Keras raises. */
export function compareError(e: { code: string; source?: string; error: string | null }): { got: string | null; ok: boolean } {
  const analysis = analyze(e.source ?? sourceFor(e.code));
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  const got = errors.length ? errors.map((d) => d.message).join(' | ') : null;
  return { got, ok: e.error === null ? got === null : got === kerasMessage(e.error) };
}
