/** The `convlens` command line: `convlens analyze FILE [--input-shape H,W,C] [--json]`. */
import { readFileSync, statSync } from 'node:fs';
import { analyze } from '../core/analysis/analyze';
import { analysisToJson } from '../core/report/json';
import { diagnosticLines, modelTable } from '../core/report/table';

const USAGE = `Usage: convlens analyze FILE [--input-shape H,W,C] [--json] [--quiet]

Reads a Keras model file (never runs it) and prints each model's layers with output
shapes, parameters, MACs and receptive fields, followed by diagnostics.
  --input-shape H,W,C  input shape for models that declare none (None allowed)
  --json               machine-readable output (version 1)
  --quiet              diagnostics: only warnings and errors
Exit status: 1 if any error diagnostic, 0 otherwise, 2 on usage errors.`;

/** Largest file the CLI reads: far beyond any model definition, small enough to stay fast. */
const MAX_FILE_BYTES = 8 * 1024 * 1024;

export interface CliIO {
  out: (s: string) => void;
  err: (s: string) => void;
}

function parseShape(text: string): (number | null)[] | null {
  const dims = text.replace(/[()[\]\s]/g, '').split(',').filter((d) => d !== '');
  if (dims.length === 0 || !dims.every((d) => /^\d+$/.test(d) || d === 'None')) return null;
  return dims.map((d) => (d === 'None' ? null : Number(d)));
}

export function runCli(argv: string[], io: CliIO): number {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    io.out(USAGE);
    return 0;
  }
  if (command !== 'analyze') {
    io.err(command ? `convlens: unknown command '${command}'\n${USAGE}` : USAGE);
    return 2;
  }
  let file: string | undefined;
  let json = false;
  let quiet = false;
  let inputShape: (number | null)[] | undefined;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--json') json = true;
    else if (a === '--quiet') quiet = true;
    else if (a === '--input-shape' || a.startsWith('--input-shape=')) {
      const value = a.includes('=') ? a.slice(a.indexOf('=') + 1) : rest[++i];
      const shape = value === undefined ? null : parseShape(value);
      if (!shape) {
        io.err(`convlens: --input-shape wants comma-separated sizes such as 224,224,3 (got '${value ?? ''}')`);
        return 2;
      }
      inputShape = shape;
    } else if (a.startsWith('-')) {
      io.err(`convlens: unknown option '${a}'\n${USAGE}`);
      return 2;
    } else if (!file) file = a;
    else {
      io.err(`convlens: one file at a time (got '${file}' and '${a}')`);
      return 2;
    }
  }
  if (!file) {
    io.err(`convlens: no file given\n${USAGE}`);
    return 2;
  }
  let text: string;
  try {
    const size = statSync(file).size;
    if (size > MAX_FILE_BYTES) {
      io.err(`convlens: ${file} is ${(size / 1048576).toFixed(1)} MiB; ConvLens reads model files up to ${MAX_FILE_BYTES / 1048576} MiB`);
      return 2;
    }
    text = readFileSync(file, 'utf8');
  } catch (e) {
    io.err(`convlens: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    return 2;
  }
  const analysis = analyze(text, { defaultInputShape: inputShape });
  if (json) io.out(JSON.stringify(analysisToJson(file, text, analysis), null, 2));
  else {
    if (analysis.models.length === 0) io.out(`No Keras model found in ${file}.`);
    for (const m of analysis.models) io.out(`${modelTable(m)}\n`);
    const diags = diagnosticLines(file, text, analysis, quiet ? 'warning' : 'info');
    if (diags.length) io.out(diags.join('\n'));
  }
  return analysis.diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
}
