/**
 * The arguments of a shape-changing tensor function (reshape, concatenate, mean, ...), recorded on
 * its graph node with the TensorOperation kind so the model can be run (kernels/tensor_ops.ts
 * lowers it). Only calls whose arguments are all known and whose output shape the catalogue
 * computed become runnable; anything else stays a node that a run refuses, naming it.
 */
import { beforeWrite } from './checkpoint';
import type { ReduceFn, TensorOperation } from '../../../kernels/tensor_ops';
import { TensorOperationKind } from '../../../kernels/tensor_ops';
import type { Value } from './values';

const REDUCE_FNS: Record<string, ReduceFn> = {
  mean: 'mean', sum: 'sum', max: 'max', min: 'min', prod: 'prod', var: 'var', std: 'std', logsumexp: 'logsumexp',
  reduce_mean: 'mean', reduce_sum: 'sum', reduce_max: 'max', reduce_min: 'min', reduce_prod: 'prod',
  reduce_variance: 'var', reduce_std: 'std', reduce_logsumexp: 'logsumexp',
};

type Arg = (i: number, ...names: string[]) => Value | undefined;

const intOf = (v: Value | undefined): number | null => (v?.t === 'int' ? v.v : null);

/** A tuple or list of ints (or one int); null when anything in it is not a known int. */
function intsOf(v: Value | undefined): number[] | null {
  if (v?.t === 'int') return [v.v];
  if (v?.t !== 'tuple' && v?.t !== 'list') return null;
  return v.items.every((d) => d.t === 'int') ? v.items.map((d) => (d as { v: number }).v) : null;
}

/** True, false, or null when not a known bool. */
const boolOf = (v: Value | undefined, absent: boolean): boolean | null => (v === undefined || v.t === 'none' ? absent : v.t === 'bool' ? v.v : v.t === 'int' ? v.v !== 0 : null);

/** An axis argument: absent or None is "every axis" (null); undefined when not known. */
function axesOf(v: Value | undefined): number[] | null | undefined {
  if (v === undefined || v.t === 'none') return null;
  return intsOf(v) ?? undefined;
}

function formatOf(v: Value | undefined): 'channels_last' | 'channels_first' | null {
  if (v === undefined || v.t === 'none') return 'channels_last';
  if (v.t !== 'str') return null;
  if (v.v === 'channels_last' || v.v === 'NHWC') return 'channels_last';
  if (v.v === 'channels_first' || v.v === 'NCHW') return 'channels_first';
  return null;
}

/** The operation `path` (canonical, e.g. `keras.ops.reshape`) performs, when every argument is known. */
export function tensorOperation(path: string, name: string, args: Value[], kwargs: Map<string, Value>, defaultJoinAxis: Value | undefined): TensorOperation | null {
  const arg: Arg = (i, ...names) => {
    for (const n of names) if (kwargs.has(n)) return kwargs.get(n);
    return args[i];
  };
  if (name in REDUCE_FNS) {
    const axes = axesOf(arg(1, 'axis'));
    const keepdims = boolOf(kwargs.get('keepdims') ?? kwargs.get('keep_dims') ?? args[2], false);
    return axes === undefined || keepdims === null ? null : { op: 'reduce', fn: REDUCE_FNS[name], axes, keepdims };
  }
  switch (name) {
    case 'reshape': {
      const shape = intsOf(arg(1, 'newshape', 'new_shape', 'shape'));
      return shape ? { op: 'reshape', shape } : null;
    }
    case 'concatenate': case 'concat': case 'stack': {
      const axis = intOf(arg(1, 'axis') ?? defaultJoinAxis);
      return axis === null ? null : { op: name === 'stack' ? 'stack' : 'concatenate', axis };
    }
    case 'expand_dims': {
      const axis = intOf(arg(1, 'axis'));
      return axis === null ? null : { op: 'expand_dims', axis };
    }
    case 'squeeze': {
      const axes = axesOf(arg(1, 'axis'));
      return axes === undefined ? null : { op: 'squeeze', axes };
    }
    case 'transpose': {
      const given = arg(1, 'axes', 'perm');
      const perm = given === undefined || given.t === 'none' ? null : intsOf(given);
      return perm === null && given !== undefined && given.t !== 'none' ? null : { op: 'transpose', perm };
    }
    case 'depth_to_space': case 'space_to_depth': {
      const blockSize = intOf(arg(1, 'block_size'));
      // The catalogue's shape is the channels_last one.
      return blockSize === null || formatOf(arg(2, 'data_format')) !== 'channels_last' ? null : { op: name, blockSize, dataFormat: 'channels_last' };
    }
    case 'resize': {
      // keras.ops.image.resize only: tf.image.resize takes other arguments (method=, preserve_aspect_ratio=).
      if (path !== 'keras.ops.image.resize') return null;
      const size = intsOf(arg(1, 'size'));
      const interpolation = arg(2, 'interpolation') ?? { t: 'str', v: 'bilinear' };
      const antialias = boolOf(arg(3, 'antialias'), false);
      const crop = boolOf(arg(4, 'crop_to_aspect_ratio'), false);
      const pad = boolOf(arg(5, 'pad_to_aspect_ratio'), false);
      const fillMode = arg(6, 'fill_mode');
      const fill = arg(7, 'fill_value') ?? { t: 'float', v: 0 };
      const dataFormat = formatOf(arg(8, 'data_format'));
      if (!size || size.length !== 2 || interpolation.t !== 'str' || antialias === null || crop === null || pad === null || dataFormat === null) return null;
      if ((fillMode && !(fillMode.t === 'str' && fillMode.v === 'constant')) || (fill.t !== 'int' && fill.t !== 'float')) return null;
      return {
        op: 'resize', height: size[0], width: size[1], interpolation: interpolation.v, antialias, cropToAspectRatio: crop, padToAspectRatio: pad,
        fillValue: fill.v, dataFormat,
      };
    }
    default:
      return null;
  }
}

/** Gives the node that made `value` the TensorOperation kind, so a run can lower it. */
export function makeRunnable(value: Value, operation: TensorOperation | null): Value {
  if (!operation || value.t !== 'tensor') return value;
  const call = value.tensor.producer;
  const shape = value.tensor.shape;
  if (!call || !shape || call.inputs.some((t) => !t.shape)) return value;
  const config = { ...operation, outputShape: shape };
  beforeWrite(call.layer, 'kernel');
  call.layer.kernel = TensorOperationKind;
  beforeWrite(call.layer, 'config');
  call.layer.config = config;
  call.result = TensorOperationKind.build(config, call.inputs.map((t) => t.shape!), { layerName: call.layer.name });
  return value;
}
