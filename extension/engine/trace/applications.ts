/**
 * keras.applications: each architecture is written as Python (kernels/applications/) that this
 * tracer runs with the user's arguments, so the backbone comes out layer by layer with Keras'
 * names, shapes and parameters, and nothing of Keras (or the user's code) is executed. While a
 * definition runs, every span it makes is the user's call, and its infos fold into one.
 */
import type { SyntaxNode, Tree } from '@lezer/common';
import { applicationFor } from '../../../kernels/applications';
import type { SymTensor } from '../graph';
import { parsePython } from '../parse';
import type { TraceContext } from './context';
import type { Interpreter } from './interpreter';
import { callFunction } from './calls';
import { Scope } from './scope';
import { callLayer, constructLayer } from './layer_calls';
import { toSnakeCase } from './naming';
import { callKey, tracedOnce } from './trace_cache';
import { TraceSignal } from './units';
import { bool, BuiltinFn, float, isNumber, list, NONE, str, unknown, Value } from './values';

/** Raised by `refuse(...)` in a definition: the error Keras raises for these arguments. */
class ApplicationRefused extends TraceSignal {}

const parsed = new Map<string, Tree>();

function treeOf(source: string): Tree {
  let tree = parsed.get(source);
  if (!tree) {
    tree = parsePython(source);
    parsed.set(source, tree);
  }
  return tree;
}

const builtin = (name: string, call: BuiltinFn): Value => ({ t: 'builtin', name, call });

/** The Input tensors a tensor depends on (Keras' get_source_inputs). */
function sourceInputs(t: SymTensor): SymTensor[] {
  const out: SymTensor[] = [];
  const seen = new Set<SymTensor>();
  const stack = [t];
  while (stack.length) {
    const x = stack.pop()!;
    if (seen.has(x)) continue;
    seen.add(x);
    if (!x.producer || x.producer.layer.kernel?.family === 'input') out.push(x);
    else stack.push(...[...x.producer.inputs].reverse());
  }
  return out;
}

/** What `activations.get(v)` would name: "softmax", "linear" for None, null when unknown. */
function activationName(v: Value | undefined): string | null {
  if (!v || v.t === 'none') return 'linear';
  if (v.t === 'str') return v.v;
  if (v.t === 'module' || v.t === 'object') return (v.t === 'module' ? v.path : v.name).split('.').pop()!;
  if (v.t === 'func' || v.t === 'builtin') return v.name;
  return null;
}

/**
 * `x + y`, `x + 3.0`, `x * c` on Keras tensors: Keras records an operation (`add`, `multiply`,
 * named from the same counters as layers, absent from `model.layers`). Between two tensors it
 * lowers as the merge layer of that name; with a number, as x * scale + offset.
 */
function operation(it: Interpreter, op: Value | undefined, x: Value | undefined, y: Value | undefined, site: SyntaxNode): Value {
  const type = op?.t === 'str' ? ({ add: 'Add', multiply: 'Multiply' } as Record<string, string>)[op.v] : undefined;
  if (!type || x?.t !== 'tensor' || !y || (y.t !== 'tensor' && !isNumber(y))) return unknown('operation');
  const span = it.ctx.span(site);
  const name = str(it.ctx.names.auto(toSnakeCase(type)));
  let layer;
  if (y.t === 'tensor') layer = constructLayer(it, type, [], new Map([['name', name]]), span);
  else {
    const add = type === 'Add';
    layer = constructLayer(it, 'Rescaling', [], new Map<string, Value>([['scale', float(add ? 1 : y.v)], ['offset', float(add ? y.v : 0)], ['name', name]]), span);
    layer.type = type;
  }
  layer.isOperation = true;
  const inputs = y.t === 'tensor' ? [x.tensor, y.tensor] : [x.tensor];
  return { t: 'tensor', tensor: callLayer(it.ctx, layer, inputs, span).output };
}

/** Functions the definitions call that Python alone cannot write here. */
function definitionBuiltins(it: Interpreter): [string, Value][] {
  return [
    ['operation', builtin('operation', ([op, x, y], _kwargs, site) => operation(it, op, x, y, site))],
    ['refuse', builtin('refuse', ([cond, message]) => {
      if (cond?.t === 'bool' && cond.v) throw new ApplicationRefused(message?.t === 'str' ? message.v : 'Keras refuses these arguments.');
      return NONE;
    })],
    ['pretrained_file', builtin('pretrained_file', ([model, file]) => {
      if (model?.t === 'model' && model.model.graph && file?.t === 'str') model.model.graph.pretrained = file.v;
      return NONE;
    })],
    ['weights_file', builtin('weights_file', ([model, file]) => {
      if (model?.t === 'model' && model.model.graph && file?.t === 'str') model.model.graph.weightsFile = file.v;
      return NONE;
    })],
    ['is_keras_tensor', builtin('is_keras_tensor', ([v]) => (!v || v.t === 'unknown' ? unknown('is_keras_tensor') : bool(v.t === 'tensor')))],
    ['source_inputs', builtin('source_inputs', ([v]) => (v?.t === 'tensor' ? list(sourceInputs(v.tensor).map((tensor) => ({ t: 'tensor' as const, tensor }))) : unknown('source_inputs')))],
    ['activation_name', builtin('activation_name', ([v]) => {
      const name = activationName(v);
      return name === null ? unknown('activation') : str(name);
    })],
  ];
}

/** Side-table key: the definitions' module scopes of one trace. */
const MODULE_SCOPES = {};

/** The definition's module, run once per trace (it only defines functions and classes). */
function moduleScope(it: Interpreter, key: string, source: string, site: SyntaxNode): Scope {
  const scopes = it.ctx.sideTable(MODULE_SCOPES, () => new Map<string, Scope>());
  let scope = scopes.get(key);
  if (!scope) {
    scope = new Scope(null);
    for (const [name, v] of definitionBuiltins(it)) scope.vars.set(name, v);
    const tree = treeOf(source);
    const s = scope;
    it.ctx.runForeign(source, it.ctx.span(site), () => it.execBlock(tree.topNode, s));
    scopes.set(key, scope);
  }
  return scope;
}

/** Python's TypeError for arguments the function does not take, or null. */
function argumentError(fnName: string, params: { name: string; kind: string }[], args: Value[], kwargs: Map<string, Value>): string | null {
  // With *args or **kwargs of unknown contents, which argument is which cannot be known.
  if ([...args, ...kwargs.values()].some((v) => v.t === 'unknown' && v.spread)) return null;
  const positional = params.filter((p) => p.kind === 'normal');
  if (args.length > positional.length) {
    return `${fnName}() takes from 0 to ${positional.length} positional arguments but ${args.length} were given`;
  }
  for (const k of kwargs.keys()) {
    const at = positional.findIndex((p) => p.name === k);
    if (at >= 0 && at < args.length) return `${fnName}() got multiple values for argument '${k}'`;
    if (!params.some((p) => p.name === k)) return `${fnName}() got an unexpected keyword argument '${k}'`;
  }
  return null;
}

/**
 * `keras.applications.ResNet50(...)` and the like. Returns null when `name` is not an
 * architecture (preprocess_input, decode_predictions ...): the caller treats it as unknown.
 */
export function callApplication(it: Interpreter, name: string, args: Value[], kwargs: Map<string, Value>, site: SyntaxNode): Value | null {
  const app = applicationFor(name);
  if (!app) return null;
  const { ctx } = it;
  const span = ctx.span(site);
  const scope = moduleScope(it, app.module, app.source, site);
  const fn = scope.lookup(app.function ?? name);
  if (fn?.t !== 'func') return null;
  const argError = argumentError(name, fn.params, args, kwargs);
  if (argError) {
    ctx.diagnostics.error('keras-application-args', argError, span);
    return unknown(`${name}()`);
  }
  if ([...args, ...kwargs.values()].some((v) => v.t === 'unknown' && v.spread)) {
    ctx.diagnostics.info('unevaluable', `ConvLens could not evaluate the *args / **kwargs passed to ${name}(); it is built from the arguments it could read.`, span);
  }
  const before = ctx.diagnostics.items.length;
  const firstLayer = ctx.layers.length;
  let result: Value = unknown(`${name}()`);
  try {
    // Traced once per arguments: a later call with the same ones (the next keystroke) replays it.
    const key = callKey(ctx, `${app.module}.${name}`, args, kwargs);
    result = ctx.runForeign(app.source, span, () => tracedOnce(ctx, key, ctx.span(site), () => callFunction(it, fn, args, kwargs, site)));
  } catch (e) {
    if (!(e instanceof ApplicationRefused)) throw e;
    ctx.diagnostics.error('keras-application-args', e.message, span);
    result = unknown(`${name}() refused its arguments`);
  } finally {
    // Design advice (savings, receptive fields) is for the user's own layers, not the backbone's.
    for (const layer of ctx.layers.slice(firstLayer)) layer.application = name;
    // What ConvLens could not evaluate inside the definition is said once, at the call.
    const added = ctx.diagnostics.items.splice(before);
    const infos = added.filter((d) => d.severity === 'info');
    ctx.diagnostics.items.push(...added.filter((d) => d.severity !== 'info'));
    if (infos.length) {
      ctx.diagnostics.info('unevaluable', `ConvLens could not evaluate everything ${name}() depends on here (${infos[0].message}); what depends on it is unknown.`, span);
    }
  }
  return result;
}
