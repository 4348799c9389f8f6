/**
 * What a statement did, recorded as it ran (statement_graft.ts takes records over at the next
 * keystroke): for a plain statement its binding, layer, call, tensor names and the counters it
 * left; for a watched one (watched_statement.ts) what its run did besides. The state before a
 * statement is noted first (`beforeStatement`), and the record is made after it ran
 * (`afterStatement`), in the module's scope or a builder's body's (body_graft.ts).
 */
import type { SyntaxNode } from '@lezer/common';
import type { LayerCall, LayerInstance, SymTensor } from '../graph';
import type { Span } from '../source';
import type { BudgetMark } from './budget';
import type { TensorName } from './context';
import { isKnownImmutable } from './literal_arguments';
import { helperEffects, isWatchableHelper, watchHelperCall, type HelperEffects, type HelperWatch } from './watched_statement';
import { flatString } from './layer_memo';
import { plainSyntax, type PlainSyntax } from './plain_syntax';
import type { Scope } from './scope';
import type { TraceState } from './trace';
import { NONE, type Value } from './values';

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
 * that does what the last trace's did (statement_graft.ts compares the texts).
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
