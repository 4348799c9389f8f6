/**
 * What the Keras tracking (keras_tracking.ts) keeps between traces of one document, so a settled
 * backbone is not tracked, listed or grouped again at each keystroke in its head. Everything kept
 * was made from settled calls (frozen before the incremental trace's checkpoint: context.ts
 * settleGraph), whose layers, inputs and owners never change; what can still change (a layer's or
 * model's trainable flag, a model's graph) is checked when it is taken.
 */
import type { GraphEntry, LayerCall, LayerInstance, ModelGraph, TrackedNode } from '../graph';
import type { ModelObject } from './models';
import type { InstanceValue } from './values';

/** What Keras tracks: a built-in layer, a model, or a custom layer's instance. */
export type Tracked = LayerInstance | ModelObject | InstanceValue;

/**
 * A Functional or Sequential model's node and entries, kept while its graph is the same and it
 * holds only layers whose class and trainable flag are as they were.
 */
export interface KeptModel {
  graph: ModelGraph;
  node: TrackedNode;
  entries: GraphEntry[] | null;
  /** Its order when read off its calls (each call a layer's only one), and those layers as a set (made when first asked). */
  order: readonly Tracked[] | null;
  layers: Set<Tracked> | null;
}
export const modelsKept = new WeakMap<ModelObject, KeptModel>();

/**
 * A nested model's or custom layer's own entries, kept while the calls made inside it are the same
 * settled ones and its graph is the same (a backbone applied as `base(inputs)`). Only entries that
 * are all layers are kept: a container's entry reads its object's name and trainable flag, which
 * later statements may set; a layer entry holds its layer, whose fields are read when used.
 */
export const innerEntriesKept = new WeakMap<object, { graph: unknown; calls: LayerCall[]; entries: GraphEntry[] }>();

/** The graph a container stands for (a model's), or null (a custom layer's). */
export const graphOf = (key: object): unknown => ('kind' in key ? (key as ModelObject).graph : null);

/** Whether `calls` starts with all of `prefix` (a non-empty run of the same call objects). */
export function startsWith(calls: readonly LayerCall[], prefix: readonly LayerCall[]): boolean {
  if (prefix.length > calls.length || prefix.length === 0) return false;
  for (let i = 0; i < prefix.length; i++) if (calls[i] !== prefix[i]) return false;
  return true;
}

export const sameCalls = (a: readonly LayerCall[], b: readonly LayerCall[]): boolean => a.length === b.length && startsWith(a, b);

/** How many times a model's node, a container's entries, or a model extending a kept one were taken (tests: the reuse happened). */
export const keptModelNodes = { count: 0 };
export const keptInnerEntries = { count: 0 };
export const extendedModels = { count: 0 };
