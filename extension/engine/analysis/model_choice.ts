/** Which model of a file a command means: the one named, else the first that is not part of another. */
import type { TrackedChild, TrackedNode } from '../graph';
import { findModel, type Analysis, type ModelReport } from './analyze';

function containedNodes(root: TrackedNode, into: Set<TrackedNode>): void {
  const visit = (value: TrackedChild['value']) => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (!into.has(value)) {
      into.add(value);
      value.children.forEach((c) => visit(c.value));
    }
  };
  root.children.forEach((c) => visit(c.value));
}

/** Models that are not used as a layer inside another model of the file, in file order. */
export function outermostModels(analysis: Analysis): ModelReport[] {
  const inner = new Set<TrackedNode>();
  for (const m of analysis.models) if (m.graph.tracking) containedNodes(m.graph.tracking, inner);
  return analysis.models.filter((m) => !m.graph.tracking || !inner.has(m.graph.tracking));
}

/** The model named `wanted` (its key, Keras name or variable), or the default one; null when none fits. */
export function chooseModel(analysis: Analysis, wanted?: string): ModelReport | null {
  if (wanted) return findModel(analysis, wanted) ?? null;
  return outermostModels(analysis)[0] ?? analysis.models[0] ?? null;
}
