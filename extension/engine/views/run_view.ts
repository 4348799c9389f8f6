/** The sidebar's view of a run: plain JSON, numbers pre-formatted (the webview does no math). */
import type { RunJobResult } from '../../runtime/run_job';
import type { RunView } from '../../../webview/messages';

export type { RunView } from '../../../webview/messages';

/** Bytes as base64: a quarter of the size of a JSON number array, and cheap to post. */
function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function num(x: number): string {
  return Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(2) : x.toFixed(3);
}

/**
 * Weights drawn from the initializers make every prediction noise (a flat top-5 of 0.0010 each):
 * the whole model (no trained weights), or a head left untrained on top of a trained backbone.
 */
function untrainedStatement(r: RunJobResult): string | null {
  if (r.weightsTrained === 'all') return null;
  return r.weightsTrained === 'none'
    ? 'The weights are random (drawn from the initializers), so the predictions mean nothing until trained weights are given: pick a weights file (.weights.h5, .keras) when running.'
    : 'Only the backbone is trained; the rest has random weights, so the predictions mean nothing until trained weights for the whole model are given.';
}

export function runView(r: RunJobResult): RunView {
  const max = Math.max(1e-9, ...r.layers.map((l) => l.latencyMs ?? 0));
  const rf = r.receptiveField;
  const erfMax = rf?.erf ? Math.max(1e-30, ...rf.erf.values) : 1;
  return {
    model: r.model,
    weights: r.weights,
    input: `(${r.inputShape.join(', ')})`,
    output: `(${r.outputShape.join(', ')})`,
    stats: `min ${num(r.stats.min)} · max ${num(r.stats.max)} · mean ${num(r.stats.mean)} · std ${num(r.stats.std)}`,
    latency: `${r.latencyMs.toFixed(2)} ms${r.sessionMs !== null ? ` (session ${r.sessionMs.toFixed(0)} ms)` : ''}`,
    top5: r.top5 && !untrainedStatement(r) ? r.top5.map((t) => `#${t.index}: ${t.value.toFixed(4)}`) : null,
    untrained: untrainedStatement(r),
    receptiveField: rf
      ? `${rf.layer} unit (${rf.unit.join(', ')}): analytical rows ${rf.analytical[0].start}..${rf.analytical[0].end}, cols ${rf.analytical[1].start}..${rf.analytical[1].end}; measured rows ${rf.measured[0].start}..${rf.measured[0].end}, cols ${rf.measured[1].start}..${rf.measured[1].end} (${rf.agrees ? 'agrees' : 'differs'})`
      : null,
    erf: rf?.erf
      ? {
        rows: rf.erf.rows, cols: rf.erf.cols, step: rf.erf.step, origin: rf.erf.origin, values: Array.from(rf.erf.values, (v) => v / erfMax),
        input: r.inputImage ? [r.inputImage.height, r.inputImage.width] : rf.inputSize,
        analytical: { top: rf.analytical[0].start, bottom: rf.analytical[0].end, left: rf.analytical[1].start, right: rf.analytical[1].end },
        max: num(erfMax),
      }
      : null,
    image: r.inputImage ? { width: r.inputImage.width, height: r.inputImage.height, rgba: base64(r.inputImage.rgba) } : null,
    layers: r.layers.map((l) => ({
      name: l.name,
      type: l.type,
      latency: l.fusedInto ? `fused into ${l.fusedInto}` : `${(l.latencyMs ?? 0).toFixed(3)} ms`,
      fraction: (l.latencyMs ?? 0) / max,
      zeros: l.stats ? `${(l.stats.zeros * 100).toFixed(0)}% zeros` : null,
      fusedInto: l.fusedInto ?? null,
    })),
    thumbnails: Object.fromEntries(r.thumbnails.map((t) => [t.layer, { ...t.thumbnails, data: base64(t.thumbnails.data) }])),
  };
}
