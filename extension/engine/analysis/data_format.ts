/**
 * Where a 4D tensor of the model graph keeps its channels. Keras decides per layer
 * (`data_format=`, or the global `image_data_format` when the layer was made), so the shape alone
 * cannot tell: the conv or pooling layers reading or making the tensor say, through their kind's
 * window hook. Runs use it to lay out inputs and to read spatial axes of activations.
 */
import type { DataFormat } from '../../../kernels/args';
import type { LayerCall, ModelGraph, SymTensor } from '../graph';

export type { DataFormat } from '../../../kernels/args';

function windowFormat(call: LayerCall): DataFormat | null {
  const window = call.layer.config !== null ? call.layer.kernel?.window?.(call.layer.config) : undefined;
  return window ? window.dataFormat : null;
}

const sameShape = (a: SymTensor['shape'], b: SymTensor['shape']) => !!a && !!b && a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * The format of a tensor as its readers see it: the first conv or pooling reached from it through
 * layers that keep its shape unchanged (rescaling, normalization, activations); null when none is.
 * One pass in call order (a reader comes after what it reads), so the summary can ask on every
 * keystroke of a 1000-layer model.
 */
function readerFormat(graph: ModelGraph, tensor: SymTensor): DataFormat | null {
  const reached = new Set<number>([tensor.id]);
  for (const call of graph.calls) {
    if (!call.inputs.some((i) => reached.has(i.id))) continue;
    const format = windowFormat(call);
    if (format) return format;
    if (sameShape(call.output.shape, tensor.shape)) reached.add(call.output.id);
  }
  return null;
}

/** The model input's format (channels last when no conv or pooling reads it). */
export function inputDataFormat(graph: ModelGraph): DataFormat {
  const input = graph.inputs[0];
  return (input && readerFormat(graph, input)) ?? 'channels_last';
}

/**
 * The format of a layer's 4D output: the nearest conv or pooling that made it (walking back through
 * the 4D layers between, merges included); else the model input's (`inputFormat`, when the caller
 * asks for many layers, is that, found once).
 */
export function outputDataFormat(graph: ModelGraph, call: LayerCall, inputFormat?: DataFormat): DataFormat {
  for (let c: LayerCall | null = call; c && c.output.shape?.length === 4; c = c.inputs[0]?.producer ?? null) {
    const format = windowFormat(c);
    if (format) return format;
    if (c.inputs[0]?.shape?.length !== 4) break;
  }
  return inputFormat ?? inputDataFormat(graph);
}

/** A 4D shape's (height, width, channels) for its format. */
export function imageAxes<D extends number | null>(shape: readonly D[], format: DataFormat): { height: D; width: D; channels: D } {
  return format === 'channels_first'
    ? { channels: shape[1], height: shape[2], width: shape[3] }
    : { height: shape[1], width: shape[2], channels: shape[3] };
}

/** The flat index of (y, x, channel c) in one item of an image tensor laid out as `format`. */
export function pixelIndex(format: DataFormat, height: number, width: number, channels: number, y: number, x: number, c: number): number {
  return format === 'channels_first' ? (c * height + y) * width + x : (y * width + x) * channels + c;
}
