/**
 * Statements the incremental trace's cut-off (statement_graft.ts) watches as they run, to take
 * them over whole: helper calls, loops and ifs, at module level and in a builder's body
 * (body_graft.ts). A helper call is `name = helper(arguments)`, the helper a function of the
 * user's defined at module level, the arguments literals and names, as in
 *
 *     x = conv_bn_relu(x, 64, strides=2)
 *
 * A file built with such helpers runs every call after an edit again, each running the helper's
 * body; most of them do what they did at the last keystroke. The statement's run is watched (what
 * it read from the module scope, the automatic names it asked for, the tensor names it met, the
 * functions it called), and it counts as plain when all it did was what a plain layer statement
 * does, made larger: it made layers and called only those, on tensors it read by name, bound its
 * tensor output to `name` and reported nothing; it read from the module only values no statement
 * can change in place (modules, functions defined there, constants) and tensors; it wrote no
 * module name (`global`), made no model and left every other table of the trace as it was. Run
 * again, it would then do the same while every name it read holds what it held at the last trace
 * (tensors: of the same shape), up to which tensor objects it read: so the cut-off takes its
 * layers, calls, names and counters over as it does a plain statement's, and writes the tensor
 * names met in the helper's body (shared by every call) as the call left them.
 *
 * A `for` or `while` loop or an `if` (at module level, or in a builder's body) is watched the
 * same way: plain when its run did
 * only that, its layers, calls and names in the statement or in bodies, binding tensors and
 * constants (a loop's variables), every name it bound a binding of its record.
 *
 * A body's spans move with the edit only when the edit lies before its definition (a `def` edited
 * runs again with other text, and the calls reading it run again): they move as one extent, span
 * by span when the edit lies within it; those in the statement move with it. In a builder's body
 * the names read and bound there are watched too (the watch is set on its scope as well).
 */
import type { Span } from '../source';
import type { LayerCall, LayerInstance, SymTensor } from '../graph';
import type { StatementWatch, TensorName, TraceContext } from './context';
import { isKnownImmutable } from './literal_arguments';
import type { ModuleAccess, Scope } from './scope';
import { otherState, sameOtherState } from './trace_cache';
import type { TraceState } from './trace';
import { noteCalled } from './uncalled_builders';
import { markCarried } from '../reuse';
import { movedSpan } from './plain_syntax';
import type { FuncValue, Value } from './values';

/** A tensor name the helper's body met, as the statement left it. */
export interface BodySpot {
  from: number;
  to: number;
  name: string;
  tensor: SymTensor;
  times: number;
  /** How many times it had been met before the statement (0: first met there). */
  before: number;
}

/** What a helper call statement did beyond what a plain statement records. */
export interface HelperEffects {
  /** The layers it made, in order, with their calls and trainability as it left them. */
  layers: LayerInstance[];
  callCounts: number[];
  trainable: boolean[];
  /** The prefixes of the automatic names asked for, in order. */
  asked: string[];
  /** The tensor names met in the body, as the statement left them. */
  spots: BodySpot[];
  /** Every name met, in the order first met: a body's, or null for the statement's next own name (the record's `names`). */
  met: (BodySpot | null)[];
  /** Functions it called (the trace lists those called: uncalled_builders.ts). */
  called: FuncValue[];
  /** The budget's last site is in the statement (and moves with it), not in a body. */
  siteInStatement: boolean;
  /** From the first to the last span it made in bodies (layers, calls, names): moved as one when the edit is not within it. */
  extent: Span;
  /**
   * The calls' inputs made before the statement, and the body's names holding such a tensor: only
   * those may hold a tensor a statement run again made anew (the others hold tensors made here).
   */
  outerInputs: { call: LayerCall; index: number }[];
  outerSpots: BodySpot[];
}

/** The watch set on a helper call statement (or a module-level loop or `if`) while it runs. */
export interface HelperWatch {
  /** Null for a loop or an `if` at module level, watched as a statement that binds what its run bound. */
  callee: FuncValue | null;
  access: ModuleAccess;
  watch: StatementWatch;
  asked: string[];
  other: Map<string, unknown>;
  resets: number;
  /** Where the statement binds names: the module's scope, or a function body's (body_graft.ts). */
  scope: Scope;
}

/**
 * Tables a helper call changes in ways its record replays (the layer list, tensor ids, frames
 * numbered, the tensor names met, the functions called); any other that changes makes it not plain.
 */
const REPLAYED = new Set(['layers', 'nextTensorId', 'nextFrameId', 'tensorNamesByOffset', 'recentNames', 'sideTables', 'watch']);

/** A function the cut-off can watch a call of: defined at module level, by `def`, with defaults no call can change. */
export function isWatchableHelper(v: Value | undefined, module: Scope): v is FuncValue {
  return v?.t === 'func' && !v.isLambda && !v.ownerClass && v.closure === module && v.params.every((p) => p.default === undefined || isKnownImmutable(p.default));
}

/**
 * Starts watching a helper call statement run in `scope` (the module's, or a function body's: the
 * names it reads and binds there are noted too).
 */
export function watchHelperCall(state: TraceState, callee: FuncValue | null, scope: Scope = state.module): HelperWatch {
  const { ctx, module } = state;
  stopWatching(state);
  const access: ModuleAccess = { reads: new Map(), wroteGlobal: false, written: new Set() };
  const watch: StatementWatch = { spots: new Map(), called: new Set(), scope, abandoned: false };
  const asked: string[] = [];
  module.access = access;
  scope.access = access;
  ctx.watch = watch;
  ctx.names.asked = asked;
  return { callee, access, watch, asked, other: otherState(ctx, REPLAYED), resets: ctx.names.resets, scope };
}

/** Stops any watch (after the statement, after a trace cut short, or given up: body_graft.ts). */
export function stopWatching(state: TraceState): void {
  const { ctx } = state;
  if (ctx.watch) ctx.watch.scope.access = null;
  state.module.access = null;
  ctx.watch = null;
  ctx.names.asked = null;
}

const within = (s: Span, span: Span) => s.from >= span.from && s.to <= span.to;

/** A value read from the module scope that no call can change in place, nor mean otherwise at the next trace. */
function readable(v: Value, module: Scope): boolean {
  return v.t === 'module' || v.t === 'builtin' || v.t === 'tensor' || isKnownImmutable(v) || isWatchableHelper(v, module);
}

/**
 * After the watched statement ran: what it did, when it was a plain helper call (see above), and
 * the names it read and the statement's own tensor names met; null otherwise.
 */
export function helperEffects(
  state: TraceState,
  w: HelperWatch,
  statement: Span,
  targets: string[],
  before: { layers: number; tensorIds: number; tensorNames: number },
): { effects: HelperEffects; reads: string[]; names: TensorName[]; values: Value[] } | null {
  const { ctx, module } = state;
  stopWatching(state);
  // A loop's or an if's layers and names lie in the statement too, and it may bind constants (a loop's variables).
  const compound = w.callee === null;
  if (w.watch.abandoned || w.access.wroteGlobal || ctx.names.resets !== w.resets || !sameOtherState(otherState(ctx, REPLAYED), w.other)) return null;
  // Each name bound to a tensor (`a, b = helper(...)`: the items it returned), none twice.
  const values: Value[] = [];
  for (const target of targets) {
    const value = w.scope.vars.get(target);
    if (value?.t !== 'tensor' && !(compound && value !== undefined && isKnownImmutable(value))) return null;
    values.push(value);
  }
  if (new Set(targets).size !== targets.length) return null;
  for (const v of w.access.reads.values()) if (!readable(v, module)) return null;
  // The layers it made, called only here, and no other: every tensor id handed out is one of their calls' outputs.
  const layers = ctx.layers.slice(before.layers);
  const outputs = new Set<number>();
  for (const layer of layers) {
    if (!layer.kernel || layer.kernel.tracedShape || (!compound && within(layer.span, statement))) return null;
    for (const call of layer.calls) if (!madeHere(call, compound ? null : statement, before.tensorIds, ctx) || outputs.has(call.output.id)) return null;
    for (const call of layer.calls) outputs.add(call.output.id);
  }
  if (outputs.size !== ctx.tensorIdsUsed - before.tensorIds) return null;
  const names: TensorName[] = [];
  const spots: BodySpot[] = [];
  const met: (BodySpot | null)[] = [];
  let created = 0;
  for (const [spot, times] of w.watch.spots) {
    if (times === 0) created++;
    if (!compound && within(spot, statement)) {
      // The statement's own names (the arguments, the target) are met once, as a plain statement's.
      if (times !== 0 || spot.times !== 1) return null;
      // In a function body, as the statement left it: a later call meets the name again, and writes it.
      names.push(w.scope === module ? spot : { ...spot });
      met.push(null);
    } else {
      const body = { from: spot.from, to: spot.to, name: spot.name, tensor: spot.tensor, times: spot.times, before: times };
      spots.push(body);
      met.push(body);
    }
  }
  if (ctx.tensorNameCount !== before.tensorNames + created) return null;

  const effects: HelperEffects = {
    layers,
    callCounts: layers.map((l) => l.calls.length),
    trainable: layers.map((l) => l.trainable),
    asked: w.asked,
    spots,
    met,
    called: [...w.watch.called],
    siteInStatement: within(ctx.budget.site, statement),
    extent: extentOf(layers, spots),
    outerInputs: layers.flatMap((l) => l.calls.flatMap((call) => call.inputs.flatMap((t, index) => (t.id < before.tensorIds ? [{ call, index }] : [])))),
    outerSpots: spots.filter((spot) => spot.tensor.id < before.tensorIds),
  };
  return { effects, reads: [...w.access.reads.keys()], names, values };
}

/** From the first to the last of the spans made in bodies. */
function extentOf(layers: readonly LayerInstance[], spots: readonly BodySpot[]): Span {
  const extent = { from: Infinity, to: -Infinity };
  const widen = (span: Span) => {
    if (span.from < extent.from) extent.from = span.from;
    if (span.to > extent.to) extent.to = span.to;
  };
  for (const layer of layers) {
    widen(layer.span);
    for (const call of layer.calls) widen(call.span);
  }
  spots.forEach(widen);
  return extent;
}

/** Whether the statement made the call (outside `statement` when given: a helper call's are in bodies). */
function madeHere(call: LayerCall, statement: Span | null, firstTensor: number, ctx: TraceContext): boolean {
  return call.output.id >= firstTensor && call.output.id < ctx.tensorIdsUsed && call.inputs.length > 0 && !(statement && within(call.span, statement)) && !Object.isFrozen(call);
}

/** Whether two runs of a statement asked for the same automatic names. */
export function sameAsked(a: HelperEffects | null, b: HelperEffects | null): boolean {
  if (a === null || b === null) return a === b;
  return a.asked.length === b.asked.length && a.asked.every((p, i) => p === b.asked[i]);
}

/**
 * Whether the body's tensor names are met here as often as where the last trace ran the call
 * (`ahead`: as statements about to be taken over before it leave them); if so, notes how it leaves them.
 */
export function spotsAgree(ctx: TraceContext, effects: HelperEffects, ahead: Map<number, number>): boolean {
  for (const spot of effects.spots) if ((ahead.get(spot.from) ?? ctx.tensorNameAt(spot.from)?.times ?? 0) !== spot.before) return false;
  for (const spot of effects.spots) ahead.set(spot.from, spot.times);
  return true;
}

/** Where a span of the last trace is in this one; null when the edit touched it. */
export type MoveSpan = (span: Span) => Span | null;

/** Whether every span the call made in a body is where the edit did not touch (so its helper's definition is unchanged). */
export function helperMovable(effects: HelperEffects, move: MoveSpan): boolean {
  // Most often the edit is outside all of them (a span lies within the extent).
  if (move(effects.extent)) return true;
  for (const layer of effects.layers) {
    if (!move(layer.span)) return false;
    for (const call of layer.calls) if (!move(call.span)) return false;
  }
  return effects.spots.every((spot) => move(spot) !== null);
}

/**
 * How the spans a call made in bodies move: all by one offset (0: not at all) when the edit is
 * outside their extent, else each as `move` says.
 */
function bodyMove(effects: HelperEffects, move: MoveSpan): number | MoveSpan {
  const was = effects.extent;
  const moved = move(was);
  if (!moved) return move;
  effects.extent = moved;
  return moved.from - was.from;
}

function moveSpan(span: Span, by: number | MoveSpan): Span {
  return typeof by === 'number' ? movedSpan(span, by) : by(span)!;
}

/**
 * Takes a helper call's layers and tensor names over: `names` are the statement's own, moved by
 * `shift`, the body's moved by `move` (their definitions may have moved with the edit); the caller
 * binds the targets and takes the counters as for any plain statement. `swap`: the tensors made
 * anew since the checkpoint; `functions`: the helpers defined anew; `inBody`: the statement is in
 * a function body (body_graft.ts), whose own names later calls meet again. Returns whether a call
 * was rewired to a tensor made anew.
 */
export function takeHelper(ctx: TraceContext, effects: HelperEffects, names: readonly TensorName[], shift: number, move: MoveSpan, swap: ReadonlyMap<SymTensor, SymTensor>, functions: ReadonlyMap<FuncValue, FuncValue>, carried: boolean, inBody: boolean): boolean {
  const by = bodyMove(effects, move);
  let rewired = false;
  for (let k = 0; k < effects.layers.length; k++) {
    const layer = effects.layers[k];
    // Undo what the last trace's later statements did to them: those run again.
    if (layer.calls.length !== effects.callCounts[k]) layer.calls.length = effects.callCounts[k];
    layer.trainable = effects.trainable[k];
    if (by !== 0) layer.span = moveSpan(layer.span, by);
    for (const call of layer.calls) {
      if (by !== 0) call.span = moveSpan(call.span, by);
      if (!carried) markCarried(call);
    }
    ctx.layers.push(layer);
  }
  for (const { call, index } of effects.outerInputs) {
    const input = swap.get(call.inputs[index]);
    if (input) {
      call.inputs[index] = input;
      rewired = true;
    }
  }
  for (const spot of effects.outerSpots) spot.tensor = swap.get(spot.tensor) ?? spot.tensor;
  for (const prefix of effects.asked) ctx.names.skip(prefix);
  // In the order met: the names met first here join the trace's list in that order.
  let own = 0;
  for (const spot of effects.met) {
    if (spot === null) {
      const name = names[own++];
      name.from += shift;
      name.to += shift;
      name.tensor = swap.get(name.tensor) ?? name.tensor;
      ctx.adoptTensorName(inBody ? { ...name } : name, inBody);
    } else {
      if (by !== 0) {
        const moved = moveSpan(spot, by);
        spot.from = moved.from;
        spot.to = moved.to;
      }
      ctx.retakeTensorName(spot, spot.name, spot.tensor, spot.times);
    }
  }
  // Moved span by span (the edit between two helpers' bodies): the extent is theirs again.
  if (typeof by !== 'number') effects.extent = extentOf(effects.layers, effects.spots);
  for (let k = 0; k < effects.called.length; k++) {
    const now = functions.get(effects.called[k]);
    if (now) effects.called[k] = now;
    noteCalled(ctx, effects.called[k]);
  }
  return rewired;
}
