/**
 * The memory a run, a receptive-field probe or an export will need, estimated from the analysed
 * model BEFORE anything large is allocated, and refused when over the budget. The factors below
 * were measured (peak RSS of `convlens run` / `export` on VGG16, Xception and wide-input models;
 * see test/unit/peak_memory.test.ts); the process itself (Node, ONNX Runtime's code) is outside
 * the budget: RUNTIME_BASELINE_BYTES says how much that is.
 */
import type { LayerReport, ModelReport } from '../engine/analysis/analyze';

export const DEFAULT_MEMORY_BUDGET_MB = 2048;

/** Node, tsx and ONNX Runtime loaded, before any model: the margin over the budget a process may show. */
export const RUNTIME_BASELINE_BYTES = 320 * 2 ** 20;

/**
 * Copies of the weights alive at the peak of a run, while ORT creates a session: the lowering's
 * arrays (until collected), the encoded ONNX bytes, the copy posted to the ORT worker, ORT's
 * parsed initializers and its pre-packed kernels (sessions are created one at a time, see
 * ort/sessions.ts). Measured: VGG16 (553 MiB of weights) peaks at 2967 MiB, 4.7 copies.
 */
export const WEIGHT_COPIES_RUN = 5;
/** An export: the lowering's weight arrays and the encoded ONNX bytes. */
export const WEIGHT_COPIES_EXPORT = 2;

export class BudgetExceeded extends Error {}

export function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MiB`;
}

/** Throws before allocating when `parts` add up to more than `budget` bytes. */
export function requireWithinBudget(action: string, parts: Record<string, number>, budget: number, advice: string): void {
  const total = Object.values(parts).reduce((a, b) => a + b, 0);
  if (total <= budget) return;
  const detail = Object.entries(parts).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${mib(v)}`).join(', ');
  throw new BudgetExceeded(`${action} would need about ${mib(total)} (${detail}), over the memory budget of ${mib(budget)}. ${advice}`);
}

function elements(shape: readonly (number | bigint | null)[] | null | undefined, batch: number): number {
  if (!shape) return 0;
  return shape.slice(1).reduce<number>((acc, d) => acc * (d === null ? 0 : Number(d)), batch);
}

/** Layers up to and including `last` (the whole model when absent), in call order. */
function layersUpTo(report: ModelReport, last?: LayerReport): LayerReport[] {
  if (!last) return report.layers;
  const i = report.layers.indexOf(last);
  return i < 0 ? report.layers : report.layers.slice(0, i + 1);
}

export function weightBytes(report: ModelReport, last?: LayerReport): number {
  return layersUpTo(report, last).reduce((acc, l) => acc + (l.params ? Number(l.params.trainable) + Number(l.params.nonTrainable) : 0), 0) * 4;
}

/** Every layer's output for `batch` items: what a per-layer run fetches (all alive at once). */
export function activationBytes(report: ModelReport, batch: number, last?: LayerReport): number {
  return layersUpTo(report, last).reduce((acc, l) => acc + elements(l.outputShape, batch) * 4, 0);
}

/**
 * ONNX Runtime's working memory for one inference: at the largest layer, its inputs and output
 * are alive together with the unfolded patches (im2col) of a convolution, whose size is the
 * layer's MACs over its output channels (kernel area x input channels per output position).
 * Layers with no MACs (pooling, reshapes) need their inputs and output only.
 */
export function ortWorkingBytes(report: ModelReport, batch: number, last?: LayerReport): number {
  let most = 0;
  for (const l of layersUpTo(report, last)) {
    const calls = report.graph.calls.filter((c) => c.layer === l.layer);
    const call = calls[0] ?? l.call;
    const out = elements(l.outputShape, batch);
    const inputs = call.inputs.reduce((acc, t) => acc + elements(t.shape, batch), 0);
    const channels = l.outputShape && l.outputShape.length > 1 ? Number(l.outputShape[l.outputShape.length - 1] ?? 1) : 1;
    const macsPerCall = l.macs ? Number(l.macs) / Math.max(1, calls.length) : 0;
    // MACs (per item) over output channels = positions x patch size; ORT unfolds one item at a time.
    const patches = channels > 0 ? macsPerCall / channels : 0;
    most = Math.max(most, (out + inputs + patches) * 4);
  }
  return most;
}

/** What `convlens run` / Run on Sample needs for the model on an input of `inputShape` (batch first). */
export function runParts(report: ModelReport, inputShape: number[], perLayer: boolean): Record<string, number> {
  const batch = inputShape[0];
  const input = inputShape.reduce((a, b) => a * b, 1) * 4;
  return {
    // Ours and the copy posted to the ORT worker.
    input: input * 2,
    weights: weightBytes(report) * WEIGHT_COPIES_RUN,
    // A per-layer run fetches every layer's output: ORT's tensors and their copies in JS.
    activations: perLayer ? activationBytes(report, batch) * 2 : 0,
    'ONNX Runtime working memory': ortWorkingBytes(report, batch),
  };
}

export function checkRunBudget(report: ModelReport, inputShape: number[], perLayer: boolean, budget: number, extra: Record<string, number> = {}): void {
  requireWithinBudget(`Running ${report.graph.name}`, { ...extra, ...runParts(report, inputShape, perLayer) }, budget, 'Use a smaller batch or input, or raise the budget.');
}

export function checkExportBudget(report: ModelReport, budget: number): void {
  requireWithinBudget(`Exporting ${report.graph.name}`, { weights: weightBytes(report) * WEIGHT_COPIES_EXPORT }, budget, 'Raise the budget (--memory-budget, or the setting convlens.memoryBudgetMB).');
}
