/**
 * The incremental trace's early cut-off. After an edit, the statements from the edited one on run
 * again; in a long file of layer statements the state soon is what the last trace had at the same
 * point again (a Conv2D's new filter count changes its output, and the next Conv2D's output has
 * the same shape as before). From there the last trace's statements would do again exactly what
 * they did, so their layers, calls and tensors are taken over instead of being made anew.
 *
 * Only *plain statements* are taken over or compared: at module level, `name = Callee(arguments)(arg)`,
 * or a merge, `name = Callee(arguments)([a, b, ...])` or `name = callee([a, b, ...], arguments)`
 * (`layers.concatenate`, whose layer is the whole call), where Callee is a chain of names from a
 * module value (a Keras layer class: no user code runs), the arguments are literals and variable
 * names, and the statement made exactly one layer of a kind ConvLens knows, called it once on the
 * tensors the names held, bound its output to `name` and reported nothing; or an alias, `name =
 * other`, of a tensor. Targets may be chained (`x = inputs = ...`). Such a statement reads only the
 * budget, the automatic names, the tensor ids and names, the class, the shapes of the tensors it
 * reads and the variables its arguments name; another plain statement changes none of those
 * variables (it binds a tensor, and a tensor read as an argument is a tensor name more, which no
 * plain statement has). Imports (`import keras`, `from keras import layers as L`) are plain too:
 * they bind module values and do nothing else, and one run again must bind the same modules as
 * the last trace's; so are docstrings, which bind and do nothing, and constants (`num_classes =
 * 10`), which one run again must give the same value (later statements may read it as an argument).
 * A layer made and called on nothing (`inputs = keras.Input(shape=...)`) is plain; with a size
 * unknown it is run again and compared, never taken over: a directive comment above it
 * (`# convlens: input_shape=...`) may fill its shape, and a comment typed above it may be one.
 * A call of a helper the user defined, `x = block(x, 64)` or `x, skip = down(x, 64)`, is plain
 * when it did what a plain layer statement does, made larger (watched_statement.ts); a `def` is
 * plain when its defaults are literals, run again always (its function holds the syntax it was
 * read from) and the same when its text is the same. A module-level loop or `if` is watched and
 * plain as a helper call is.
 * An edit above the first statement resumes from the checkpoint made before it. So once, after the statements
 * run again since the checkpoint (all plain, on both sides), the counters are the last trace's, the
 * last trace's plain statements after it would do the same here while every name they read holds
 * a tensor of the shape it held there, up to which tensor objects they read (the re-made ones are
 * substituted) and where they are (spans move with the edit). The first statement reading a name
 * bound anew to a tensor of another shape runs again, and so does the first other statement
 * (`keras.Model(...)`), and the statements after them until the state is the last trace's again.
 */
import type { SyntaxNode } from '@lezer/common';
import type { Shape } from '../../../kernels/types';
import type { LayerCall, LayerInstance, SymTensor } from '../graph';
import type { Span } from '../source';
import type { BudgetMark } from './budget';
import { markCarried } from '../reuse';
import { beforeWrite } from './checkpoint';
import { forgetGraphsOf } from './recent_graphs';
import type { TensorName } from './context';
import { isKnownImmutable } from './literal_arguments';
import { helperEffects, helperMovable, isWatchableHelper, sameAsked, spotsAgree, takeHelper, watchHelperCall, type HelperEffects, type HelperWatch, type MoveSpan } from './watched_statement';
import { flatString } from './layer_memo';
import { movedSpan, plainSyntax, type PlainSyntax } from './plain_syntax';
import type { Scope } from './scope';
import type { TraceState } from './trace';
import { NONE, type FuncValue, type Value } from './values';

/** What a plain layer statement did, enough to do it again on another trace's state. */
export interface PlainStatement {
  /** Null for a docstring, which binds nothing. */
  target: string | null;
  /** The value it bound to `target`: its call's output, the tensor it aliased, or a module (None for a docstring). */
  value: Value;
  /** The other names it bound: `x = inputs = keras.Input(...)`, `from keras import layers, models`. */
  more: { name: string; value: Value }[];
  /**
   * Made a layer called on nothing (`keras.Input(...)`) with an unknown size, which a directive
   * comment above it would fill (`# convlens: input_shape=...`): run again and compared, never taken
   * over (a comment typed above it may be one). One with every size known takes no directive.
   */
  source: boolean;
  /** Null for an alias (`name = other`), which makes no layer. */
  layer: LayerInstance | null;
  call: LayerCall | null;
  /** As the statement left it: later statements may freeze the layer or call it again. */
  trainable: boolean;
  /** The prefix of the automatic name it asked for, or null when named in the call. */
  autoPrefix: string | null;
  /** The names it read tensors from (the tensor called on, those of the list, or the one aliased). */
  reads: string[];
  /** The tensor names it met, in order (the arguments', the target's). */
  names: TensorName[];
  /** What it left: the budget's counters and site, tensor ids and names handed out, layers. */
  budget: BudgetMark;
  /** The budget's site as the statement left it, `siteShift` from where it is now (moved when read: only the last statement taken is). */
  site: Span;
  siteShift: number;
  tensorIds: number;
  tensorNames: number;
  layers: number;
  refusedAllocation: boolean;
  /** Its call was marked as taken over (reuse.ts), once: a record is taken again at each keystroke. */
  carried: boolean;
  /** Helper-call frames numbered so far (a helper call numbers its own). */
  frameIds: number;
  /** For a helper call statement (watched_statement.ts), what it did besides; null otherwise. */
  helper: HelperEffects | null;
  /** For a `def`, its text (run again with the same text, it binds a function that does the same); null otherwise. */
  definition: string | null;
}

/** Per module-level statement: what it did when plain, null otherwise. */
export type StatementRecord = PlainStatement | null;

/** What a statement's record is checked against: the state before it ran. */
export interface BeforeStatement {
  syntax: PlainSyntax;
  /** The tensors its names held. */
  args: SymTensor[];
  layers: number;
  tensorIds: number;
  tensorNames: number;
  diagnostics: number;
  models: number;
  callOwners: number;
  autos: number;
  /** The statement's span. */
  statement: Span;
  /** The watch on a helper call statement, or null. */
  helper: HelperWatch | null;
}


/**
 * Before a statement runs in `scope` (the module's, or a function body's: body_graft.ts): what its
 * record is checked against, or null when it cannot be plain. With `watching` false (inside a
 * statement already watched) helper calls, loops and ifs are not plain: one watch at a time.
 */
export function beforeStatement(state: TraceState, node: SyntaxNode, scope: Scope = state.module, watching = true): BeforeStatement | null {
  const { ctx, module } = state;
  const syntax = plainSyntax(node, ctx.text);
  if (!syntax) return null;
  const root = syntax.root === null ? undefined : peek(scope, syntax.root);
  // `name = helper(arguments)`: a helper call, watched as it runs (a helper is a plain name, never called on a list of tensors).
  const helper = root !== undefined && syntax.target !== null && (syntax.more.length === 0 || syntax.unpack) && syntax.args.length === 0 && isWatchableHelper(root, module) ? root : null;
  if ((root !== undefined && root.t !== 'module' && !helper) || (syntax.unpack && !helper)) return null;
  if (!watching && (helper || syntax.compound)) return null;
  const args: SymTensor[] = [];
  for (const at of syntax.args) {
    const arg = peek(scope, ctx.source(at));
    if (arg?.t !== 'tensor') return null;
    args.push(arg.tensor);
  }
  return {
    syntax,
    args,
    layers: ctx.layers.length,
    tensorIds: ctx.tensorIdsUsed,
    tensorNames: ctx.tensorNameCount,
    diagnostics: ctx.diagnostics.items.length,
    models: ctx.models.length,
    callOwners: ctx.callOwners.size,
    autos: ctx.names.autos,
    statement: { from: node.from, to: node.to },
    helper: helper || syntax.compound ? watchHelperCall(state, helper, scope) : null,
  };
}

/** What `name` holds seen from `scope` (its own names, then the module's), read without noting the read. */
function peek(scope: Scope, name: string): Value | undefined {
  for (let s: Scope | null = scope; s; s = s.parent) {
    const v = s.vars.get(name);
    if (v !== undefined) return v;
  }
  return undefined;
}

/** After it ran in `scope`: its record when it did what a plain layer statement does, and nothing else. */
export function afterStatement(state: TraceState, before: BeforeStatement, scope: Scope = state.module): StatementRecord {
  const { ctx } = state;
  const { syntax, args } = before;
  if (before.helper) return afterHelperCall(state, before, before.helper);
  if (syntax.definition) return afterDefinition(state, before, scope);
  const made = syntax.construct ? 1 : 0;
  if (ctx.layers.length !== before.layers + made || ctx.tensorIdsUsed !== before.tensorIds + made) return null;
  if (ctx.diagnostics.items.length !== before.diagnostics || ctx.models.length !== before.models || ctx.callOwners.size !== before.callOwners) return null;
  if (syntax.target === null) return ctx.names.autos === before.autos && ctx.tensorNameCount === before.tensorNames ? recordOf(state, null, NONE, [], null, null, [], null) : null;
  const target = ctx.source(syntax.target);
  const value = scope.vars.get(target);
  /** A constant: neither an import, nor a layer, nor an alias (which reads a name). */
  const constant = !syntax.imports && !syntax.construct && syntax.args.length === 0;
  if (!value || (syntax.imports ? value.t !== 'module' : constant ? !isKnownImmutable(value) : value.t !== 'tensor')) return null;
  const more: { name: string; value: Value }[] = [];
  for (const at of syntax.more) {
    const name = ctx.source(at);
    const bound = scope.vars.get(name);
    // An import binds module values; chained targets hold the statement's one tensor.
    if (!bound || (syntax.imports ? bound.t !== 'module' : bound !== value)) return null;
    more.push({ name, value: bound });
  }
  let layer: LayerInstance | null = null;
  let call: LayerCall | null = null;
  if (syntax.imports || constant) {
    // Bound its names and did nothing else (the counters above).
  } else if (syntax.construct) {
    layer = ctx.layers[before.layers];
    if (!layer.kernel || layer.kernel.tracedShape || layer.span.from !== syntax.construct.from || layer.span.to !== syntax.construct.to) return null;
    if (layer.calls.length !== 1) return null;
    call = layer.calls[0];
    if (call.inputs.length !== args.length || call.inputs.some((t, k) => t !== args[k]) || value.t !== 'tensor' || value.tensor !== call.output) return null;
  } else if (value.t !== 'tensor' || value.tensor !== args[0]) return null;
  const autos = ctx.names.autos - before.autos;
  if (autos > made) return null;
  const names: TensorName[] = [];
  for (const at of [...syntax.args, syntax.target, ...syntax.more]) {
    const name = ctx.recentTensorName(at.from);
    // In a function body, as the statement left it: a later call meets the name again, and writes it.
    if (name) names.push(scope === state.module ? name : { ...name });
  }
  if (ctx.tensorNameCount !== before.tensorNames + names.length || names.some((n) => n.times !== 1)) return null;
  return recordOf(state, target, value, more, layer, call, syntax.args.map((at) => ctx.source(at)), autos === 1 ? ctx.names.lastPrefix : null, names);
}

/**
 * After a helper call statement ran: its record when it did what a plain helper call does
 * (watched_statement.ts). A module-level loop or `if` binds every name its run bound (none the target).
 */
function afterHelperCall(state: TraceState, before: BeforeStatement, watch: HelperWatch): StatementRecord {
  const { ctx } = state;
  const { syntax } = before;
  if (syntax.compound) {
    const bound = [...watch.access.written];
    const run = helperEffects(state, watch, before.statement, bound, before);
    if (!run || ctx.diagnostics.items.length !== before.diagnostics || ctx.models.length !== before.models || ctx.callOwners.size !== before.callOwners) return null;
    const record = recordOf(state, null, NONE, bound.map((name, k) => ({ name, value: run.values[k] })), null, null, run.reads, null);
    record.helper = run.effects;
    return record;
  }
  const targets = [syntax.target!, ...syntax.more].map((at) => ctx.source(at));
  const done = helperEffects(state, watch, { from: syntax.target!.from, to: syntax.construct!.to }, targets, before);
  if (!done || ctx.diagnostics.items.length !== before.diagnostics || ctx.models.length !== before.models || ctx.callOwners.size !== before.callOwners) return null;
  const more = targets.slice(1).map((name, k) => ({ name, value: done.values[k + 1] }));
  const record = recordOf(state, targets[0], done.values[0], more, null, null, done.reads, null, done.names);
  record.helper = done.effects;
  return record;
}

/**
 * After a `def` ran: its record when it bound a helper the cut-off can watch calls of, and did
 * nothing else (its defaults are literals). Run again with the same text, it binds a function
 * that does what the last trace's did (statement_graft's `sameDefinition`).
 */
function afterDefinition(state: TraceState, before: BeforeStatement, scope: Scope): StatementRecord {
  const { ctx, module } = state;
  const target = ctx.source(before.syntax.target!);
  const value = scope.vars.get(target);
  if (!isWatchableHelper(value, module) || value.body.from < before.syntax.target!.to) return null;
  if (ctx.layers.length !== before.layers || ctx.tensorIdsUsed !== before.tensorIds || ctx.tensorNameCount !== before.tensorNames) return null;
  if (ctx.diagnostics.items.length !== before.diagnostics || ctx.models.length !== before.models || ctx.callOwners.size !== before.callOwners || ctx.names.autos !== before.autos) return null;
  const record = recordOf(state, target, value, [], null, null, [], null);
  record.definition = flatString(ctx.source(before.statement));
  return record;
}

/**
 * A function body's entry, as a statement's record (body_graft.ts): the parameters bound in
 * `scope`, compared and re-pointed as a statement's bindings are, and the counters.
 */
export function bodyEntry(state: TraceState, scope: Scope): PlainStatement {
  const params: PlainStatement['more'] = [];
  for (const [name, value] of scope.vars) params.push({ name, value });
  return recordOf(state, null, NONE, params, null, null, [], null);
}

function recordOf(state: TraceState, target: string | null, value: Value, more: PlainStatement['more'], layer: LayerInstance | null, call: LayerCall | null, reads: string[], autoPrefix: string | null, names: TensorName[] = []): PlainStatement {
  const { ctx } = state;
  return {
    target,
    value,
    more,
    source: call !== null && call.inputs.length === 0 && (call.output.shape === null || call.output.shape.some((d, axis) => axis > 0 && d === null)),
    layer,
    call,
    reads,
    trainable: layer?.trainable ?? true,
    autoPrefix,
    names,
    budget: ctx.budget.counters(),
    site: ctx.budget.site,
    siteShift: 0,
    tensorIds: ctx.tensorIdsUsed,
    tensorNames: ctx.tensorNameCount,
    layers: ctx.layers.length,
    refusedAllocation: ctx.refusedAllocation,
    carried: false,
    frameIds: ctx.nextFrameId,
    helper: null,
    definition: null,
  };
}

/**
 * One trace's cut-off: follows the statements it runs again after the checkpoint, and takes the
 * last trace's over once the state is that trace's again. `shiftOf(i)` is how far statement i
 * moved since the last trace, or null when its text changed.
 */
export class Graft {
  /**
   * Names the statements run again bound: the value the last trace had bound there, and this
   * trace's; `same`: a function defined by the same text (it does what the last one did).
   */
  private readonly rebound = new Map<string, { prior: Value; now: Value; same: boolean }>();
  /** The helpers defined anew by the same text: the last trace's, and this trace's. */
  private readonly functions = new Map<FuncValue, FuncValue>();
  /**
   * Every tensor of the last trace a statement run again made anew, and the new one. Kept for the
   * whole trace: a statement taken over later may read one through an alias after its name was
   * bound again.
   */
  private readonly swap = new Map<SymTensor, SymTensor>();
  /** Set once a statement ran that is not plain on both sides: the states may differ in any way from there on. */
  private diverged = false;
  /** Statements taken over, and how many of them were helper calls. */
  taken = 0;
  helpers = 0;

  /** `scope`: where the statements bind names (the module's, or a function body's: body_graft.ts). */
  constructor(
    private readonly state: TraceState,
    private prior: readonly StatementRecord[],
    private readonly shiftOf: (i: number) => number | null,
    private readonly move: MoveSpan,
    private readonly scope: Scope = state.module,
  ) {}

  /** Whether every statement run again since the checkpoint was plain on both sides (the state differs from the last trace's only as the records say). */
  get open(): boolean {
    return !this.diverged;
  }

  /**
   * A cut-off for a function body run now, from the start of the statement calling it (open, so
   * what names hold differs from the last trace only as `rebound` and `swap` say): the body's
   * statements bind in `scope`, `prior` is what the body's statements did in the last trace.
   */
  forBody(prior: readonly StatementRecord[], shiftOf: (i: number) => number | null, scope: Scope): Graft {
    const body = new Graft(this.state, prior, shiftOf, this.move, scope);
    for (const [name, bound] of this.rebound) body.rebound.set(name, bound);
    for (const [was, now] of this.swap) body.swap.set(was, now);
    for (const [was, now] of this.functions) body.functions.set(was, now);
    return body;
  }

  /**
   * After statement `i` ran (with record `now`): takes over the last trace's statements after it
   * while they are plain and unchanged, below `end`, writing their records; returns the last one
   * taken (`i` when none).
   */
  afterStatement(i: number, now: StatementRecord, end: number, records: StatementRecord[]): number {
    if (this.diverged) return i;
    const was = this.prior[i];
    if (!now || !was || now.target !== was.target || now.autoPrefix !== was.autoPrefix || !sameAsked(now.helper, was.helper) || !sameBindings(now, was)) {
      this.diverged = true;
      // Nothing of the last trace is taken from here on: let it go.
      this.prior = [];
      this.rebound.clear();
      this.swap.clear();
      this.functions.clear();
      return i;
    }
    // A definition of other text binds a function that may do otherwise: statements reading it run again.
    if (now.target !== null) this.bind(now.target, was.value, now.value, now.definition !== null && now.definition === was.definition);
    for (let k = 0; k < now.more.length; k++) this.bind(now.more[k].name, was.more[k].value, now.more[k].value);
    if (!sameCounters(now, was)) return i;
    let last = i;
    // Names bound by the statements about to be taken: what they read from those is the last trace's.
    const boundAhead = new Set<string>();
    // How often the helpers' tensor names are met once those statements are taken.
    const spotsAhead = new Map<number, number>();
    for (let next = this.prior[last + 1]; last + 1 < end && next && this.shiftOf(last + 1) !== null && this.takeable(next, boundAhead, spotsAhead); next = this.prior[last + 1]) {
      if (next.target !== null) boundAhead.add(next.target);
      for (const m of next.more) boundAhead.add(m.name);
      last++;
    }
    if (last > i) this.take(i + 1, last, records);
    return last;
  }

  /**
   * Whether the last trace's statement would do the same here: every name it reads holds a tensor
   * of the shape it held there (a name the statements run again bound anew, to a tensor of another
   * shape, stops the take-over before the first statement reading it). A settled record is not taken.
   */
  /** A name a statement run again bound: what it held in the last trace and holds now. */
  private bind(name: string, prior: Value, now: Value, same = false): void {
    this.rebound.set(name, { prior, now, same });
    if (same && prior.t === 'func' && now.t === 'func') this.functions.set(prior, now);
    if (prior.t === 'tensor' && now.t === 'tensor' && prior.tensor !== now.tensor) this.swap.set(prior.tensor, now.tensor);
  }

  private takeable(record: PlainStatement, boundAhead: ReadonlySet<string>, spotsAhead: Map<number, number>): boolean {
    // A definition runs again (its function holds the syntax of the text it was read from).
    if (record.source || record.definition !== null || settled(record)) return false;
    for (const name of record.reads) {
      const rebound = boundAhead.has(name) ? undefined : this.rebound.get(name);
      if (rebound && !rebound.same && !sameRead(rebound.prior, rebound.now)) return false;
    }
    return record.helper === null || (helperMovable(record.helper, this.move) && spotsAgree(this.state.ctx, record.helper, spotsAhead));
  }

  private take(from: number, to: number, records: StatementRecord[]): void {
    const { ctx } = this.state;
    const { swap, scope } = this;
    // A body's names are met again by later calls (so found by offset), and written: those adopted are copies.
    const inBody = scope !== this.state.module;
    let rewired = false;
    beforeWrite(ctx.layers, 'length');
    for (let i = from; i <= to; i++) {
      const record = this.prior[i]!;
      const shift = this.shiftOf(i)!;
      const { layer, call } = record;
      if (record.helper) {
        if (takeHelper(ctx, record.helper, record.names, shift, this.move, swap, this.functions, record.carried, inBody)) rewired = true;
        this.helpers++;
        record.carried = true;
        // It may return a tensor it was given.
        const given = record.value.t === 'tensor' ? swap.get(record.value.tensor) : undefined;
        if (given) record.value = { t: 'tensor', tensor: given };
        for (const m of record.more) {
          const item = m.value.t === 'tensor' ? swap.get(m.value.tensor) : undefined;
          if (item) m.value = { t: 'tensor', tensor: item };
        }
      } else if (layer && call) {
        // Undo what the last trace's later statements did to them: those run again.
        if (layer.calls.length !== 1) layer.calls.length = 1;
        if (!record.carried) {
          markCarried(call);
          record.carried = true;
        }
        layer.trainable = record.trainable;
        for (let k = 0; k < call.inputs.length; k++) {
          const input = swap.get(call.inputs[k]);
          if (input) {
            call.inputs[k] = input;
            rewired = true;
          }
        }
        if (shift !== 0) {
          layer.span = movedSpan(layer.span, shift);
          call.span = movedSpan(call.span, shift);
        }
        ctx.layers.push(layer);
      } else if (record.value.t === 'tensor') {
        // An alias of a tensor made anew here holds the new one.
        const aliased = swap.get(record.value.tensor);
        if (aliased) record.value = { ...record.value, tensor: aliased };
      }
      for (const m of record.more) {
        scope.vars.set(m.name, m.value);
        this.rebound.delete(m.name);
      }
      if (!record.helper || record.helper.siteInStatement) record.siteShift += shift;
      else record.site = this.move(record.site)!;
      if (record.autoPrefix !== null) ctx.names.skip(record.autoPrefix);
      for (const name of record.helper ? [] : record.names) {
        name.from += shift;
        name.to += shift;
        name.tensor = swap.get(name.tensor) ?? name.tensor;
        ctx.adoptTensorName(inBody ? { ...name } : name, inBody);
      }
      if (record.target !== null) {
        scope.vars.set(record.target, record.value);
        this.rebound.delete(record.target);
      }
      records[i] = record;
    }
    // The graphs listed lately assume a tensor's history never changes (recent_graphs.ts): these calls' did.
    if (rewired) forgetGraphsOf(ctx.layers);
    const last = this.prior[to]!;
    ctx.budget.takeCounters(last.budget, last.siteShift === 0 ? last.site : movedSpan(last.site, last.siteShift));
    ctx.reserveTensorIds(last.tensorIds - ctx.tensorIdsUsed);
    ctx.nextFrameId = last.frameIds;
    this.taken += to - from + 1;
  }
}

/**
 * Whether the two records bind the same names to values of the same kind: the same modules, the
 * same constants, or tensors (whose shapes the take-over then compares). A name bound to another
 * module or constant in one would change what later statements' callees or arguments are.
 */
function sameBindings(now: PlainStatement, was: PlainStatement): boolean {
  // A definition, of the same text or not (then the statements reading its name run again).
  if (now.definition !== null || was.definition !== null) return now.definition !== null && was.definition !== null;
  if (now.more.length !== was.more.length || !sameKind(now.value, was.value)) return false;
  for (let k = 0; k < now.more.length; k++) if (now.more[k].name !== was.more[k].name || !sameKind(now.more[k].value, was.more[k].value)) return false;
  return true;
}

function sameKind(a: Value, b: Value): boolean {
  if (a.t === 'module') return b.t === 'module' && a.path === b.path;
  if (a.t === 'tensor') return b.t === 'tensor';
  // A constant later statements may read as an argument: the same value.
  return sameConstant(a, b);
}

function sameConstant(a: Value, b: Value): boolean {
  switch (a.t) {
    case 'int': case 'float': case 'str': case 'bool':
      return b.t === a.t && Object.is(b.v, a.v);
    case 'none':
      return b.t === 'none';
    case 'tuple':
      return b.t === 'tuple' && a.items.length === b.items.length && a.items.every((x, i) => sameConstant(x, b.items[i]));
    default:
      return false;
  }
}

/** A settled call (frozen before a later checkpoint) is never written. */
function settled(record: PlainStatement): boolean {
  // A statement's calls are settled together (a checkpoint comes between statements): its first tells.
  if (record.helper) return record.helper.layers.length > 0 && Object.isFrozen(record.helper.layers[0].calls[0]);
  return record.call !== null && Object.isFrozen(record.call);
}

/**
 * Whether a name a statement reads, bound anew by a statement run again, reads as it did in the
 * last trace: a tensor of the same shape, or the same module or constant.
 */
function sameRead(prior: Value, now: Value): boolean {
  if (prior.t === 'tensor' || now.t === 'tensor') return prior.t === 'tensor' && now.t === 'tensor' && sameShape(prior.tensor.shape, now.tensor.shape);
  return sameKind(prior, now);
}

function sameCounters(a: PlainStatement, b: PlainStatement): boolean {
  const x = a.budget;
  const y = b.budget;
  return a.tensorIds === b.tensorIds && a.tensorNames === b.tensorNames && a.layers === b.layers && a.refusedAllocation === b.refusedAllocation && a.frameIds === b.frameIds
    && x.steps === y.steps && x.spare === y.spare && x.work === y.work && x.elements === y.elements && x.refusals === y.refusals && x.depth === y.depth && x.deepest === y.deepest;
}

function sameShape(a: Shape | null, b: Shape | null): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
