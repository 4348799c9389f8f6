/** `convlens export FILE -o MODEL.onnx`: the model as ONNX, weights from its initializers. */
import { writeFileSync } from 'node:fs';
import { lowerModel, LoweringFailure } from '../engine/lowering/lower_model';
import { weightsOption } from './weights_option';
import type { CliIO } from './main';
import { intFlag, parseArgs, shapeFlag, UsageError } from './options';
import { analyzeFile, pickModel } from './source_file';

export async function exportCommand(args: string[], io: CliIO): Promise<number> {
  const { positional, flags } = parseArgs(args, { '--output': true, '--model': true, '--seed': true, '--input-shape': true, '--weights': true }, { '-o': '--output' });
  if (positional.length !== 1) throw new UsageError(positional.length ? `one file at a time (got ${positional.join(', ')})` : 'no file given');
  const out = flags.get('--output');
  if (typeof out !== 'string') throw new UsageError('export needs -o MODEL.onnx');
  const file = positional[0];
  const shapeText = flags.get('--input-shape');
  const { analysis, where, savedWeights } = await analyzeFile(file, typeof shapeText === 'string' ? shapeFlag(shapeText) : undefined);
  const model = pickModel(analysis, file, flags.get('--model') as string | undefined);
  const chosen = await weightsOption(flags.get('--weights') ?? savedWeights, model, analysis, intFlag(flags, '--seed', 0), io);
  if (!chosen) return 1;
  const { weights } = chosen;
  try {
    const lowered = lowerModel(model.graph, weights);
    writeFileSync(out, lowered.bytes);
    io.out(`Wrote ${out} (${(lowered.bytes.byteLength / 1048576).toFixed(1)} MiB): ${model.graph.name}, input ${lowered.inputs.map((i) => `${i.name} (${i.shape.map((d) => d ?? 'N').join(', ')})`).join(', ')}, output ${lowered.outputs.map((o) => `(${o.shape.map((d) => d ?? 'N').join(', ')})`).join(', ')}`);
    return 0;
  } catch (e) {
    if (e instanceof LoweringFailure) {
      io.err(`convlens: ${e.message} (${where(e.span.from)})`);
      return 1;
    }
    throw e;
  }
}
