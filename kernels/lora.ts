/**
 * Keras' LoRA on Dense and Conv1D/Conv2D (lora_rank=r): build() freezes the kernel and adds two
 * trainable factors, lora_kernel_a (kernel shape without its last axis, then r) and lora_kernel_b
 * (r, units). Inference adds (lora_alpha / r) * a @ b to the kernel, which ConvLens does not lower yet.
 */
import * as a from './args';
import { formatShape } from './shape';
import { ArgValue, BoundArgs, KerasError, LoweringError, NeedsUnknown, ParamCount, ParamSpec, WeightSpec } from './types';

export const LORA_PARAMS: ParamSpec[] = [
  { name: 'lora_rank', default: null },
  { name: 'lora_alpha', default: null },
];

/** The rank, or null when LoRA is off (None or 0, as Keras' `if self.lora_rank:`). */
export function loraRank(args: BoundArgs): number | null {
  const r = a.raw(args, 'lora_rank');
  if (r === null || r === 0 || r === false) return null;
  // Other values fail somewhere inside Keras with Python errors ConvLens does not reproduce.
  if (!a.isInt(r)) throw new NeedsUnknown('lora_rank');
  return r;
}

/** What Keras' build() refuses: LoRA on a constrained kernel, a negative rank. */
export function checkLora(rank: number | null, kernelShape: number[], kernelConstraint: ArgValue): void {
  if (rank === null) return;
  if (kernelConstraint !== null) {
    throw new KerasError('keras-lora', 'Lora is incompatible with kernel constraints. In order to enable lora on this layer, remove the `kernel_constraint` argument.');
  }
  if (rank < 0) {
    throw new KerasError('keras-lora', `Cannot convert '${formatShape([...kernelShape.slice(0, -1), rank])}' to a shape. Negative dimensions are not allowed.`);
  }
}

/** Params with the kernel frozen and the two factors added. */
export function loraParams(rank: number, kernelShape: number[], units: number, bias: number): ParamCount {
  const kernel = a.product(kernelShape);
  return { trainable: bias + a.product(kernelShape.slice(0, -1)) * rank + rank * units, nonTrainable: kernel };
}

/** lora_kernel_a and lora_kernel_b, after kernel and bias (Keras' weight order). */
export function loraWeights(rank: number, kernelShape: number[], units: number): WeightSpec[] {
  return [
    { name: 'lora_kernel_a', shape: [...kernelShape.slice(0, -1), rank], initializer: 'he_uniform', trainable: true },
    { name: 'lora_kernel_b', shape: [rank, units], initializer: 'zeros', trainable: true },
  ];
}

export function refuseLoraLowering(rank: number | null): void {
  if (rank !== null) throw new LoweringError('LoRA layers (lora_rank) cannot be run yet');
}
