/**
 * Layer configs and build results by value. A keystroke early in a long file re-traces every
 * statement after it: each constructor call is bound and configured again with the same argument
 * values, and each layer built again on input shapes of the same values. A kind's `configure` is a
 * function of its bound arguments only, and a successful `build` of the config and the input
 * shapes (the layer's name is only for its error messages: kernels/types.ts BuildContext; a layer
 * auto-named anew after an early edit keeps its result): so the first answer, frozen, serves
 * every later one. Sharing it is safe because both are replaced, never changed in place
 * (checkpoint.ts relies on it too); it also hands the analysis the same objects, whose memos
 * compare by identity (analysis/savings.ts keeps its answers by build result).
 *
 * Only successful answers with nothing to report are kept (no warning, no dropped size): a
 * failing or reporting call takes the full path each time. Bounded: forgotten all at once when
 * full. Off with all reuse (engine/reuse.ts), so references are made from scratch.
 */
import type { BuildResult, Shape } from '../../../kernels/types';
import { reuseEnabled } from '../reuse';
import type { Value } from './values';

const MAX_KEPT = 20_000;

/**
 * Configs by kind, then image data format, then the arguments' part of the key: the kind and
 * format are the same few strings each time, and the part, when a literal argument list hands
 * it over, a kept string whose hash V8 has already computed (one long key built per call was
 * hashed anew each time).
 */
let configsByArguments = new Map<string, Map<string, Map<string, object>>>();
let configsKept = 0;

/** Build results per config (by identity), with the input shapes they were made on (copies). */
let buildsByConfig = new WeakMap<object, { shapes: Shape[]; result: BuildResult }[]>();
let buildsKept = 0;
/** Results kept per config (one config serves every unnamed layer of the same arguments, on a few shapes). */
const MAX_BUILDS_PER_CONFIG = 8;

/**
 * The text of everything a constructor call's binding reads: the kind, the global image data
 * format, the positional arguments and the keyword arguments in order (their order decides the
 * order of bound values and of messages). Null when an argument is not plain data (a function, an
 * object, a tensor, an unknown ...): such calls are configured afresh. Injective: strings carry
 * their length, every value its type (an int 3 and a float 3.0 differ; a list and a tuple too).
 */
export function argumentsKey(kind: string, format: string | null | undefined, args: readonly Value[], kwargs: ReadonlyMap<string, Value>): string | null {
  const part = argumentsKeyPart(args, kwargs);
  return part === null ? null : `${kind}|${format ?? '-'}|${part}`;
}

/** The arguments' part of `argumentsKey` (what a literal argument list reuses: trace/literal_arguments.ts). */
export function argumentsKeyPart(args: readonly Value[], kwargs: ReadonlyMap<string, Value>): string | null {
  let key = '';
  for (let i = 0; i < args.length; i++) {
    const part = valueKey(args[i]);
    if (part === null) return null;
    key += part;
  }
  for (const [name, v] of kwargs) {
    const part = valueKey(v);
    if (part === null) return null;
    key += `${name.length}:${name}=${part}`;
  }
  return key;
}

function valueKey(v: Value): string | null {
  switch (v.t) {
    case 'int': return `i${v.v};`;
    // -0 prints as 0; Python keeps it (and `str(-0.0)` differs).
    case 'float': return Object.is(v.v, -0) ? 'f-0;' : `f${v.v};`;
    case 'str': return `s${v.v.length}:${v.v}`;
    case 'bool': return v.v ? 'T' : 'F';
    case 'none': return 'N';
    case 'tuple': case 'list': {
      let key = v.t === 'tuple' ? '(' : '[';
      for (const item of v.items) {
        const part = valueKey(item);
        if (part === null) return null;
        key += part;
      }
      return `${key})`;
    }
    default: return null;
  }
}

/** The config made before for these arguments (frozen), if any; `part` is `argumentsKeyPart`'s. */
export function rememberedConfig(kind: string, format: string | null | undefined, part: string | null): unknown {
  return part === null || !reuseEnabled() ? undefined : configsByArguments.get(kind)?.get(format ?? '-')?.get(part);
}

/** Keeps `config` for these arguments, frozen whole; returns it. */
export function rememberConfig<T>(kind: string, format: string | null | undefined, part: string | null, config: T): T {
  if (part === null || !reuseEnabled() || typeof config !== 'object' || config === null) return config;
  if (configsKept >= MAX_KEPT) {
    configsByArguments = new Map();
    configsKept = 0;
  }
  let byFormat = configsByArguments.get(kind);
  if (!byFormat) configsByArguments.set(kind, (byFormat = new Map()));
  let byPart = byFormat.get(format ?? '-');
  if (!byPart) byFormat.set(format ?? '-', (byPart = new Map()));
  if (!byPart.has(part)) configsKept++;
  byPart.set(flatString(part), deepFreeze(config));
  return config;
}

/** The build result made before for this config and input shapes (frozen), if any. */
export function rememberedBuild(config: unknown, shapes: readonly Shape[]): BuildResult | undefined {
  if (!reuseEnabled() || typeof config !== 'object' || config === null) return undefined;
  const made = buildsByConfig.get(config);
  if (made) for (const m of made) if (sameShapes(m.shapes, shapes)) return m.result;
  return undefined;
}

/** Keeps a frozen build result for this config and input shapes. */
export function rememberBuild(config: unknown, shapes: readonly Shape[], result: BuildResult): void {
  if (!reuseEnabled() || typeof config !== 'object' || config === null || !Object.isFrozen(result)) return;
  if (buildsKept >= MAX_KEPT) {
    buildsByConfig = new WeakMap();
    buildsKept = 0;
  }
  let made = buildsByConfig.get(config);
  if (!made) buildsByConfig.set(config, (made = []));
  // Copies: a tensor's shape array is not always frozen.
  made.unshift({ shapes: shapes.map((s) => s.slice()), result });
  if (made.length > MAX_BUILDS_PER_CONFIG) made.pop();
  buildsKept++;
}

function sameShapes(a: readonly Shape[], b: readonly Shape[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x.length !== y.length) return false;
    for (let j = 0; j < x.length; j++) if (x[j] !== y[j]) return false;
  }
  return true;
}

/**
 * A copy of `text` as one flat string of its own: kept as a key, a string built by concatenation
 * stays a tree of a dozen string objects, and one cut out of the document keeps the document alive.
 */
export function flatString<T extends string | null>(text: T): T {
  return (text === null ? null : Buffer.from(text, 'utf16le').toString('utf16le')) as T;
}

/** `v` and every object it holds, frozen. */
export function deepFreeze<T>(v: T): T {
  if (typeof v !== 'object' || v === null || Object.isFrozen(v)) return v;
  Object.freeze(v);
  for (const x of Object.values(v)) deepFreeze(x);
  return v;
}
