/** The `convlens` command line: analyze, run, export. */
import { analyzeCommand } from './analyze_command';
import { exportCommand } from './export_command';
import { InputFileError, UsageError } from './options';
import { runCommand } from './run_command';
import type { CliIO } from './io';

export type { CliIO } from './io';

export const USAGE = `Usage:
  convlens analyze FILE [--input-shape H,W,C] [--json] [--quiet]
      Reads a Keras model file (never runs it) and prints each model's layers with output
      shapes, parameters, MACs and receptive fields, followed by diagnostics.
  convlens run FILE [--model NAME] [--input random|impulse|checkerboard|PATH] [--weights PATH] [--seed N]
               [--preprocess raw|unit|symmetric|imagenet]
               [--batch N] [--input-shape H,W,C] [--save-output OUT.npy] [--memory-budget MB]
               [--erf HEATMAP.npy] [--no-rf] [--json]
      Lowers the model to ONNX and runs it with ONNX Runtime on a sample input, with
      per-layer latency and activation statistics, and measures the receptive field of the
      last spatial layer (impulses on a linearised copy) against the analytical one.
      PATH is a PNG/JPEG image (resized to the input; --preprocess, default unit) or a .npy
      array (float32 in the model input's own layout, NHWC or NCHW, used as is).
  convlens export FILE -o MODEL.onnx [--model NAME] [--weights PATH] [--seed N] [--input-shape H,W,C]
      Writes the model as ONNX (weights from --weights, else the declared initializers, seeded).
  FILE is a Python source, a Jupyter notebook (.ipynb: its code cells in order, IPython magics
      skipped; positions read file:cell N:line:column, cells counted from 1), or a saved model (.keras, or a legacy full-model .h5) whose
      architecture is read from the file itself; a saved model runs with its own weights.
  --weights PATH: a Keras 3 .weights.h5 or .keras (paired by Keras' tracking paths), or a legacy
      .h5 (paired by the order of model.layers), exactly as Keras loads them.
Exit status: 1 if any error diagnostic (analyze) or failure (run, export), 0 otherwise,
2 on usage errors.`;


export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'analyze': return await analyzeCommand(rest, io);
      case 'run': return await runCommand(rest, io);
      case 'export': return await exportCommand(rest, io);
      case 'help': case '--help': case '-h':
        io.out(USAGE);
        return 0;
      default:
        throw new UsageError(command ? `unknown command '${command}'` : 'no command given');
    }
  } catch (e) {
    if (e instanceof InputFileError) {
      io.err(`convlens: ${e.message}`);
      return 1;
    }
    if (e instanceof UsageError) {
      io.err(`convlens: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
}
