/** `convlens export FILE -o MODEL.onnx`: the model as ONNX (the export job), weights from its initializers. */
import { writeFileSync } from 'node:fs';
import { DEFAULT_MEMORY_BUDGET_MB } from '../runtime/memory_budget';
import { exportJob } from '../runtime/run_job';
import type { CliIO } from './io';
import { intFlag, parseArgs, UsageError } from './options';
import { jobFailureExit, loadJobSource } from './source_file';

export async function exportCommand(args: string[], io: CliIO): Promise<number> {
  const { positional, flags } = parseArgs(args, { '--output': true, '--model': true, '--seed': true, '--input-shape': true, '--weights': true, '--memory-budget': true }, { '-o': '--output' });
  if (positional.length !== 1) throw new UsageError(positional.length ? `one file at a time (got ${positional.join(', ')})` : 'no file given');
  const out = flags.get('--output');
  if (typeof out !== 'string') throw new UsageError('export needs -o MODEL.onnx');
  const source = await loadJobSource(positional[0], flags);
  try {
    const lowered = await exportJob({
      ...source.settings, kind: 'export', seed: intFlag(flags, '--seed', 0), memoryBudgetMB: intFlag(flags, '--memory-budget', DEFAULT_MEMORY_BUDGET_MB, 1),
    }, source.hooks);
    writeFileSync(out, lowered.bytes);
    io.out(`Wrote ${out} (${(lowered.bytes.byteLength / 1048576).toFixed(1)} MiB): ${lowered.model}, input ${lowered.inputs.map((i) => `${i.name} (${i.shape.map((d) => d ?? 'N').join(', ')})`).join(', ')}, output ${lowered.outputs.map((o) => `(${o.shape.map((d) => d ?? 'N').join(', ')})`).join(', ')}`);
    return 0;
  } catch (e) {
    return jobFailureExit(e, io);
  }
}
