/**
 * NumPy arrays whose shape is known without their data: what keras.datasets.*.load_data() returns,
 * and the few operations scripts apply before building a model (`.shape`, reshape, astype, `/ 255`,
 * expand_dims, len, to_categorical). Anything else on an array is unknown, never a guessed number.
 */
import { int, str, tuple, unknown, Value } from './values';

/** An array's shape: null for an axis whose size is unknown. */
export type ArrayValue = {
  t: 'array'; shape: (number | null)[]; dtype: string | null;
  /** Class labels 0 .. classes-1, each present (a dataset's label array): what np.unique and to_categorical count. */
  classes?: number;
  /** A NumPy scalar (shape []) whose value is known, e.g. np.amax(labels) + 1. */
  value?: number;
};

const array = (shape: (number | null)[], dtype: string | null): ArrayValue => ({ t: 'array', shape, dtype });

/** A NumPy scalar (np.uint8(9) ...): not a Python int, which some Keras arguments insist on. */
export function isNumpyScalar(v: Value | undefined): v is ArrayValue {
  return v?.t === 'array' && v.shape.length === 0;
}

const scalar = (dtype: string | null, value: number | undefined): ArrayValue => ({ t: 'array', shape: [], dtype, ...(value === undefined ? {} : { value }) });

/** The integer range of each NumPy integer dtype: a result outside it would wrap, so its value is left unknown. */
const INT_RANGES: Record<string, [number, number]> = {
  uint8: [0, 255], int8: [-128, 127], uint16: [0, 65535], int16: [-32768, 32767],
  uint32: [0, 2 ** 32 - 1], int32: [-(2 ** 31), 2 ** 31 - 1], int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER], uint64: [0, Number.MAX_SAFE_INTEGER],
};

/**
 * A NumPy integer scalar and a Python int (+, -, *, //): NumPy 2 keeps the scalar's dtype (the
 * Python int is "weak"), so np.amax(labels) + 1 is still an np.uint8. Null for anything else.
 */
function scalarArithmetic(op: string, a: Value, b: Value): Value | null {
  const [s, other] = isNumpyScalar(a) ? [a, b] : isNumpyScalar(b) ? [b, a] : [null, null];
  if (!s || !other || s.dtype === null || !(s.dtype in INT_RANGES) || other.t !== 'int' || !['+', '-', '*', '//'].includes(op)) return null;
  if (s.value === undefined) return scalar(s.dtype, undefined);
  const [x, y] = s === a ? [s.value, other.v] : [other.v, s.value];
  const result = op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : y === 0 ? null : Math.floor(x / y);
  const [lo, hi] = INT_RANGES[s.dtype];
  return scalar(s.dtype, result !== null && result >= lo && result <= hi ? result : undefined);
}

/** np.int64(10), np.uint8(9): a NumPy integer scalar of a Python int that fits its dtype; null otherwise. */
export function numpyIntScalar(dtype: string, args: Value[], kwargs: Map<string, Value>): Value | null {
  const range = INT_RANGES[dtype];
  const v = args[0];
  if (!range || args.length !== 1 || kwargs.size || v.t !== 'int' || v.v < range[0] || v.v > range[1]) return null;
  return scalar(dtype, v.v);
}

/** Keras 3's documented shapes (channels_last), all uint8: ((x_train, y_train), (x_test, y_test)). */
const DATASETS: Record<string, { train: number; test: number; x: number[]; y: number[]; classes: number }> = {
  mnist: { train: 60000, test: 10000, x: [28, 28], y: [], classes: 10 },
  fashion_mnist: { train: 60000, test: 10000, x: [28, 28], y: [], classes: 10 },
  cifar10: { train: 50000, test: 10000, x: [32, 32, 3], y: [1], classes: 10 },
  // Keras' default label_mode="fine": 100 classes, each in both splits.
  cifar100: { train: 50000, test: 10000, x: [32, 32, 3], y: [1], classes: 100 },
};

/** keras.datasets.<name>.load_data(); null for another dataset. */
export function loadDataset(name: string): Value | null {
  const d = DATASETS[name];
  if (!d) return null;
  const split = (n: number) => tuple([array([n, ...d.x], 'uint8'), { ...array([n, ...d.y], 'uint8'), classes: d.classes }]);
  return tuple([split(d.train), split(d.test)]);
}

function intOf(v: Value | undefined): number | null {
  return v?.t === 'int' ? v.v : v?.t === 'bool' ? Number(v.v) : null;
}

/** A shape argument: a tuple / list of ints, or the ints themselves (x.reshape(a, b, c)). */
function shapeArg(args: Value[]): (number | null)[] | null {
  const items = args.length === 1 && (args[0].t === 'tuple' || args[0].t === 'list') ? args[0].items : args;
  if (items.length === 0) return null;
  return items.map(intOf);
}

/** The shape np.reshape gives, -1 inferred; unknown axes where it cannot be known. */
export function reshape(a: ArrayValue, target: (number | null)[] | null): Value {
  if (!target || target.some((d) => d !== null && d < -1) || target.filter((d) => d === -1).length > 1) return unknown('reshape');
  const total = a.shape.every((d) => d !== null) ? a.shape.reduce<number>((p, d) => p * d!, 1) : null;
  const known = target.filter((d) => d !== -1);
  if (known.some((d) => d === null)) return array(target.map((d) => (d === -1 ? null : d)), a.dtype);
  const rest = (known as number[]).reduce((p, d) => p * d, 1);
  if (!target.includes(-1)) return total !== null && total !== rest ? unknown('reshape to a different size') : array(target, a.dtype);
  if (total === null || rest === 0 || total % rest !== 0) return array(target.map((d) => (d === -1 ? null : d)), a.dtype);
  return array(target.map((d) => (d === -1 ? total / rest : d)), a.dtype);
}

function expandDims(a: ArrayValue, axisArg: Value | undefined): Value {
  const axis = intOf(axisArg);
  const rank = a.shape.length + 1;
  if (axis === null || axis < -rank || axis >= rank) return unknown('expand_dims');
  const at = axis < 0 ? axis + rank : axis;
  return array([...a.shape.slice(0, at), 1, ...a.shape.slice(at)], a.dtype);
}

function dtypeName(v: Value | undefined): string | null {
  if (v?.t === 'str') return v.v;
  if (v?.t === 'module') return v.path.split('.').pop() ?? null;
  return null;
}

const method = (name: string, call: (args: Value[], kwargs: Map<string, Value>) => Value): Value => ({ t: 'builtin', name, call: (args, kwargs) => call(args, kwargs) });

/** x.shape, x.ndim, x.dtype, x.reshape(...), x.astype(...). */
export function arrayAttr(a: ArrayValue, name: string): Value {
  switch (name) {
    case 'shape': return tuple(a.shape.map((d) => (d === null ? unknown('an unknown axis of an array') : int(d))));
    case 'ndim': return int(a.shape.length);
    case 'dtype': return a.dtype === null ? unknown('dtype') : str(a.dtype);
    case 'reshape': return method('reshape', (args) => reshape(a, shapeArg(args)));
    case 'astype': return method('astype', ([d]) => array(a.shape, dtypeName(d)));
    case 'max': case 'min': return method(name, (args, kwargs) => callNumpy(name, [a, ...args], kwargs) ?? unknown(`${name}() of an array`));
    default: return unknown(`attribute ${name} of an array`);
  }
}

/** len(x): the first axis. */
export function arrayLen(a: ArrayValue): Value {
  const n = a.shape[0];
  return n === undefined || n === null ? unknown('len of an array') : int(n);
}

const INT_DTYPES = new Set(['uint8', 'int8', 'uint16', 'int16', 'uint32', 'int32', 'int64', 'uint64', 'bool']);

/** Arithmetic between an array and a number, or arrays of one shape: the array's shape. */
export function arrayBinary(op: string, a: Value, b: Value): Value | null {
  if (a.t !== 'array' && b.t !== 'array') return null;
  const onScalar = scalarArithmetic(op, a, b);
  if (onScalar) return onScalar;
  if (!['+', '-', '*', '/', '//', '%', '**'].includes(op)) return unknown(`${op} on an array`);
  const isScalar = (v: Value) => v.t === 'int' || v.t === 'float' || v.t === 'bool';
  let shape: (number | null)[];
  if (a.t === 'array' && b.t === 'array') {
    if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d === null || d !== b.shape[i])) return unknown(`${op} between arrays`);
    shape = a.shape;
  } else if (a.t === 'array' && isScalar(b)) shape = a.shape;
  else if (b.t === 'array' && isScalar(a)) shape = b.shape;
  else return unknown(`${op} on an array`);
  const dtypes = [a, b].filter((v): v is ArrayValue => v.t === 'array').map((v) => v.dtype);
  // True division of integers gives float64; other dtype promotions are left unknown.
  const dtype = op === '/' && dtypes.every((d) => d !== null && INT_DTYPES.has(d)) ? 'float64' : dtypes.length === 1 && dtypes[0] !== null && !INT_DTYPES.has(dtypes[0]) ? dtypes[0] : null;
  return array(shape, dtype);
}

const MIN_MAX: Record<string, 'min' | 'max'> = { amax: 'max', max: 'max', amin: 'min', min: 'min' };

/** numpy.<name>(...) on an array; null when not modelled here. */
export function callNumpy(name: string, args: Value[], kwargs: Map<string, Value>): Value | null {
  const a = args[0];
  if (a?.t !== 'array') return null;
  if (name === 'reshape') {
    const target = args[1] ?? kwargs.get('newshape') ?? kwargs.get('shape');
    return reshape(a, target ? shapeArg([target]) : null);
  }
  if (name === 'expand_dims') return expandDims(a, args[1] ?? kwargs.get('axis'));
  // np.amax(labels): a NumPy scalar of the array's dtype; its value is known for a dataset's labels.
  if (MIN_MAX[name] && args.length === 1 && kwargs.size === 0) {
    return scalar(a.dtype, a.classes === undefined || a.shape.some((d) => d === 0) ? undefined : MIN_MAX[name] === 'max' ? a.classes - 1 : 0);
  }
  // np.unique(labels) (flattened, sorted): 0 .. classes-1.
  if (name === 'unique' && a.classes !== undefined && args.length === 1 && kwargs.size === 0) return { ...array([a.classes], a.dtype), classes: a.classes };
  return null;
}

/** keras.utils.to_categorical(y, num_classes): a trailing axis of 1 is dropped, the classes appended. */
export function toCategorical(args: Value[], kwargs: Map<string, Value>): Value | null {
  const y = args[0] ?? kwargs.get('x');
  if (y?.t !== 'array') return null;
  const given = args[1] ?? kwargs.get('num_classes');
  // Without num_classes Keras counts max(y) + 1 from the data: known for a dataset's labels only.
  const classes = given === undefined || given.t === 'none' ? y.classes ?? null : intOf(given);
  if (given !== undefined && given.t !== 'none' && classes === null) return unknown('to_categorical');
  const base = y.shape.length > 1 && y.shape[y.shape.length - 1] === 1 ? y.shape.slice(0, -1) : y.shape;
  return array([...base, classes], 'float64');
}
