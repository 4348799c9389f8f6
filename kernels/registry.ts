/** Every layer kind ConvLens knows. Adding a kind: write its module, add it here. */
import { Activation, ELU, LeakyReLU, ReLU, Softmax } from './activations';
import { Conv1D, Conv2D } from './conv';
import { Conv2DTranspose } from './conv2d_transpose';
import { CustomScaleLayer } from './custom_scale';
import { Dense } from './dense';
import { DepthwiseConv2D } from './depthwise_conv2d';
import { Dropout, SpatialDropout2D } from './dropout';
import { GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D } from './global_pooling';
import { InputLayer } from './input';
import { Lambda } from './lambda';
import { LayerScale } from './layer_scale';
import { Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract } from './merge';
import { BatchNormalization, LayerNormalization } from './normalization';
import { Cropping2D, ZeroPadding2D } from './padding2d';
import { AveragePooling1D, AveragePooling2D, MaxPooling1D, MaxPooling2D } from './pooling';
import { Normalization } from './preprocessing_normalization';
import { Embedding } from './embedding';
import { GRU, LSTM, SimpleRNN } from './recurrent';
import { Resizing } from './resizing';
import { Rescaling } from './rescaling';
import { Flatten, Permute, Reshape } from './reshaping';
import { SeparableConv2D } from './separable_conv2d';
import { LayerKernel } from './types';
import { UpSampling2D } from './upsampling2d';

export const ALL_KERNELS: LayerKernel<any>[] = [
  InputLayer,
  Conv1D, Conv2D, Conv2DTranspose, DepthwiseConv2D, SeparableConv2D,
  UpSampling2D,
  MaxPooling1D, MaxPooling2D, AveragePooling1D, AveragePooling2D,
  GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D,
  BatchNormalization, LayerNormalization, Rescaling, Normalization,
  Activation, ReLU, LeakyReLU, ELU, Softmax,
  Dropout, SpatialDropout2D,
  Dense, Flatten, Reshape, Permute, ZeroPadding2D, Cropping2D,
  Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate,
  Lambda,
  SimpleRNN, LSTM, GRU, Embedding, Resizing,
  // Layer classes of keras.applications architectures.
  CustomScaleLayer, LayerScale,
];

const byName = new Map<string, LayerKernel<any>>();
for (const k of ALL_KERNELS) {
  byName.set(k.type, k);
  for (const alias of k.aliases ?? []) byName.set(alias, k);
}

export function kernelFor(className: string): LayerKernel<any> | undefined {
  return byName.get(className);
}

/** Functional helpers such as layers.add([...]) -> the layer class they build. */
export const FUNCTIONAL_MERGES: Record<string, string> = {
  add: 'Add', subtract: 'Subtract', multiply: 'Multiply', average: 'Average',
  maximum: 'Maximum', minimum: 'Minimum', concatenate: 'Concatenate',
};
