/**
 * A file that only defines a model-building function (`def unet(input_size=(256, 256, 1)): ...
 * return model`), never calling it, still describes a model: its defaults. Each module-level
 * function never called whose parameters all have defaults is run once with them; when it returns
 * a model without any error, that model is kept (and an info says so); otherwise all it made is undone.
 */
import { beforeWrite } from './checkpoint';
import type { SyntaxNode } from '@lezer/common';
import type { TraceContext } from './context';
import type { Interpreter } from './interpreter';
import { callFunction } from './calls';
import type { Scope } from './scope';
import { runUnit } from './units';
import type { FuncValue, Value } from './values';

/** Functions called at least once during the trace (set by callFunction). */
const CALLED = {};
const calledIn = (ctx: TraceContext) => ctx.sideTable(CALLED, () => new Set<FuncValue>());

export function noteCalled(ctx: TraceContext, fn: FuncValue): void {
  calledIn(ctx).add(fn);
  ctx.watch?.called.add(fn);
}

function nameNode(fn: FuncValue): SyntaxNode | null {
  let def: SyntaxNode | null = fn.body.parent;
  while (def && def.name !== 'FunctionDefinition') def = def.parent;
  return def?.getChild('VariableName') ?? null;
}

function returnsModel(v: Value): boolean {
  return v.t === 'model' || (v.t === 'instance' && !!v.model);
}

export function analyseUncalledBuilders(it: Interpreter, module: Scope): void {
  const { ctx } = it;
  if (ctx.inForeignCode) return;
  const seen = calledIn(ctx);
  for (const [name, fn] of [...module.vars]) {
    if (fn.t !== 'func' || fn.isLambda || fn.ownerClass || fn.closure !== module || seen.has(fn)) continue;
    if (!fn.params.every((p) => p.kind === 'star' || p.kind === 'dstar' || p.default !== undefined)) continue;
    const site = nameNode(fn);
    if (!site || ctx.source(site) !== name) continue;
    const before = { layers: ctx.layers.length, models: ctx.models.length, diagnostics: ctx.diagnostics.items.length, names: ctx.names.snapshot() };
    let result: Value | undefined;
    runUnit(ctx, ctx.span(site), () => {
      result = callFunction(it, fn, [], new Map(), site);
    });
    // The call does not happen in the file: an error it would raise is not reported (nor its model kept).
    const raised = ctx.diagnostics.items.slice(before.diagnostics).some((d) => d.severity === 'error');
    if (result && returnsModel(result) && ctx.models.length > before.models && !raised) {
      ctx.diagnostics.info('uncalled-builder', `\`${name}()\` is never called in this file: ConvLens shows the model it builds with its default arguments.`, ctx.span(site));
      continue;
    }
    beforeWrite(ctx.layers, 'length');
    ctx.layers.length = before.layers;
    ctx.models.length = before.models;
    ctx.diagnostics.items.length = before.diagnostics;
    ctx.names.restore(before.names);
  }
}
