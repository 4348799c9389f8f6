/** Design warnings: dilation gridding, checkerboard-prone transposed convs, too-small receptive fields. */
import type { KeyedState } from './layered_map';
import { DiagnosticSink } from '../diagnostics';
import type { LayerCall, ModelGraph, SymTensor } from '../graph';
import type { CallMemo } from './call_memo';
import { formatRfNumber } from './format';
import type { Rf } from './receptive_field';

export interface DilationChain {
  gcd: number;
  rates: number[];
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** The dilation chain each tensor ends, followed call by call in execution order. */
export type DilationChains = KeyedState<SymTensor, DilationChain>;

/**
 * Wang et al. 2018: consecutive dilated convs whose rates share a factor > 1 only ever sample
 * a sparse grid of the input ("gridding"). A dense window (rate 1, pooling) breaks the chain.
 * One call: its output's chain into `chains` (which holds those of the calls before it), and that
 * chain with its gridding warning, or null. `memos` is the call's record.
 */
export function griddingOf(call: LayerCall, memos: CallMemo, chains: DilationChains): { chain: DilationChain; warning: string | null } {
  let memo = memos.gridding as GriddingMemo | undefined;
  if (!memo || !griddingMemoValid(memo, call, chains)) memos.gridding = memo = griddingStep(call, chains);
  // A tensor without one reads as NO_CHAIN: most calls set nothing.
  if (memo.chain !== NO_CHAIN) chains.set(call.output, memo.chain);
  return memo;
}

/**
 * One call's chain and warning, with what they were made from: the chains entering it (shared
 * objects, never changed) and the layer's kind, config, build result, name and origin. A keystroke
 * re-checks the calls an edit did not touch with the same objects, so finds them unchanged.
 */
interface GriddingMemo {
  inputs: DilationChain[];
  kernel: LayerCall['layer']['kernel'];
  config: unknown;
  result: LayerCall['result'];
  name: string;
  application: string | undefined;
  chain: DilationChain;
  warning: string | null;
}

function griddingMemoValid(memo: GriddingMemo, call: LayerCall, chains: DilationChains): boolean {
  const { layer, inputs } = call;
  if (memo.kernel !== layer.kernel || memo.config !== layer.config || memo.result !== call.result || memo.name !== layer.name || memo.application !== layer.application) return false;
  if (memo.inputs.length !== inputs.length) return false;
  for (let i = 0; i < inputs.length; i++) if (memo.inputs[i] !== (chains.get(inputs[i]) ?? NO_CHAIN)) return false;
  return true;
}

function griddingStep(call: LayerCall, chains: DilationChains): GriddingMemo {
  const { kernel, config, name, application } = call.layer;
  const memo: GriddingMemo = { inputs: call.inputs.map((t) => chains.get(t) ?? NO_CHAIN), kernel, config, result: call.result, name, application, chain: NO_CHAIN, warning: null };
  if (!kernel || config === null || !call.result) return memo;
  const merged = mergeChains(memo.inputs);
  const window = kernel.window?.(config);
  const spatial = window !== undefined && window.kernelSize.some((k) => k > 1);
  if (kernel.atrous && window && spatial) {
    const rate = Math.max(...window.dilation);
    const shared = gcd(merged.gcd, rate);
    // Once the gcd is 1 no later chain can share a factor, so its rates are never shown: one
    // shared chain stands for all of them (a long dense stack copied its growing rates per conv).
    const chain = shared === 1 ? COPRIME_CHAIN : { gcd: shared, rates: [...merged.rates, rate] };
    memo.chain = chain;
    if (chain.gcd > 1 && chain.rates.length >= 2 && !application) {
      memo.warning = `Gridding: stacked dilation rates (${chain.rates.join(', ')}) share the factor ${chain.gcd}, so ${name} only sees every ${chain.gcd}${ordinal(chain.gcd)} pixel of the features before the stack (Wang et al. 2018). Use rates without a common factor, e.g. (1, 2, 5).`;
    }
  } else if (kernel.family === 'pooling' && spatial) {
    memo.chain = NO_CHAIN;
  } else if (kernel.family === 'resize' || kernel.family === 'transposed' || call.result.rf === 'global' || call.result.rf === 'unknown') {
    memo.chain = NO_CHAIN;
  } else {
    memo.chain = merged;
  }
  return memo;
}

/** No dilated conv since the last dense window. Shared: chains are never changed, only replaced. */
export const NO_CHAIN: DilationChain = Object.freeze({ gcd: 0, rates: Object.freeze([]) as unknown as number[] });

/** Any chain whose rates share no factor (gcd 1: every later one's is 1 too, and never warns). */
const COPRIME_CHAIN: DilationChain = Object.freeze({ gcd: 1, rates: Object.freeze([]) as unknown as number[] });

/**
 * The chain entering a call: the gcd of all its inputs' chains, with the longest one's rates (the
 * first of the longest). One input's chain is that chain itself, as merging it with none would
 * give (gcd(0, g) = g): most calls, so they allocate nothing.
 */
function mergeChains(inputs: readonly DilationChain[]): DilationChain {
  if (inputs.length === 1) return inputs[0];
  let merged = NO_CHAIN;
  for (const b of inputs) merged = { gcd: gcd(merged.gcd, b.gcd), rates: b.rates.length > merged.rates.length ? b.rates : merged.rates };
  return merged;
}

function ordinal(n: number): string {
  return n % 10 === 2 && n % 100 !== 12 ? 'nd' : n % 10 === 3 && n % 100 !== 13 ? 'rd' : n % 10 === 1 && n % 100 !== 11 ? 'st' : 'th';
}

/** Odena et al. 2016: a stride that does not divide the kernel size overlaps unevenly. */
export function checkCheckerboard(call: LayerCall, sink: DiagnosticSink): void {
  const { kernel, config } = call.layer;
  if (!kernel?.evenOverlapKernel || !kernel.window || config === null) return;
  const even = kernel.evenOverlapKernel(config);
  if (!even) return;
  const window = kernel.window(config);
  const k = window.kernelSize.join('x');
  const s = window.strides.join('x');
  const fixed = even.join('x');
  sink.warning(
    'checkerboard',
    `Checkerboard artifacts: ${call.layer.name} has kernel ${k} with strides ${s}; the kernel size is not divisible by the stride, so output pixels get uneven overlap (Odena et al. 2016). Use kernel ${fixed}, or UpSampling2D followed by Conv2D.`,
    call.span,
  );
}

/**
 * Can the model's outputs see the whole input? For a spatial output, its own field must cover the
 * input. For a vector output made global by global pooling (classifiers), the field just before the
 * pooling is what the pooled features saw. Flatten keeps every position apart for the Dense layers
 * after it, which see the whole input (LeNet, VGG, keras.io's MNIST convnet): not flagged. A merge
 * with a global branch (ASPP image pooling) already sees everything, so it is not flagged.
 */
export function checkFinalRf(graph: ModelGraph, rfs: { get(tensor: SymTensor): Rf | undefined }, sink: DiagnosticSink): void {
  const input = graph.inputs[0]?.shape;
  if (!input || input.length < 3) return;
  const spatialIn = input.slice(1, -1);
  for (const out of graph.outputs) {
    let end: LayerCall | null = out.producer;
    while (end && rfs.get(end.output) === 'global') {
      if (end.inputs.length !== 1 || !end.result) return;
      if (end.result.rf === 'global') {
        end = end.layer.kernel?.family === 'reshape' ? null : end.inputs[0].producer;
        break;
      }
      end = end.inputs[0].producer;
    }
    const rf = end ? rfs.get(end.output) : null;
    if (!end || !rf || rf === 'global' || end.layer.application) continue;
    const small = rf.axes.some((a, i) => spatialIn[i] !== null && spatialIn[i] !== undefined && a.size < (spatialIn[i] as number));
    if (!small) continue;
    sink.warning(
      'rf-too-small',
      `The receptive field at ${end.layer.name} is ${rf.axes.map((a) => formatRfNumber(a.size)).join('x')} pixels, smaller than the ${spatialIn.join('x')} input: each unit here sees only part of the image.`,
      end.span,
    );
  }
}
