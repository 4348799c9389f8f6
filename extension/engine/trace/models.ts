/** Keras model objects: Sequential, functional Model(inputs, outputs), subclassed keras.Model. */
import { beforeWrite } from './checkpoint';
import type { SyntaxNode } from '@lezer/common';
import type { Shape } from '../../../kernels/types';
import type { LayerCall, LayerInstance, ModelGraph, ModelKind, SymTensor } from '../graph';
import type { Span } from '../source';
import type { Interpreter } from './interpreter';
import { callInstance } from './calls';
import { callLayer, constructLayer } from './layer_calls';
import { collectCallsReusing } from './recent_graphs';
import { toSnakeCase } from './naming';
import { ClassValue, InstanceValue, list, NONE, str, unknown, Value } from './values';

/** What a Sequential can hold: a layer, a model, or an instance of a custom Layer / Model subclass. */
export type SequentialMember = LayerInstance | ModelObject | InstanceValue;

export function isLayerInstance(m: SequentialMember): m is LayerInstance {
  return 'kernel' in m;
}

export function memberValue(m: SequentialMember): Value {
  if (isLayerInstance(m)) return { t: 'layer', layer: m };
  return 'cls' in m ? m : { t: 'model', model: m };
}

export interface ModelObject {
  kind: ModelKind;
  name: string;
  variable: string | null;
  variableAtModuleLevel: boolean;
  span: Span;
  /** Sequential: its members in order (layers, nested models, custom layers); not the Input. */
  layers: SequentialMember[];
  /** Sequential: indexes into `layers` that follow a member ConvLens could not evaluate. */
  unknownBefore?: Set<number>;
  inputTensor?: SymTensor;
  buildShape?: Shape;
  /** Subclassed: the instance whose `call` is traced, and where its class is defined. */
  instance?: InstanceValue;
  classSpan?: Span;
  /** Set once the model has been traced on an input. */
  graph?: ModelGraph;
  /** False once frozen (`model.trainable = False`). */
  trainable: boolean;
}

function newModel(it: Interpreter, kind: ModelKind, name: string | null, prefix: string, span: Span): ModelObject {
  const model: ModelObject = {
    kind, name: name ?? it.ctx.names.auto(prefix), variable: null, variableAtModuleLevel: false, span, layers: [], trainable: true,
  };
  it.ctx.models.push(model);
  return model;
}

function modelOf(v: Value): ModelObject | undefined {
  if (v.t === 'model') return v.model;
  if (v.t === 'instance') return v.model;
  return undefined;
}

/** Remembers the variable a model is bound to; a module-level binding wins over a local one. */
export function noteModelBinding(value: Value, name: string, moduleLevel: boolean): void {
  const model = modelOf(value);
  if (!model) return;
  if (model.variable === null || (moduleLevel && !model.variableAtModuleLevel)) {
    model.variable = name;
    model.variableAtModuleLevel = moduleLevel;
  }
}

export function isKerasClass(cls: ClassValue, base: 'Model' | 'Layer'): boolean {
  for (const b of cls.bases) {
    if (b.t === 'module') {
      const last = b.path.split('.').pop();
      if (last === base || (base === 'Layer' && last === 'Model')) return true;
    }
    if (b.t === 'class' && isKerasClass(b, base)) return true;
  }
  return false;
}

function nameKwarg(kwargs: Map<string, Value>): string | null {
  const n = kwargs.get('name');
  return n?.t === 'str' ? n.v : null;
}

function tensorList(v: Value | undefined): SymTensor[] | null {
  if (!v) return null;
  if (v.t === 'tensor') return [v.tensor];
  if (v.t === 'list' || v.t === 'tuple') return v.items.every((x) => x.t === 'tensor') ? v.items.map((x) => (x as { tensor: SymTensor }).tensor) : null;
  if (v.t === 'dict') return tensorList(list(v.vals));
  return null;
}

function setGraph(it: Interpreter, model: ModelObject, inputs: SymTensor[], outputs: SymTensor[], site: Span): void {
  // A model re-built on top of one listed lately reuses its listing (recent_graphs.ts).
  const { calls, disconnected } = collectCallsReusing(it.ctx.layers, inputs, outputs);
  model.graph = { name: model.name, kind: model.kind, variable: model.variable, span: model.span, inputs, outputs, calls };
  if (disconnected) {
    const msg = `Graph disconnected: cannot obtain value for tensor "${disconnected.layer.name}" at layer "${disconnected.layer.name}". It is not among the model's inputs.`;
    model.graph.problem = msg;
    it.ctx.diagnostics.error('keras-graph-disconnected', msg, site);
  }
}

export function makeFunctional(it: Interpreter, args: Value[], kwargs: Map<string, Value>, site: SyntaxNode): Value {
  const span = it.ctx.span(site);
  const model = newModel(it, 'functional', nameKwarg(kwargs), 'functional', span);
  const inputs = tensorList(args[0] ?? kwargs.get('inputs'));
  const outputs = tensorList(args[1] ?? kwargs.get('outputs'));
  if (!inputs || !outputs) {
    it.ctx.diagnostics.info('unevaluable', 'ConvLens could not evaluate the inputs or outputs of this Model; it is not analysed.', span);
    model.graph = { name: model.name, kind: 'functional', variable: null, span, inputs: inputs ?? [], outputs: outputs ?? [], calls: [], problem: 'inputs or outputs could not be evaluated' };
  } else setGraph(it, model, inputs, outputs, span);
  return { t: 'model', model };
}

/**
 * keras.models.clone_model(seq): a Sequential of new layers made from the same configs (Keras keeps
 * the names, the model's too), on a new Input of the same shape. Other models: null (not modelled).
 */
export function cloneSequential(it: Interpreter, source: ModelObject, site: SyntaxNode): Value | null {
  if (source.kind !== 'sequential' || !source.layers.every(isLayerInstance)) return null;
  const { ctx } = it;
  const copy = (layer: LayerInstance): LayerInstance => {
    const made: LayerInstance = { ...layer, id: ctx.layers.length, calls: [], scope: [...ctx.frames] };
    beforeWrite(ctx.layers, 'length');
    ctx.layers.push(made);
    return made;
  };
  const model = newModel(it, 'sequential', source.name, 'sequential', ctx.span(site));
  model.trainable = source.trainable;
  model.layers = (source.layers as LayerInstance[]).map(copy);
  if (source.unknownBefore) model.unknownBefore = new Set(source.unknownBefore);
  if (source.buildShape) model.buildShape = source.buildShape;
  const input = source.inputTensor?.producer?.layer;
  if (input) model.inputTensor = callLayer(ctx, copy(input), [], input.span).output;
  noteSequentialBuild(it, model);
  return { t: 'model', model };
}

export function makeSequential(it: Interpreter, args: Value[], kwargs: Map<string, Value>, site: SyntaxNode): Value {
  const model = newModel(it, 'sequential', nameKwarg(kwargs), 'sequential', it.ctx.span(site));
  const members = args[0] ?? kwargs.get('layers');
  if (members?.t === 'list' || members?.t === 'tuple') for (const m of members.items) addToSequential(it, model, m, site);
  else if (members && members.t !== 'none') it.ctx.diagnostics.info('unevaluable', 'ConvLens could not evaluate the layer list of this Sequential.', it.ctx.span(site));
  noteSequentialBuild(it, model);
  return { t: 'model', model };
}

/**
 * Keras 3 builds a Sequential that knows its input (an Input, input_shape=, build()) as a hidden
 * functional model, at construction and again at each add(): each build uses up a `functional`
 * name, so the next keras.Model(...) is `functional_1`.
 */
function noteSequentialBuild(it: Interpreter, model: ModelObject): void {
  if (model.kind !== 'sequential' || model.layers.length === 0) return;
  if (model.inputTensor || declaredInputShape(model)) it.ctx.names.auto('functional');
}

function addToSequential(it: Interpreter, model: ModelObject, v: Value, site: SyntaxNode): void {
  if (v.t === 'layer') {
    if (v.layer.kernel?.family === 'input' && model.layers.length === 0 && !model.inputTensor) {
      model.inputTensor = callLayer(it.ctx, v.layer, [], v.layer.span).output;
    } else model.layers.push(v.layer);
  } else if (v.t === 'tensor' && model.layers.length === 0 && !model.inputTensor) model.inputTensor = v.tensor;
  else if (v.t === 'model') model.layers.push(v.model);
  else if (v.t === 'instance' && (v.model || isKerasClass(v.cls, 'Layer'))) model.layers.push(v.model ?? v);
  else {
    // Whatever it was changes the shape in ways ConvLens cannot know: later shapes are unknown.
    (model.unknownBefore ??= new Set()).add(model.layers.length);
    it.ctx.diagnostics.info('unevaluable', `ConvLens could not add this ${v.t} to the Sequential model; the shapes after it are unknown.`, it.ctx.span(site));
  }
}

export function createSubclassedModel(it: Interpreter, inst: InstanceValue, kwargs: Map<string, Value>, site: SyntaxNode): void {
  const model = newModel(it, 'subclassed', nameKwarg(kwargs), toSnakeCase(inst.cls.name), it.ctx.span(site));
  model.instance = inst;
  model.classSpan = inst.cls.span;
  inst.model = model;
}

/**
 * Traces a model that has no symbolic input yet (Sequential without Input, subclassed) on a shape:
 * creates the InputLayer Keras would. With no shape at all, layers still run on an unknown tensor.
 */
export function traceOnShape(it: Interpreter, model: ModelObject, shape: Shape | null): void {
  let input: SymTensor;
  if (model.inputTensor) input = model.inputTensor;
  else if (shape) {
    const batchShape = { t: 'tuple' as const, items: shape.map((d): Value => (d === null ? NONE : { t: 'int', v: d })) };
    const inputLayer = constructLayer(it, 'InputLayer', [], new Map([['batch_shape', batchShape]]), model.span);
    input = callLayer(it.ctx, inputLayer, [], model.span).output;
  } else input = it.ctx.tensor(null, null);
  const out = runModel(it, model, [input], new Map(), null);
  setGraph(it, model, [input], out ? [out] : [], model.span);
}

/** The input shape a not-yet-traced model declares itself (Input, input_shape=, build()). */
export function declaredInputShape(model: ModelObject): Shape | null {
  if (model.buildShape) return model.buildShape;
  const first = model.layers[0];
  if (model.kind === 'sequential' && first) return isLayerInstance(first) ? (first.declaredInput ?? null) : 'cls' in first ? null : declaredInputShape(first);
  return null;
}

/** Applies the model to tensors; returns the output tensor (first output). */
function runModel(it: Interpreter, model: ModelObject, inputs: SymTensor[], kwargs: Map<string, Value>, site: SyntaxNode | Span | null): SymTensor | null {
  return it.ctx.within(model, () => runModelBody(it, model, inputs, kwargs, site));
}

function runModelBody(it: Interpreter, model: ModelObject, inputs: SymTensor[], kwargs: Map<string, Value>, site: SyntaxNode | Span | null): SymTensor | null {
  if (model.kind === 'sequential') {
    let x: SymTensor = inputs[0];
    // After an unevaluable member: a tensor of unknown shape, still linked to the layers before it.
    const unknownAt = (i: number) => (model.unknownBefore?.has(i) ? it.ctx.tensor(null, x.producer) : x);
    for (const [i, member] of model.layers.entries()) {
      const input = unknownAt(i);
      if (isLayerInstance(member)) x = callLayer(it.ctx, member, [input], member.span).output;
      else {
        const out: Value = 'cls' in member ? callInstance(it, member, [{ t: 'tensor', tensor: input }], new Map(), site ?? member.cls.span) : applyModel(it, member, [input], new Map(), site);
        x = out.t === 'tensor' ? out.tensor : it.ctx.tensor(null, input.producer);
      }
    }
    return unknownAt(model.layers.length);
  }
  if (model.kind === 'subclassed' && model.instance) {
    const call = findCall(model.instance.cls);
    if (!call) return null;
    const arg: Value = inputs.length === 1 ? { t: 'tensor', tensor: inputs[0] } : list(inputs.map((tensor) => ({ t: 'tensor' as const, tensor })));
    const out = it.callMethod(call, model.instance, [arg], kwargs, site ?? model.span);
    return out.t === 'tensor' ? out.tensor : out.t === 'tuple' || out.t === 'list' ? ((out.items.find((x) => x.t === 'tensor') as { tensor: SymTensor } | undefined)?.tensor ?? null) : null;
  }
  if (model.graph) return replay(it, model.graph, inputs);
  return null;
}

function findCall(cls: ClassValue): Value | undefined {
  const own = cls.attrs.get('call');
  if (own) return own;
  for (const b of cls.bases) if (b.t === 'class') {
    const f = findCall(b);
    if (f) return f;
  }
  return undefined;
}

/**
 * Re-applies a functional model's layers to new inputs (a model used as a layer shares weights).
 * A call that ran inside a nested model or custom layer when the graph was built runs inside it
 * again, so the parent lists that model as one entry of this one (Keras nests them level by level).
 */
function replay(it: Interpreter, graph: ModelGraph, inputs: SymTensor[]): SymTensor | null {
  const map = new Map<SymTensor, SymTensor>();
  graph.inputs.forEach((t, i) => inputs[i] && map.set(t, inputs[i]));
  const calls = graph.calls.filter((c) => c.layer.kernel?.family !== 'input');
  const ownersOf = calls.map((c) => it.ctx.callOwners.get(c) ?? []);
  // Owners every call had were around the whole graph (it was built inside them), not in it.
  // A reduce, not Math.min(...): a spread of one argument per call overflows on huge graphs.
  let around = ownersOf.length ? ownersOf.reduce((m, o) => Math.min(m, o.length), Infinity) : 0;
  while (around > 0 && ownersOf.some((o) => o[around - 1] !== ownersOf[0][around - 1])) around--;
  calls.forEach((call, i) => {
    const ins = call.inputs.map((t) => map.get(t) ?? it.ctx.tensor(null, null));
    const apply = (depth: number): SymTensor =>
      depth < ownersOf[i].length ? it.ctx.within(ownersOf[i][depth], () => apply(depth + 1)) : callLayer(it.ctx, call.layer, ins, call.span).output;
    map.set(call.output, apply(around));
  });
  return graph.outputs[0] ? (map.get(graph.outputs[0]) ?? null) : null;
}

export function callModel(it: Interpreter, model: ModelObject, args: Value[], kwargs: Map<string, Value>, site: SyntaxNode): Value {
  const inputs = tensorList(args[0] ?? kwargs.get('inputs'));
  if (!inputs) return unknown('model called on a non-tensor');
  const rest = new Map(kwargs);
  rest.delete('inputs');
  return applyModel(it, model, inputs, rest, site);
}

/** A model applied to tensors, as a layer of whatever calls it. */
export function applyModel(it: Interpreter, model: ModelObject, inputs: SymTensor[], rest: Map<string, Value>, site: SyntaxNode | Span | null): Value {
  const out = applyModelBody(it, model, inputs, rest, site);
  if (out.t === 'tensor') it.ctx.noteContainerOutput(model, out.tensor, site ? it.ctx.span(site) : undefined);
  return out;
}

function applyModelBody(it: Interpreter, model: ModelObject, inputs: SymTensor[], rest: Map<string, Value>, site: SyntaxNode | Span | null): Value {
  const firstTrace = !model.graph && model.kind !== 'functional';
  // Keras builds a Sequential that did not know its input on its first call: an InputLayer and a
  // hidden functional model, each using up an automatic name (`input_layer_1`, `functional_1`).
  if (firstTrace && model.kind === 'sequential' && !model.inputTensor && !declaredInputShape(model)) {
    it.ctx.names.auto('input_layer');
    it.ctx.names.auto('functional');
  }
  const out = runModel(it, model, inputs, rest, site);
  // The first symbolic call of a Sequential or subclassed model defines its graph.
  if (firstTrace && !model.graph && inputs.every((t) => t.producer?.layer.kernel?.family === 'input')) {
    setGraph(it, model, inputs, out ? [out] : [], model.span);
  }
  return out ? { t: 'tensor', tensor: out } : unknown('model output');
}

function shapeArg(v: Value | undefined): Shape | null {
  if (!v || (v.t !== 'tuple' && v.t !== 'list')) return null;
  if (!v.items.every((d) => d.t === 'int' || d.t === 'none')) return null;
  return v.items.map((d) => (d.t === 'int' ? d.v : null));
}

const NO_OP_METHODS = new Set(['summary', 'compile', 'save', 'save_weights', 'load_weights', 'export']);
/** Methods whose result depends on data and training (a History, losses, predictions): unknown, quietly. */
const DATA_METHODS = new Set(['fit', 'evaluate', 'predict', 'train_on_batch', 'test_on_batch', 'predict_on_batch']);

export function modelAttr(it: Interpreter, model: ModelObject, name: string, site: SyntaxNode): Value {
  const method = (call: (args: Value[], kwargs: Map<string, Value>) => Value): Value => ({ t: 'builtin', name, call });
  switch (name) {
    case 'add':
      return method(([v]) => {
        const before = model.layers.length;
        if (v) addToSequential(it, model, v, site);
        if (model.layers.length > before) noteSequentialBuild(it, model);
        return NONE;
      });
    case 'pop':
      return method(() => (model.layers.pop(), NONE));
    case 'build':
      return method(([v], kwargs) => {
        const shape = shapeArg(v ?? kwargs.get('input_shape'));
        if (!shape) return NONE;
        const known = model.kind === 'sequential' && (model.inputTensor || declaredInputShape(model));
        model.buildShape = shape;
        if (!known) noteSequentialBuild(it, model);
        if (model.kind === 'subclassed' && !model.graph) traceOnShape(it, model, shape);
        return NONE;
      });
    case 'name':
      return str(model.name);
    case 'layers': {
      if (!model.graph) return list(model.layers.map(memberValue));
      return list(kerasLayers(it, model).map(memberValue));
    }
    case 'output': case 'outputs': {
      const outs = model.graph?.outputs ?? [];
      if (!outs.length) return unknown('model output');
      return name === 'output' && outs.length === 1 ? { t: 'tensor', tensor: outs[0] } : list(outs.map((tensor) => ({ t: 'tensor' as const, tensor })));
    }
    case 'input': case 'inputs': {
      const ins = model.graph?.inputs ?? (model.inputTensor ? [model.inputTensor] : []);
      if (!ins.length) return unknown('model input');
      return name === 'input' && ins.length === 1 ? { t: 'tensor', tensor: ins[0] } : list(ins.map((tensor) => ({ t: 'tensor' as const, tensor })));
    }
    case 'get_layer':
      return method(([n], kwargs) => {
        const wanted = n ?? kwargs.get('name') ?? kwargs.get('index');
        const pool = model.graph ? model.graph.calls.map((c) => c.layer) : model.layers.filter(isLayerInstance);
        if (wanted?.t === 'str') {
          const layer = pool.find((l) => l.name === wanted.v);
          return layer ? { t: 'layer', layer } : unknown(`no layer named ${wanted.v}`);
        }
        if (wanted?.t === 'int') {
          const layers: SequentialMember[] = model.graph ? kerasLayers(it, model) : [...new Set(pool)];
          return layers[wanted.v] ? memberValue(layers[wanted.v]) : unknown('layer index');
        }
        return unknown('get_layer');
      });
    default:
      if (NO_OP_METHODS.has(name)) return method(() => NONE);
      if (DATA_METHODS.has(name)) return method(() => unknown(`model.${name}(), which depends on the data`));
      return unknown(`model attribute ${name}`);
  }
}

/**
 * Keras' `model.layers` of a traced model, in graph order: a Functional lists its InputLayers, a
 * Sequential does not; operations (`x + y`, keras.ops) are never layers; a model or custom layer
 * called inside it is one entry.
 */
function kerasLayers(it: Interpreter, model: ModelObject): SequentialMember[] {
  const out = new Set<SequentialMember>();
  for (const call of model.graph!.calls) {
    if (call.layer.isOperation || (model.kind !== 'functional' && call.layer.kernel?.family === 'input')) continue;
    const owners = it.ctx.callOwners.get(call) ?? [];
    const own = owners.findIndex((o) => o === model || o === model.instance);
    out.add((owners[own + 1] as SequentialMember | undefined) ?? call.layer);
  }
  return [...out];
}

/** `model.trainable = False`: every layer inside it, nested models included, is frozen. */
export function setModelTrainable(model: ModelObject, trainable: boolean): void {
  model.trainable = trainable;
  const layers = model.graph ? model.graph.calls.map((c) => c.layer) : model.layers;
  for (const m of layers) {
    if (isLayerInstance(m)) {
      beforeWrite(m, 'trainable');
      m.trainable = trainable;
    }
    else if (!('cls' in m)) setModelTrainable(m, trainable);
    else if (m.model) setModelTrainable(m.model, trainable);
  }
}
