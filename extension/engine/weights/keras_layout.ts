/**
 * Where Keras puts each layer's variables in its files, from the model as Keras tracks it:
 * - Keras 3 (`.weights.h5`, `.keras`): a path per object, made of attribute names, and inside a
 *   list (such as a model's `layers`) the class name in snake case plus a per-class counter;
 * - legacy HDF5: one group per entry of `model.layers` that has weights, paired by order.
 * The rules are written up in docs/keras-weight-files.md.
 */
import type { WeightSpec } from '../../../kernels/types';
import type { LayerInstance, TrackedList, TrackedNode } from '../graph';
import { toSnakeCase } from '../trace/naming';

export interface Keras3Layout {
  /** The group whose `vars` hold a built-in layer's variables, e.g. `layers/sequential/layers/conv2d_1`. */
  layerPaths: Map<LayerInstance, string>;
  /** Paths of objects with variables of their own (a custom layer's add_weight). */
  opaquePaths: string[];
  /** Where each tracked object is saved. */
  nodePaths: Map<TrackedNode, string>;
}

const join = (a: string, b: string) => (a ? `${a}/${b}` : b);

/** saving_lib's walk: each object once (the first path that reaches it wins). */
export function keras3Layout(root: TrackedNode): Keras3Layout {
  const layerPaths = new Map<LayerInstance, string>();
  const opaquePaths: string[] = [];
  const nodePaths = new Map<TrackedNode, string>();
  const visited = new Set<TrackedNode>();
  const save = (node: TrackedNode, path: string) => {
    if (visited.has(node)) return;
    visited.add(node);
    nodePaths.set(node, path);
    if (node.layer) layerPaths.set(node.layer, path);
    else if (node.ownVariables !== 0 && node !== root) opaquePaths.push(path);
    for (const child of node.children) {
      if (Array.isArray(child.value)) saveContainer(child.value, join(path, child.attr));
      else save(child.value, join(path, child.attr));
    }
  };
  // Items are named by class with a per-class counter that advances for every item, already
  // saved ones included; a nested list is a "container" item sharing that counter.
  const saveContainer = (items: TrackedList, path: string) => {
    const used = new Map<string, number>();
    for (const item of items) {
      const base = Array.isArray(item) ? 'container' : toSnakeCase(item.className);
      const n = used.has(base) ? used.get(base)! + 1 : 0;
      used.set(base, n);
      const itemPath = join(path, n === 0 ? base : `${base}_${n}`);
      if (Array.isArray(item)) saveContainer(item, itemPath);
      else save(item, itemPath);
    }
  };
  save(root, '');
  return { layerPaths, opaquePaths, nodePaths };
}

/** One variable of a layer: the layer and the index of its weight spec. */
export interface VariableRef {
  layer: LayerInstance;
  index: number;
}

export interface LegacyEntry {
  node: TrackedNode;
  /** Its variables in the order legacy files store them. */
  variables: VariableRef[];
}

/** `layer.weights`: own variables, then each sublayer's in tracking order (each once). */
function weightsOf(node: TrackedNode, specsOf: (layer: LayerInstance) => WeightSpec[], seen: Set<TrackedNode>): (VariableRef & { trainable: boolean })[] {
  if (seen.has(node)) return [];
  seen.add(node);
  if (node.layer) {
    const layer = node.layer;
    return specsOf(layer).map((spec, index) => ({ layer, index, trainable: spec.trainable && layer.trainable }));
  }
  // `layer.weights`: its own variables first (used through operations such as x * self.scale).
  const own = node.ownVariableLayers.flatMap((layer) => (layer ? [{ layer, index: 0, trainable: specsOf(layer)[0]?.trainable ?? true }] : []));
  return [...own, ...node.sublayers.flatMap((sub) => weightsOf(sub, specsOf, seen))].map((w) => (node.trainable ? w : { ...w, trainable: false }));
}

/**
 * The legacy HDF5 pairing: the entries of `model.layers` that have weights, each with
 * `trainable_weights + non_trainable_weights` (a frozen entry stores `weights` as they are).
 */
export function legacyEntries(root: TrackedNode, specsOf: (layer: LayerInstance) => WeightSpec[]): LegacyEntry[] {
  const out: LegacyEntry[] = [];
  for (const node of root.sublayers) {
    const all = weightsOf(node, specsOf, new Set());
    if (!all.length) continue;
    const ordered = node.trainable ? [...all.filter((w) => w.trainable), ...all.filter((w) => !w.trainable)] : all;
    out.push({ node, variables: ordered.map(({ layer, index }) => ({ layer, index })) });
  }
  return out;
}
