/** What a Conv2D would cost as SeparableConv2D or as DepthwiseConv2D + 1x1 Conv2D (same RF). */
import type { ConvConfig } from '../../../kernels/conv';
import type { LayerCall } from '../graph';

export interface Alternative {
  kind: 'SeparableConv2D' | 'DepthwiseConv2D+Conv2D';
  params: number;
  macs: number | null;
}

export interface Savings {
  params: number;
  macs: number | null;
  alternatives: Alternative[];
}

/** Only plain (ungrouped) Conv2D with a spatial kernel and a known input channel count. */
export function convSavings(call: LayerCall): Savings | null {
  if (call.layer.kernel?.type !== 'Conv2D' || !call.result?.params) return null;
  const cfg = call.layer.config as ConvConfig | null;
  const input = call.inputs[0]?.shape;
  if (!cfg || !input || cfg.groups !== 1) return null;
  const taps = cfg.kernelSize[0] * cfg.kernelSize[1];
  if (taps === 1) return null;
  const cin = cfg.dataFormat === 'channels_last' ? input[input.length - 1] : input[1];
  if (cin === null) return null;
  const f = cfg.filters;
  const bias = cfg.useBias;
  const macs = call.result.macs;
  const positions = macs === null ? null : macs / (taps * cin * f);
  const depthwise = taps * cin;
  const pointwise = cin * f;
  const altMacs = positions === null ? null : positions * (depthwise + pointwise);
  return {
    params: call.result.params.trainable,
    macs,
    alternatives: [
      { kind: 'SeparableConv2D', params: depthwise + pointwise + (bias ? f : 0), macs: altMacs },
      { kind: 'DepthwiseConv2D+Conv2D', params: depthwise + (bias ? cin : 0) + pointwise + (bias ? f : 0), macs: altMacs },
    ],
  };
}
