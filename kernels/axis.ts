/** Axis arguments (negative allowed) checked against an input rank. */
import { formatShape } from './shape';
import { KerasError, Shape } from './types';

export function canonicalAxis(axis: number, rank: number, layerName: string, shape: Shape): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) {
    throw new KerasError('keras-axis', `Invalid axis ${axis} for layer "${layerName}": the input has rank ${rank} (shape ${formatShape(shape)}).`);
  }
  return a;
}

export function definedDim(shape: Shape, axis: number, layerName: string): number {
  const d = shape[axis];
  if (d === null) {
    throw new KerasError(
      'keras-unknown-dim',
      `Axis ${axis} of the input to layer "${layerName}" should have a defined dimension, but the layer received an input with shape ${formatShape(shape)}.`,
    );
  }
  return d;
}
