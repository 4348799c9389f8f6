/** State shared by one trace: source, diagnostics, bounds, names, and the graph being built. */
import { beforeWrite, logWrites, markReplacedNeverChanged, type WriteLog } from './checkpoint';
import type { SyntaxNode } from '@lezer/common';
import type { Shape } from '../../../kernels/types';
import { DiagnosticSink } from '../diagnostics';
import type { LayerCall, LayerInstance, SymTensor } from '../graph';
import type { Span } from '../source';
import { Budget, type Meter, NEW_VALUE_WORK, TraceLimits } from './budget';
import type { ModelObject } from './models';
import { NameRegistry } from './naming';
import type { Scope } from './scope';
import type { FuncValue, InstanceValue, Value } from './values';

export interface TraceOptions {
  limits: TraceLimits;
  /**
   * Input shape (without batch) from the CLI, the editor setting or a comment: for models that
   * declare none, and to fill the unknown (None) axes of a declared keras.Input of the same rank.
   */
  defaultInputShape?: (number | null)[];
}

/** `# convlens: input_shape=(224, 224, 3)` comments. */
export interface InputDirective {
  offset: number;
  shape: (number | null)[];
  used: boolean;
}

export interface TensorName extends Span {
  name: string;
  /** The tensor the name held the last time this spot ran (loops run it several times). */
  tensor: SymTensor;
  times: number;
}

/**
 * While a helper call statement is watched (watched_statement.ts): the tensor names it met, each
 * with how many times it had been met before (0: met first here), and the functions it called.
 */
export interface StatementWatch {
  spots: Map<TensorName, number>;
  called: Set<FuncValue>;
  /** The scope the watched statement runs in (the module's, or a function body's), noting what is read and bound there too. */
  scope: Scope;
  /** Given up before the statement ended (a body it called was cut off: body_graft.ts): the statement is not plain. */
  abandoned: boolean;
}

/** At most this many distinct spots are remembered (hovers only need the visible ones). */
const MAX_TENSOR_NAMES = 50_000;
const NO_TENSOR_NAMES: ReadonlyMap<number, TensorName> = markReplacedNeverChanged(new Map());
const NO_TENSOR_NAME_LIST: readonly TensorName[] = Object.freeze([]);

/**
 * Whether a layer was settled before a checkpoint (`settleGraph` froze its scope): the only layers
 * a later trace meets again, since the statements after a checkpoint make theirs anew.
 */
export function isSettledLayer(layer: LayerInstance): boolean {
  return Object.isFrozen(layer.scope);
}

export class TraceContext implements Meter {
  readonly diagnostics = new DiagnosticSink();
  readonly budget: Budget;
  readonly names = new NameRegistry();
  readonly layers: LayerInstance[] = [];
  readonly models: ModelObject[] = [];
  readonly directives: InputDirective[] = [];
  /** Helper-function calls in progress, outermost first, as "name#call" (layers made inside are grouped by them). */
  readonly frames: string[] = [];
  /**
   * Models and custom layers being applied right now, outermost first. Keras lists such an object
   * as one entry of the model that calls it, so every layer call remembers who it was made inside.
   */
  readonly owners: object[] = [];
  readonly callOwners = new Map<LayerCall, readonly object[]>();
  /** The last list `ownersNow` gave: the calls made inside one application of a nested model share it. */
  private ownersShared: readonly object[] = Object.freeze([]);

  /** `owners` as a frozen list, the same list while they are the same objects. */
  ownersNow(): readonly object[] {
    return this.sharedOwners(this.owners);
  }

  /** A call's owners as a frozen list: the last one given when it holds the same objects (a replayed trace's calls too). */
  sharedOwners(owners: readonly object[]): readonly object[] {
    const shared = this.ownersShared;
    if (shared.length !== owners.length || owners.some((o, i) => o !== shared[i])) this.ownersShared = Object.freeze([...owners]);
    return this.ownersShared;
  }
  /** Numbers each helper-function call, so two calls of one helper form two groups. */
  nextFrameId = 0;
  /** Set while a helper call statement runs watched; null otherwise (so at every checkpoint). */
  watch: StatementWatch | null = null;
  /** Keras' global image data format, as the source set it (keras.config.set_image_data_format); null: set to an unknown value. */
  imageDataFormat: 'channels_last' | 'channels_first' | null = 'channels_last';
  /** Names in the source that held a Keras tensor (assignments and uses), for hovers, in the order first met. */
  tensorNameList(): TensorName[] {
    const before = this.tensorNamesBeforeList;
    return before.length === 0 ? this.recentNames.slice() : [...before, ...this.recentNames];
  }
  /**
   * The names met before an incremental trace's checkpoint, settled there (settleTensorNames): no
   * later trace adds to them, so the map is replaced, never changed, and a checkpoint neither saves
   * nor restores it (markReplacedNeverChanged); a resumed trace adds its names to a small map of
   * its own. The names' own objects, whose `tensor` and `times` later statements still change,
   * are logged: their writes are undone by the checkpoint.
   */
  private tensorNamesBefore: ReadonlyMap<number, TensorName> = NO_TENSOR_NAMES;
  private tensorNamesBeforeList: readonly TensorName[] = NO_TENSOR_NAME_LIST;
  /** The names met since (all of them in a trace that was never checkpointed), by offset, as statements run meet them. */
  private tensorNamesByOffset = new Map<number, TensorName>();
  /**
   * Those and the names a statement taken over brought (adoptTensorName), in the order met. A name
   * taken over at module level is never looked up by offset in the trace that took it (its
   * statement does not run there), so it goes in this list only: a keystroke takes a thousand over.
   */
  private recentNames: TensorName[] = [];

  /**
   * The tensor names met since the checkpoint move into a new map with the same entries (an
   * incremental trace calls this after restoring a checkpoint). Refilled in place, the long-lived
   * map is rehashed into old-generation tables, and V8 treats the young entries a replaced table
   * still holds as live until the next full collection: each trace's tensors (and the graph they
   * reach) were promoted.
   */
  renewTensorNames(): void {
    this.tensorNamesByOffset = new Map(this.tensorNamesByOffset);
    this.recentNames = this.recentNames.slice();
  }

  /**
   * Before a checkpoint is saved: the names met so far join the settled ones (see
   * tensorNamesBefore), whose writes (a later use of the name) go to the checkpoint's log.
   */
  settleTensorNames(log: WriteLog): void {
    if (this.recentNames.length > 0) {
      const settled = new Map(this.tensorNamesBefore);
      for (const name of this.recentNames) settled.set(name.from, name);
      this.tensorNamesBefore = markReplacedNeverChanged(settled);
      this.tensorNamesBeforeList = Object.freeze([...settled.values()]);
      this.tensorNamesByOffset = new Map();
      this.recentNames = [];
    }
    for (const name of this.tensorNamesBeforeList) logWrites(name, log);
  }
  /**
   * Before a checkpoint is saved: the layer calls made so far are frozen, with their output
   * tensors and input lists, and so are the layers' helper scopes. Each call is complete once its
   * statement has run (callLayer, fillInputAxes, makeRunnable and shapedOperation finish it in that
   * statement) and is never written again, so a checkpoint neither saves nor compares them; under
   * a ResNet152 backbone they were most of what a keystroke restored. A write to one after this
   * throws (strict mode), which the differential tests would show. The layers themselves and
   * their lists of calls still change (trainable, a call on an earlier layer), and the lists of
   * layers and map of the calls' owners grow: their writes go to the checkpoint's log, which it
   * undoes instead of saving them (checkpoint.ts WriteLog).
   */
  settleGraph(log: WriteLog): void {
    // The list of layers only grows (or is cut back to an earlier length).
    logWrites(this.layers, log);
    // Which nested objects each call ran in: set once per call, its list never changed.
    logWrites(this.callOwners, log);
    for (const owners of this.callOwners.values()) Object.freeze(owners);
    for (const layer of this.layers) {
      Object.freeze(layer.scope);
      logWrites(layer, log);
      logWrites(layer.calls, log);
      for (const call of layer.calls) {
        if (Object.isFrozen(call)) continue;
        Object.freeze(call.inputs);
        Object.freeze(call.output);
        Object.freeze(call);
      }
    }
  }
  private nextTensorId = 0;
  private allocationRefused = false;
  /**
   * Set while code ConvLens ships runs (a keras.applications architecture): `text` is that code,
   * and every span it makes means the user's call that ran it.
   */
  private foreignSite: Span | null = null;

  /** State other trace modules keep for one trace, by their own key (checkpoints save it with the rest). */
  private readonly sideTables = new Map<object, unknown>();

  /** The side table under `key`, made on first use. */
  sideTable<T>(key: object, make: () => T): T {
    let table = this.sideTables.get(key) as T | undefined;
    if (table === undefined) this.sideTables.set(key, (table = make()));
    return table;
  }

  constructor(public text: string, readonly options: TraceOptions) {
    this.budget = new Budget(options.limits);
  }

  span(node: SyntaxNode | Span): Span {
    return this.foreignSite ?? { from: node.from, to: node.to };
  }

  /** True while code ConvLens ships runs instead of the user's. */
  get inForeignCode(): boolean {
    return this.foreignSite !== null;
  }

  /** Runs `body` over nodes of `text` (not the user's file), as if it all happened at `site`. */
  runForeign<T>(text: string, site: Span, body: () => T): T {
    const saved = { text: this.text, site: this.foreignSite };
    this.text = text;
    this.foreignSite = saved.site ?? { from: site.from, to: site.to };
    try {
      return body();
    } finally {
      this.text = saved.text;
      this.foreignSite = saved.site;
    }
  }

  source(node: SyntaxNode | Span): string {
    return this.text.slice(node.from, node.to);
  }

  work(n: number): void {
    this.budget.work(n);
  }

  /** Room for `n` new elements; past the budget, false and (once per trace) an info diagnostic. */
  allocate(n: number, workEach = 1): boolean {
    if (this.budget.allocate(n, workEach)) return true;
    if (!this.allocationRefused) {
      this.allocationRefused = true;
      const max = this.options.limits.maxElements.toLocaleString('en-US');
      this.diagnostics.info('allocation-budget', `This would create more list items or string characters than ConvLens allows (${max} in all, and each statement at most half of what is left), so its value is unknown (an in-place extend stays incomplete). Later values past the budget are unknown too.`, this.span(this.budget.site));
    }
    return false;
  }

  allocateValues(n: number): boolean {
    return this.allocate(n, 1 + NEW_VALUE_WORK);
  }

  /** Remembers that the name at `span` held `tensor`. */
  noteTensorName(span: Span, name: string, tensor: SymTensor): void {
    if (this.foreignSite) return;
    const recent = this.tensorNamesByOffset.get(span.from);
    const seen = recent ?? this.tensorNamesBefore.get(span.from);
    if (seen) {
      if (!recent) {
        // A settled name (checkpointed as a logged object): its writes are undone, not saved.
        beforeWrite(seen, 'tensor');
        beforeWrite(seen, 'times');
      }
      if (this.watch !== null && !this.watch.spots.has(seen)) this.watch.spots.set(seen, seen.times);
      seen.tensor = tensor;
      seen.times++;
    } else if (this.tensorNamesBeforeList.length + this.recentNames.length < MAX_TENSOR_NAMES) {
      const met = { from: span.from, to: span.to, name, tensor, times: 1 };
      this.tensorNamesByOffset.set(span.from, met);
      this.recentNames.push(met);
      if (this.watch !== null) this.watch.spots.set(met, 0);
    }
  }

  /** The name met since the checkpoint at `from` (statement_graft.ts). */
  recentTensorName(from: number): TensorName | undefined {
    return this.tensorNamesByOffset.get(from);
  }

  /** How many names are remembered (their cap makes it part of what a statement does). */
  get tensorNameCount(): number {
    return this.tensorNamesBeforeList.length + this.recentNames.length;
  }

  /** Takes a name another trace met, as the same statement met it (statement_graft.ts). */
  adoptTensorName(name: TensorName, byOffset = false): void {
    this.recentNames.push(name);
    // A function body's statement taken over (body_graft.ts): a later call meets its names again.
    if (byOffset) this.tensorNamesByOffset.set(name.from, name);
  }

  /** The name met at `from` in this trace (before the checkpoint or since), if any. */
  tensorNameAt(from: number): TensorName | undefined {
    return this.tensorNamesByOffset.get(from) ?? this.tensorNamesBefore.get(from);
  }

  /**
   * Makes the name at `spot` hold `tensor`, met `times` times, as a helper call taken over left it
   * (watched_statement.ts): the existing name written (a settled one's writes logged), or a new one.
   */
  retakeTensorName(spot: Span, name: string, tensor: SymTensor, times: number): void {
    const recent = this.tensorNamesByOffset.get(spot.from);
    const seen = recent ?? this.tensorNamesBefore.get(spot.from);
    if (seen) {
      if (!recent) {
        beforeWrite(seen, 'tensor');
        beforeWrite(seen, 'times');
      }
      seen.tensor = tensor;
      seen.times = times;
    } else {
      const met = { from: spot.from, to: spot.to, name, tensor, times };
      this.tensorNamesByOffset.set(spot.from, met);
      this.recentNames.push(met);
    }
  }

  /** Whether an allocation was refused (its diagnostic is given once per trace). */
  get refusedAllocation(): boolean {
    return this.allocationRefused;
  }

  /** Operations on a custom layer's own variables: the layer instance and the variable's creation index. */
  readonly variableUses = new Map<LayerInstance, { owner: InstanceValue; created: number }>();
  /** The variables `add_weight` returned, so operations can find their owner. */
  readonly variables = new Map<Value, { owner: InstanceValue; created: number }>();

  /** The output tensors of each application of a nested model or custom layer. */
  readonly containerOutputs = new Map<object, SymTensor[]>();
  /** Where each nested model or custom layer was applied. */
  readonly containerSites = new Map<object, Span[]>();

  noteContainerOutput(owner: object, output: SymTensor, site?: Span): void {
    const list = this.containerOutputs.get(owner) ?? [];
    list.push(output);
    this.containerOutputs.set(owner, list);
    if (site) this.containerSites.set(owner, [...(this.containerSites.get(owner) ?? []), { from: site.from, to: site.to }]);
  }

  /** Runs `body` with `owner` on the stack of objects being applied. */
  within<T>(owner: object, body: () => T): T {
    this.owners.push(owner);
    try {
      return body();
    } finally {
      this.owners.pop();
    }
  }

  tensor(shape: Shape | null, producer: LayerCall | null): SymTensor {
    return { id: this.nextTensorId++, shape, producer };
  }

  /** Tensor ids handed out so far. */
  get tensorIdsUsed(): number {
    return this.nextTensorId;
  }

  /** Hands out `n` tensor ids at once (a replayed trace makes its tensors itself); the first one. */
  reserveTensorIds(n: number): number {
    const first = this.nextTensorId;
    this.nextTensorId += n;
    return first;
  }
}
