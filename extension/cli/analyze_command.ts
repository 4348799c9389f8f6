/** `convlens analyze FILE [--input-shape H,W,C] [--json] [--quiet]` */
import { analysisToJson } from '../engine/report/json';
import { diagnosticLines, modelTable } from '../engine/report/table';
import type { CliIO } from './io';
import { parseArgs, shapeFlag, UsageError } from './options';
import { analyzeFile } from './source_file';

export async function analyzeCommand(args: string[], io: CliIO): Promise<number> {
  const { positional, flags } = parseArgs(args, { '--json': false, '--quiet': false, '--input-shape': true });
  if (positional.length !== 1) throw new UsageError(positional.length ? `one file at a time (got ${positional.join(', ')})` : 'no file given');
  const file = positional[0];
  const shape = flags.get('--input-shape');
  const { text, analysis, where, locate } = await analyzeFile(file, typeof shape === 'string' ? shapeFlag(shape) : undefined);
  if (flags.has('--json')) io.out(JSON.stringify(analysisToJson(file, text, analysis, locate), null, 2));
  else {
    if (analysis.models.length === 0) io.out(`No Keras model found in ${file}.`);
    for (const m of analysis.models) io.out(`${modelTable(m)}\n`);
    const diags = diagnosticLines(file, text, analysis, flags.has('--quiet') ? 'warning' : 'info', where);
    if (diags.length) io.out(diags.join('\n'));
  }
  return analysis.diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
}
