/**
 * What a layer would cost as the cheaper stacks its kind proposes (a Conv2D as SeparableConv2D,
 * or as DepthwiseConv2D + 1x1 Conv2D): each stack is built by its own kinds from the registry.
 */
import { bindKeywords } from '../../../kernels/args';
import { kernelFor } from '../../../kernels/registry';
import { type CheaperAlternative, KerasError, type LayerKernel, NeedsUnknown, type Shape } from '../../../kernels/types';
import type { LayerCall } from '../graph';
import { callMemo } from './call_memo';
import { reuseEnabled } from '../reuse';

export interface Alternative {
  kind: string;
  params: number;
  macs: number | null;
}

export interface Savings {
  params: number;
  macs: number | null;
  alternatives: Alternative[];
}

/**
 * Each call's answer with what it came from (kind, config, build result, input shapes: all
 * replaced, never changed in place): a keystroke asks again for every call it did not touch.
 */
interface SavingsMemo {
  kernel: LayerKernel<any>;
  config: unknown;
  result: LayerCall['result'];
  shapes: (Shape | null)[];
  savings: Savings | null;
}

export function convSavings(call: LayerCall): Savings | null {
  const { kernel, config } = call.layer;
  const { result } = call;
  // Most kinds propose nothing: asked before anything is allocated.
  if (!kernel?.cheaperAlternatives || config === null || !result?.params) return null;
  const memos = callMemo(call);
  const known = memos.savings as SavingsMemo | undefined;
  if (known && known.kernel === kernel && known.config === config && known.result === result && sameShapes(known.shapes, call)) return known.savings;
  const shapes = call.inputs.map((t) => t.shape);
  // A re-traced call is new, but its build result is often one the tracer made before (layer_memo.ts).
  const made = reuseEnabled() ? savingsByResult.get(result) : undefined;
  const savings = made && made.kernel === kernel && made.config === config && sameShapeValues(made.shapes, shapes)
    ? made.savings
    : computeSavings(call.layer.name, kernel, config, result.params.trainable, result.macs, shapes);
  const memo = { kernel, config, result, shapes, savings } satisfies SavingsMemo;
  memos.savings = memo;
  if (reuseEnabled()) savingsByResult.set(result, memo);
  return savings;
}

/**
 * The answer last made with each build result (frozen, replaced and never changed): a re-traced
 * call whose kind, config and input shapes match it gets the same (frozen) answer, so the same
 * message too (analyze.ts writes one per answer and layer name).
 */
const savingsByResult = new WeakMap<NonNullable<LayerCall['result']>, SavingsMemo>();

function sameShapeValues(a: readonly (Shape | null)[], b: readonly (Shape | null)[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === null || y === null || x.length !== y.length) return false;
    for (let j = 0; j < x.length; j++) if (x[j] !== y[j]) return false;
  }
  return true;
}

function sameShapes(shapes: (Shape | null)[], call: LayerCall): boolean {
  if (shapes.length !== call.inputs.length) return false;
  for (let i = 0; i < shapes.length; i++) if (shapes[i] !== call.inputs[i].shape) return false;
  return true;
}

/** `params` and `macs`: the layer's own (trainable params), which the alternatives are measured against. */
function computeSavings(layerName: string, kernel: LayerKernel<any>, config: unknown, params: number, macs: number | null, inputs: (Shape | null)[]): Savings | null {
  if (!inputs.every((s): s is Shape => s !== null)) return null;
  const alternatives = alternativesCosts(kernel, config, inputs, inputs.map(shapeKey).join(';'), layerName);
  if (!alternatives.length || alternatives.some((a) => a === null)) return null;
  // Frozen: the call's memo hands the same answer to every later analysis, and views only read it.
  return Object.freeze({ params, macs, alternatives: Object.freeze([...alternatives]) as Alternative[] });
}

/** A shape as text (null axes as "?"): rank and every axis. */
function shapeKey(shape: Shape): string {
  let key = '';
  for (const d of shape) key += d === null ? '?,' : `${d},`;
  return key;
}

/**
 * The stacks' costs by what decides them: the kind, the config's values (a kind's normalized
 * config is plain data) and the input shapes. A keystroke before a conv re-traces it with a new
 * config of the same values: building its stacks again was most of an early keystroke's analysis.
 * Bounded: forgotten all at once when full.
 */
const costsByValue = new Map<string, (Alternative | null)[]>();
const MAX_COSTS_KEPT = 20_000;

function alternativesCosts(kernel: LayerKernel<any>, config: unknown, inputs: Shape[], inputsKey: string, layerName: string): (Alternative | null)[] {
  const make = () => kernel.cheaperAlternatives!(config, inputs).map((alt) => cost(alt, inputs, layerName)).map((a) => a && Object.freeze(a));
  let key: string;
  try {
    key = `${kernel.type}|${inputsKey}|${JSON.stringify(config)}`;
  } catch {
    return make();
  }
  let known = reuseEnabled() ? costsByValue.get(key) : undefined;
  if (!known) {
    known = make();
    if (costsByValue.size >= MAX_COSTS_KEPT) costsByValue.clear();
    costsByValue.set(key, known);
  }
  return known;
}

/**
 * Params and MACs of a stack, each layer built by its own kind on the previous layer's output
 * (the layer's name only names it in a Keras error, which makes the stack no advice).
 */
function cost(alt: CheaperAlternative, inputs: Shape[], layerName: string): Alternative | null {
  let shapes = inputs;
  let params = 0;
  let macs: number | null = 0;
  for (const layer of alt.layers) {
    const kind = kernelFor(layer.type);
    if (!kind) return null;
    let built;
    try {
      built = kind.build(kind.configure(bindKeywords(kind, layer.args)), shapes, { layerName });
    } catch (e) {
      // A stack Keras would refuse here is no advice; anything else is a bug to surface.
      if (e instanceof KerasError || e instanceof NeedsUnknown) return null;
      throw e;
    }
    if (!built.params) return null;
    params += built.params.trainable;
    macs = macs === null || built.macs === null ? null : macs + built.macs;
    shapes = [built.outputShape];
  }
  return { kind: alt.kind, params, macs };
}
