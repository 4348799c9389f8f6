/**
 * ConvLens against real Keras on the corpus: what Keras built (truth/*.json, written by
 * scripts/corpus/make_truth.py) next to what ConvLens finds in the same file, as is.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Analysis, LayerReport, ModelReport } from '../../extension/engine/analysis/analyze';
import type { Diagnostic } from '../../extension/engine/diagnostics';
import { LineIndex } from '../../extension/engine/source';

export const CORPUS = __dirname;

export interface TruthLayer {
  name: string;
  class: string;
  /** The output shape of the layer's first call in this model (a list of shapes for several outputs). */
  shape: (number | null)[] | (number | null)[][] | null;
  calls?: number;
  trainable: number;
  nonTrainable: number;
}

export interface TruthModel {
  name: string;
  class: string;
  kind: 'functional' | 'sequential' | 'subclassed';
  line: number | null;
  built: boolean;
  layers?: TruthLayer[];
  totals?: { params: number; trainable: number; nonTrainable: number };
}

export interface TruthError {
  line: number;
  statementLine: number;
  type: string;
  message: string;
}

export interface Truth {
  file: string;
  keras: string;
  backend: string;
  models: TruthModel[];
  error: TruthError | null;
  skipped: { line: number; type: string; message: string }[];
  standIns: string[];
  /** The lines of the file that ran (1-based): not those after Keras' first error, nor inside a statement the sandbox skipped. */
  linesRun?: number[];
  /** For a truth/<file>.fixed.json: the replacements that fixed Keras' first error (each within its line). */
  fixes?: [string, string][];
}

export interface ManifestEntry {
  file: string;
  repo: string;
  path: string;
  commit: string;
  license: string;
  chars: number;
  source: string;
}

export interface CorpusFile {
  entry: ManifestEntry;
  text: string;
  truth: Truth;
  /**
   * What Keras builds once its first error is fixed as ConvLens' message says (truth/<file>.fixed.json),
   * for files where that error stops the models built after it. ConvLens goes on past an error, so
   * its models are compared with these; its errors still with `truth`.
   */
  fixedTruth?: Truth;
}

/**
 * Where the published files are. They are other people's code, so the repository keeps only their
 * manifest and Keras' truths: the files sit in test/corpus/files/ (ignored by git) on a machine that
 * restored them, or in ../shared/corpus/files/ beside the checkout (CI gets a copy of shared/).
 */
export function corpusFilesDir(): string | null {
  const candidates = [path.join(CORPUS, 'files'), path.join(CORPUS, '..', '..', '..', 'shared', 'corpus', 'files')];
  return candidates.find((dir) => existsSync(path.join(dir, 'kio_vae.py'))) ?? null;
}

export function loadCorpus(): CorpusFile[] {
  const manifest = JSON.parse(readFileSync(path.join(CORPUS, 'manifest.json'), 'utf8')) as { files: ManifestEntry[] };
  const dir = corpusFilesDir();
  if (!dir) return [];
  const truthOf = (name: string) => JSON.parse(readFileSync(path.join(CORPUS, 'truth', name), 'utf8')) as Truth;
  return manifest.files.map((entry) => {
    const fixed = entry.file.replace(/\.py$/, '.fixed.json');
    return {
      entry,
      text: readFileSync(path.join(dir, entry.file), 'utf8'),
      truth: truthOf(entry.file.replace(/\.py$/, '.json')),
      ...(existsSync(path.join(CORPUS, 'truth', fixed)) ? { fixedTruth: truthOf(fixed) } : {}),
    };
  });
}

/** One way a layer or a model differs from Keras. */
export interface Mismatch {
  file: string;
  model: string;
  /** Null for a model-level mismatch. */
  layer: string | null;
  what: 'model missing' | 'totals' | 'layer missing' | 'class' | 'shape' | 'params';
  /** The Keras class of the layer or model. */
  kerasClass: string;
  keras: string;
  convlens: string;
  /** Where ConvLens built the layer or model (1-based), when it did. */
  line: number | null;
}

export interface FileResult {
  file: string;
  modelsBuilt: number;
  modelsExact: number;
  layers: number;
  layersExact: number;
  /** Error diagnostics on a file Keras ran without error, on lines Keras ran. */
  falseErrors: { line: number; code: string; message: string }[];
  /**
   * Error diagnostics on a file Keras ran without error, on lines Keras never ran (inside a statement
   * the sandbox skipped, or a function never called): this run can neither confirm nor refute them.
   */
  unverifiedErrors: { line: number; code: string; message: string }[];
  /** The models were compared with the file once Keras' first error is fixed (truth/<file>.fixed.json). */
  modelsOfFixedFile: boolean;
  kerasError: TruthError | null;
  /** Lines of ConvLens' error diagnostics (for files where Keras raised). */
  errorLines: number[];
  mismatches: Mismatch[];
}

const fmtShape = (s: unknown) => (s === null || s === undefined ? 'unknown' : JSON.stringify(s).replace(/null/g, 'None'));

function sameShape(keras: TruthLayer['shape'], convlens: LayerReport['outputShape']): boolean {
  if (keras === null || convlens === null) return false;
  if (keras.length > 0 && Array.isArray(keras[0])) return false; // several outputs: ConvLens keeps one shape
  return keras.length === convlens.length && keras.every((d, i) => d === convlens[i]);
}

/** Keras models that Keras built, matched in order to ConvLens' models of the same name. */
function matchModels(truth: TruthModel[], found: ModelReport[]): [TruthModel, ModelReport | undefined][] {
  const used = new Set<ModelReport>();
  return truth.map((t) => {
    const m = found.find((f) => !used.has(f) && f.graph.name === t.name);
    if (m) used.add(m);
    return [t, m];
  });
}

export function compareFile(file: CorpusFile, analysis: Analysis): FileResult {
  const lines = new LineIndex(file.text);
  const lineOf = (offset: number) => lines.position(offset).line;
  const result: FileResult = {
    file: file.entry.file,
    modelsBuilt: 0,
    modelsExact: 0,
    layers: 0,
    layersExact: 0,
    falseErrors: [],
    unverifiedErrors: [],
    modelsOfFixedFile: file.fixedTruth !== undefined,
    kerasError: file.truth.error,
    errorLines: [],
    mismatches: [],
  };
  const built = (file.fixedTruth ?? file.truth).models.filter((m) => m.built && m.layers && m.totals);
  for (const [t, m] of matchModels(built, analysis.models)) {
    result.modelsBuilt++;
    result.layers += t.layers!.length;
    const base = { file: file.entry.file, model: t.name, kerasClass: t.class };
    if (!m) {
      result.mismatches.push({ ...base, layer: null, what: 'model missing', keras: `${t.class} with ${t.layers!.length} layers (line ${t.line})`, convlens: 'no model of that name', line: null });
      continue;
    }
    const tt = t.totals!;
    if (m.totals.params === tt.params && m.totals.trainableParams === tt.trainable && m.totals.nonTrainableParams === tt.nonTrainable) result.modelsExact++;
    else {
      result.mismatches.push({
        ...base, layer: null, what: 'totals',
        keras: `${tt.params} (${tt.trainable} trainable, ${tt.nonTrainable} non-trainable)`,
        convlens: `${m.totals.params} (${m.totals.trainableParams} trainable, ${m.totals.nonTrainableParams} non-trainable)`,
        line: lineOf(m.graph.span.from),
      });
    }
    // model.layers as ConvLens shows it: a custom layer or nested model is one entry, as in Keras.
    const byName = new Map(m.entries.filter((e) => !e.layer?.layer.isOperation).map((e) => [e.name, e]));
    for (const tl of t.layers!) {
      const l = byName.get(tl.name);
      const at = { ...base, kerasClass: tl.class, layer: tl.name, line: l ? lineOf(l.span.from) : null };
      if (!l) {
        result.mismatches.push({ ...at, what: 'layer missing', keras: `${tl.class} ${fmtShape(tl.shape)}`, convlens: 'no layer of that name' });
        continue;
      }
      const problems: Mismatch[] = [];
      if (l.type !== tl.class) problems.push({ ...at, what: 'class', keras: tl.class, convlens: l.type });
      if (!sameShape(tl.shape, l.outputShape)) problems.push({ ...at, what: 'shape', keras: fmtShape(tl.shape), convlens: fmtShape(l.outputShape) });
      if (!l.params || l.params.trainable !== tl.trainable || l.params.nonTrainable !== tl.nonTrainable) {
        problems.push({ ...at, what: 'params', keras: `${tl.trainable}+${tl.nonTrainable}`, convlens: l.params ? `${l.params.trainable}+${l.params.nonTrainable}` : 'unknown' });
      }
      if (problems.length === 0) result.layersExact++;
      result.mismatches.push(...problems);
    }
  }
  const errors = analysis.diagnostics.filter((d: Diagnostic) => d.severity === 'error');
  if (file.truth.error) result.errorLines = errors.map((d) => lineOf(d.from));
  else {
    for (const d of errors) {
      const line = lineOf(d.from);
      (kerasRan(file.truth, line) ? result.falseErrors : result.unverifiedErrors).push({ line, code: d.code, message: d.message });
    }
  }
  return result;
}

/** Whether Keras ran this line of the file (true when the truth does not say). */
export function kerasRan(truth: Truth, line: number): boolean {
  return !truth.linesRun || truth.linesRun.includes(line);
}

export interface Figures {
  files: number;
  modelsBuilt: number;
  modelsExact: number;
  layers: number;
  layersExact: number;
  falseErrors: number;
  unverifiedErrors: number;
  /** Models compared with a file whose first Keras error was fixed. */
  modelsOfFixedFiles: number;
  /** Files where Keras raised, and of those the ones where ConvLens reports an error on Keras' line. */
  kerasErrors: number;
  kerasErrorsFound: number;
}

export function figures(results: FileResult[]): Figures {
  const sum = (f: (r: FileResult) => number) => results.reduce((a, r) => a + f(r), 0);
  const withError = results.filter((r) => r.kerasError);
  return {
    files: results.length,
    modelsBuilt: sum((r) => r.modelsBuilt),
    modelsExact: sum((r) => r.modelsExact),
    layers: sum((r) => r.layers),
    layersExact: sum((r) => r.layersExact),
    falseErrors: sum((r) => r.falseErrors.length),
    unverifiedErrors: sum((r) => r.unverifiedErrors.length),
    modelsOfFixedFiles: sum((r) => (r.modelsOfFixedFile ? r.modelsBuilt : 0)),
    kerasErrors: withError.length,
    kerasErrorsFound: withError.filter((r) => r.errorLines.includes(r.kerasError!.line) || r.errorLines.includes(r.kerasError!.statementLine)).length,
  };
}

const pct = (a: number, b: number) => (b === 0 ? '-' : `${((100 * a) / b).toFixed(1)}%`);

export function table(results: FileResult[]): string {
  const rows = [['file', 'models exact', 'layers exact', 'false errors', 'Keras error (line) / ConvLens error lines']];
  for (const r of results) {
    rows.push([
      r.modelsOfFixedFile ? `${r.file} (models: fixed)` : r.file,
      `${r.modelsExact}/${r.modelsBuilt}`,
      `${r.layersExact}/${r.layers}`,
      String(r.falseErrors.length),
      r.kerasError ? `${r.kerasError.type} (${r.kerasError.line}) / ${r.errorLines.join(',') || 'none'}` : '',
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  return rows.map((row) => row.map((c, i) => c.padEnd(widths[i])).join('  ')).join('\n');
}

export function figuresText(f: Figures): string {
  return [
    `models Keras built, found with exact totals: ${f.modelsExact}/${f.modelsBuilt} (${pct(f.modelsExact, f.modelsBuilt)}; ${f.modelsOfFixedFiles} of them built by Keras from a file with its first error fixed as ConvLens says, "(models: fixed)" above)`,
    `layers exact (name, class, output shape, params): ${f.layersExact}/${f.layers} (${pct(f.layersExact, f.layers)})`,
    `error diagnostics on files Keras runs without error: ${f.falseErrors} (and ${f.unverifiedErrors} on lines Keras never ran there, unverified)`,
    `files where Keras raises, ConvLens reporting an error on that line: ${f.kerasErrorsFound}/${f.kerasErrors}`,
  ].join('\n');
}

/** Mismatches grouped by kind and by Keras class, the biggest groups first. */
export function causes(results: FileResult[]): string {
  const groups = new Map<string, Mismatch[]>();
  for (const r of results) {
    for (const m of r.mismatches) {
      const k = `${m.what}: ${m.kerasClass}`;
      groups.set(k, [...(groups.get(k) ?? []), m]);
    }
  }
  return [...groups.entries()]
    .sort((a, b) => b[1].length - a[1].length)
    .map(([k, ms]) => {
      const files = [...new Set(ms.map((m) => m.file))];
      const example = ms[0];
      return `${String(ms.length).padStart(5)}  ${k}  in ${files.length} file(s), e.g. ${example.file}${example.line ? `:${example.line}` : ''} ${example.model}${example.layer ? `/${example.layer}` : ''}: Keras ${example.keras}, ConvLens ${example.convlens}`;
    })
    .join('\n');
}
