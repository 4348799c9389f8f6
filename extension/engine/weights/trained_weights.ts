/**
 * Trained weights from a Keras file, paired with the traced model's layers exactly as Keras pairs
 * them: Keras 3 files by tracking path, legacy HDF5 files by the order of `model.layers`. Every
 * variable is checked (count and shape) before any data is read; a file that does not fit the model
 * is refused whole, never loaded in part.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { WeightSpec } from '../../../kernels/types';
import type { LayerInstance, ModelGraph } from '../graph';
import type { WeightSource } from '../lowering/lower_model';
import { Hdf5Reader, WeightFileError, type DatasetInfo } from './h5_file';
import { isZip, mb, readKerasArchive } from './keras_archive';
import { keras3Layout, legacyEntries } from './keras_layout';

export { WeightFileError } from './h5_file';

export type WeightFormat = 'keras3' | 'legacy';

const shapeText = (shape: readonly number[]) => `(${shape.join(', ')})`;
const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);
const describe = (layer: LayerInstance) => `layer "${layer.name}" (${layer.type})`;

/** The variables each layer has in this model (Keras creates them on the layer's first call). */
export function weightSpecs(model: ModelGraph): (layer: LayerInstance) => WeightSpec[] {
  const memo = new Map<LayerInstance, WeightSpec[]>();
  return (layer) => {
    let specs = memo.get(layer);
    if (!specs) {
      const call = model.calls.find((c) => c.layer === layer);
      if (!call || !layer.kernel?.weights) specs = [];
      // A layer whose shapes are unknown cannot be run either; lowering says so, naming it.
      else if (!call.result || layer.config === null || call.inputs.some((t) => !t.shape)) specs = [];
      else specs = layer.kernel.weights(layer.config, call.inputs.map((t) => t.shape!));
      memo.set(layer, specs);
    }
    return specs;
  };
}

interface Planned {
  layer: LayerInstance;
  index: number;
  info: DatasetInfo;
}

export class TrainedWeights implements WeightSource {
  private constructor(readonly format: WeightFormat, private readonly byLayer: Map<LayerInstance, Float32Array[]>) {}

  /** Reads `file` for `model`; throws WeightFileError with one clear line when it does not fit. */
  static async load(file: string, model: ModelGraph, maxBytes = 2048 * 2 ** 20): Promise<TrainedWeights> {
    const label = path.basename(file);
    if (!isZip(file)) return TrainedWeights.fromHdf5(file, label, model, maxBytes);
    const archive = readKerasArchive(file, maxBytes);
    if (!archive.weights) throw new WeightFileError(`${label} holds no model.weights.h5`);
    const dir = mkdtempSync(path.join(tmpdir(), 'convlens-keras-'));
    try {
      const inner = path.join(dir, 'model.weights.h5');
      writeFileSync(inner, archive.weights);
      return await TrainedWeights.fromHdf5(inner, `${label} (model.weights.h5)`, model, maxBytes);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  private static async fromHdf5(file: string, label: string, model: ModelGraph, maxBytes: number): Promise<TrainedWeights> {
    const h5 = await Hdf5Reader.open(file, label);
    try {
      const legacyRoot = h5.isGroup('model_weights') ? 'model_weights' : h5.stringsAttr('', 'layer_names') ? '' : null;
      const specsOf = weightSpecs(model);
      const plan = legacyRoot === null ? planKeras3(h5, model, specsOf) : planLegacy(h5, legacyRoot, model, specsOf);
      const bytes = plan.reduce((sum, p) => sum + p.info.size * 4, 0);
      if (bytes > maxBytes) throw new WeightFileError(`${label}: the weights of "${model.name}" need ${mb(bytes)}, more than the memory budget of ${mb(maxBytes)}`);
      const byLayer = new Map<LayerInstance, Float32Array[]>();
      for (const p of plan) {
        const arrays = byLayer.get(p.layer) ?? [];
        arrays[p.index] = h5.readFloat32(p.info);
        byLayer.set(p.layer, arrays);
      }
      return new TrainedWeights(legacyRoot === null ? 'keras3' : 'legacy', byLayer);
    } finally {
      h5.close();
    }
  }

  /** Whether the file gave `layer` its weights. */
  has(layer: LayerInstance): boolean {
    return this.byLayer.has(layer);
  }

  weights(layer: LayerInstance, specs: WeightSpec[]): Float32Array[] {
    if (specs.length === 0) return [];
    const arrays = this.byLayer.get(layer);
    if (!arrays || arrays.length !== specs.length) throw new Error(`the weights file holds no weights for ${describe(layer)}`);
    return arrays;
  }
}

/** Keras 3: `<path>/vars/0..n-1` for each layer, by the model's tracking paths. */
function planKeras3(h5: Hdf5Reader, model: ModelGraph, specsOf: (l: LayerInstance) => WeightSpec[]): Planned[] {
  if (!model.tracking) throw new WeightFileError(`the structure of "${model.name}" is unknown, so a Keras 3 weights file cannot be matched to it`);
  const layout = keras3Layout(model.tracking);
  const plan: Planned[] = [];
  const claimed = new Set<string>();
  for (const [layer, at] of layout.layerPaths) {
    // Recurrent layers keep their variables in their cell (`<layer>/cell/vars`).
    const holder = layer.kernel?.variablesPath ? (at ? `${at}/${layer.kernel.variablesPath}` : layer.kernel.variablesPath) : at;
    const vars = `${holder ? `${holder}/` : ''}vars`;
    claimed.add(vars);
    const specs = specsOf(layer);
    if (!specs.length) continue;
    const stored = h5.keys(vars).filter((k) => /^\d+$/.test(k));
    if (!h5.isGroup(vars)) throw new WeightFileError(`${h5.label} has no /${vars} for ${describe(layer)}: it was not saved from this model`);
    if (stored.length !== specs.length) {
      throw new WeightFileError(`${describe(layer)} has ${specs.length} variables (${specs.map((s) => s.name).join(', ')}); ${h5.label} has ${stored.length} at /${vars}`);
    }
    specs.forEach((spec, index) => {
      const info = h5.dataset(`${vars}/${index}`);
      if (!info) throw new WeightFileError(`${h5.label} has no array /${vars}/${index} for ${describe(layer)} ${spec.name}`);
      if (!sameShape(info.shape, spec.shape)) {
        throw new WeightFileError(`${describe(layer)} ${spec.name} has shape ${shapeText(spec.shape)}; ${h5.label} has ${shapeText(info.shape)} at /${info.path}`);
      }
      plan.push({ layer, index, info });
    });
  }
  // Operations on a custom layer's own variables read them from that layer's `vars`.
  for (const call of model.calls) {
    const { layer } = call;
    if (!layer.variable || plan.some((p) => p.layer === layer)) continue;
    const owner = layer.variable.owner && layout.nodePaths.get(layer.variable.owner);
    const spec = specsOf(layer)[0];
    if (owner === undefined || owner === null || !spec) continue;
    const at = `${owner ? `${owner}/` : ''}vars/${layer.variable.index}`;
    const info = h5.dataset(at);
    if (!info) throw new WeightFileError(`${h5.label} has no array /${at} for the variable used by ${describe(layer)}`);
    if (!sameShape(info.shape, spec.shape)) throw new WeightFileError(`the variable used by ${describe(layer)} has shape ${shapeText(spec.shape)}; ${h5.label} has ${shapeText(info.shape)} at /${at}`);
    plan.push({ layer, index: 0, info });
  }
  const stray = unclaimedVariables(h5, claimed, layout.opaquePaths);
  if (stray) throw new WeightFileError(`${h5.label} holds variables at /${stray} that no layer of "${model.name}" has: it was saved from a different model`);
  return plan;
}

/** The first `vars` group holding arrays that no layer claims (the optimizer's state aside). */
function unclaimedVariables(h5: Hdf5Reader, claimed: Set<string>, opaque: string[]): string | null {
  const inOpaque = (p: string) => opaque.some((o) => p === `${o}/vars` || p.startsWith(`${o}/`));
  const walk = (p: string): string | null => {
    for (const key of h5.keys(p)) {
      const child = p ? `${p}/${key}` : key;
      if (!p && key === 'optimizer') continue;
      if (!h5.isGroup(child)) continue;
      if (key === 'vars') {
        if (h5.keys(child).length && !claimed.has(child) && !inOpaque(child)) return child;
      } else {
        const found = walk(child);
        if (found) return found;
      }
    }
    return null;
  };
  return walk('');
}

/** Legacy HDF5: the groups of `layer_names` that hold weights, paired in order with the model's. */
function planLegacy(h5: Hdf5Reader, root: string, model: ModelGraph, specsOf: (l: LayerInstance) => WeightSpec[]): Planned[] {
  if (!model.tracking) throw new WeightFileError(`the structure of "${model.name}" is unknown, so a legacy weights file cannot be matched to it`);
  const at = (name: string) => (root ? `${root}/${name}` : name);
  const names = h5.stringsAttr(root, 'layer_names') ?? [];
  const stored = names
    .map((name) => ({ name, weightNames: h5.stringsAttr(at(name), 'weight_names') ?? [] }))
    .filter((s) => s.weightNames.length > 0);
  const unknown = model.calls.find((c) => c.layer.kernel?.weights && !c.result);
  if (unknown) throw new WeightFileError(`${describe(unknown.layer)} has an unknown output shape (see the diagnostics), so "${model.name}" cannot be paired with a legacy weights file`);
  const entries = legacyEntries(model.tracking, specsOf);
  if (stored.length !== entries.length) {
    throw new WeightFileError(`"${model.name}" has ${entries.length} layers with weights; ${h5.label} has ${stored.length} (layers are paired by order in legacy HDF5 files)`);
  }
  const plan: Planned[] = [];
  entries.forEach((entry, k) => {
    const file = stored[k];
    const label = entry.node.layer ? describe(entry.node.layer) : `entry #${k} (${entry.node.className})`;
    if (!entry.node.layer && entry.node.ownVariables && entry.node.ownVariableLayers.filter(Boolean).length !== entry.node.ownVariables) {
      throw new WeightFileError(`${label} is a custom layer with variables of its own (add_weight) that ConvLens cannot place; its weights cannot be paired`);
    }
    if (file.weightNames.length !== entry.variables.length) {
      throw new WeightFileError(`${label} has ${entry.variables.length} variables; ${h5.label} has ${file.weightNames.length} in group /${at(file.name)} (entry #${k})`);
    }
    entry.variables.forEach(({ layer, index }, i) => {
      const spec = specsOf(layer)[index];
      const info = h5.dataset(`${at(file.name)}/${file.weightNames[i]}`);
      if (!info) throw new WeightFileError(`${h5.label} has no array /${at(file.name)}/${file.weightNames[i]}`);
      if (!sameShape(info.shape, spec.shape)) {
        throw new WeightFileError(`${describe(layer)} ${spec.name} has shape ${shapeText(spec.shape)}; ${h5.label} has ${shapeText(info.shape)} at /${info.path}`);
      }
      plan.push({ layer, index, info });
    });
  });
  return plan;
}
