/** Calling values and reading attributes: functions, classes, methods, layers, models, modules. */
import type { SyntaxNode } from '@lezer/common';
import { arrayAttr } from './arrays';
import { methodOf } from './builtins';
import type { Interpreter } from './interpreter';
import { callModule, moduleAttr } from './keras_api';
import { refusedAttribute, refusedVariableAttribute, reportRefusal } from './keras3_refusals';
import { noteCalled } from './uncalled_builders';
import { applyLayer, layerAttr, tensorAttr } from './layer_calls';
import { applyModel, callModel, createSubclassedModel, isKerasClass, modelAttr, type ModelObject } from './models';
import type { Span } from '../source';
import { toSnakeCase } from './naming';
import { Scope } from './scope';
import { ClassValue, FuncValue, InstanceValue, int, NONE, tuple, typeName, unknown, Value } from './values';

export function callValue(it: Interpreter, callee: Value, args: Value[], kwargs: Map<string, Value>, site: SyntaxNode): Value {
  switch (callee.t) {
    case 'func':
      return callFunction(it, callee, args, kwargs, site);
    case 'builtin':
      // Bulk work and allocation refusals of the builtin are reported at its call.
      it.ctx.budget.site = site;
      return callee.call(args, kwargs, site, it.ctx);
    case 'bound':
      if (callee.fn.t === 'func') return callFunction(it, callee.fn, [callee.self, ...args], kwargs, site, callee.self);
      return callValue(it, callee.fn, args, kwargs, site);
    case 'module':
      return callModule(it, callee.path, args, kwargs, site);
    case 'class':
      return instantiate(it, callee, args, kwargs, site);
    case 'instance':
      return callInstance(it, callee, args, kwargs, site);
    case 'layer':
      return applyLayer(it, callee.layer, args, kwargs, site);
    case 'model':
      return callModelCharged(it, callee.model, args, kwargs, site);
    case 'unknown':
      return unknown(`result of calling ${callee.why}`);
    default:
      return unknown(`calling a ${typeName(callee)}`);
  }
}

export function callFunction(it: Interpreter, fn: FuncValue, args: Value[], kwargs: Map<string, Value>, site: SyntaxNode | Span, self?: Value): Value {
  const { budget } = it.ctx;
  noteCalled(it.ctx, fn);
  budget.enter(it.ctx.span(site));
  const scope = new Scope(fn.closure);
  if (self?.t === 'instance' && fn.ownerClass) scope.method = { self, cls: fn.ownerClass };
  bindParams(it, fn, args, kwargs, scope, site);
  // A frame is a helper block of the user's (a diagram group); code ConvLens ships (keras.applications
  // definitions) opens none: the backbone is already one group.
  const label = it.ctx.inForeignCode ? null : !fn.isLambda && !fn.ownerClass ? fn.name : fn.ownerClass ? `${fn.ownerClass.name}.${fn.name}` : null;
  if (label) it.ctx.frames.push(`${label}#${it.ctx.nextFrameId++}`);
  try {
    if (fn.isLambda) return it.eval(fn.body, scope);
    const flow = it.execFunctionBody(fn.body, scope);
    return flow !== undefined && typeof flow === 'object' ? flow.ret : NONE;
  } finally {
    if (label) it.ctx.frames.pop();
    budget.leave();
  }
}

function bindParams(it: Interpreter, fn: FuncValue, args: Value[], kwargs: Map<string, Value>, scope: Scope, site: SyntaxNode | Span): void {
  let i = 0;
  const rest = new Map(kwargs);
  for (const p of fn.params) {
    if (p.kind === 'star') {
      scope.vars.set(p.name, tuple(args.slice(i)));
      i = args.length;
    } else if (p.kind === 'dstar') {
      scope.vars.set(p.name, { t: 'dict', keys: [...rest.keys()].map((k) => ({ t: 'str', v: k })), vals: [...rest.values()] });
      rest.clear();
    } else if (p.kind === 'normal' && i < args.length) {
      scope.vars.set(p.name, args[i++]);
    } else if (rest.has(p.name)) {
      scope.vars.set(p.name, rest.get(p.name)!);
      rest.delete(p.name);
    } else if (p.default !== undefined) {
      scope.vars.set(p.name, p.default);
    } else {
      it.ctx.diagnostics.info('missing-argument', `${fn.name}() is called without \`${p.name}\`; it is treated as unknown.`, it.ctx.span(site));
      scope.vars.set(p.name, unknown(`missing argument ${p.name}`));
    }
  }
}

/** Attribute lookup along a user class and its user-class bases. */
export function findClassAttr(cls: ClassValue, name: string): Value | undefined {
  const own = cls.attrs.get(name);
  if (own) return own;
  for (const base of cls.bases) if (base.t === 'class') {
    const found = findClassAttr(base, name);
    if (found) return found;
  }
  return undefined;
}

function bindIfMethod(v: Value, self: Value): Value {
  return v.t === 'func' ? { t: 'bound', self, fn: v } : v;
}

function instantiate(it: Interpreter, cls: ClassValue, args: Value[], kwargs: Map<string, Value>, site: SyntaxNode): Value {
  const inst: InstanceValue = { t: 'instance', cls, attrs: new Map() };
  if (isKerasClass(cls, 'Model')) createSubclassedModel(it, inst, kwargs, site);
  else if (isKerasClass(cls, 'Layer')) {
    const given = kwargs.get('name');
    inst.layerName = given?.t === 'str' ? given.v : it.ctx.names.auto(toSnakeCase(cls.name));
    inst.span = it.ctx.span(site);
    inst.ownWeights = [];
  }
  const init = findClassAttr(cls, '__init__');
  if (init?.t === 'func') callFunction(it, init, [inst, ...args], kwargs, site, inst);
  return inst;
}

export function callInstance(it: Interpreter, inst: InstanceValue, args: Value[], kwargs: Map<string, Value>, site: SyntaxNode | Span): Value {
  if (inst.model) {
    if ('name' in site) return callModelCharged(it, inst.model, args, kwargs, site);
    const inputs = args[0]?.t === 'tensor' ? [args[0].tensor] : null;
    return inputs ? applyModel(it, inst.model, inputs, kwargs, site) : unknown('model called on a non-tensor');
  }
  if (isKerasClass(inst.cls, 'Layer')) {
    const out = it.ctx.within(inst, () => callCustomLayer(it, inst, args, kwargs, site));
    if (out.t === 'tensor') it.ctx.noteContainerOutput(inst, out.tensor, it.ctx.span(site));
    return out;
  }
  const method = findClassAttr(inst.cls, '__call__');
  if (method?.t === 'func') return callFunction(it, method, [inst, ...args], kwargs, site, inst);
  return unknown(`calling an instance of ${inst.cls.name}`);
}

/** A custom Layer: build() once on the first input's shape, then call(). */
function callCustomLayer(it: Interpreter, inst: InstanceValue, args: Value[], kwargs: Map<string, Value>, site: SyntaxNode | Span): Value {
  {
    const build = findClassAttr(inst.cls, 'build');
    if (!inst.built && build?.t === 'func') {
      const first = args[0];
      const shape = first?.t === 'tensor' ? tensorAttr(first.tensor, 'shape', it.ctx.inForeignCode) : unknown('input shape');
      callFunction(it, build, [inst, shape], new Map(), site, inst);
    }
    inst.built = true;
  }
  const method = findClassAttr(inst.cls, 'call');
  if (method?.t === 'func') return callFunction(it, method, [inst, ...args], kwargs, site, inst);
  return unknown(`calling an instance of ${inst.cls.name}`);
}

/** Elements of a list or tuple argument (what a model copies when given one). */
function itemCount(v: Value | undefined): number {
  return v && (v.t === 'list' || v.t === 'tuple') ? v.items.length : 0;
}

/** Calling a model on a list of tensors reads them all. */
function callModelCharged(it: Interpreter, model: ModelObject, args: Value[], kwargs: Map<string, Value>, site: SyntaxNode): Value {
  it.ctx.work(itemCount(args[0] ?? kwargs.get('inputs')));
  return callModel(it, model, args, kwargs, site);
}

/** `model.layers` and `model.get_layer` go through all the model's layers. */
function modelAttrCharged(it: Interpreter, model: ModelObject, name: string, site: SyntaxNode): Value {
  if (name === 'layers' || name === 'get_layer') it.ctx.work(model.graph?.calls.length ?? model.layers.length);
  return modelAttr(it, model, name, site);
}

export function getAttr(it: Interpreter, obj: Value, name: string, site: SyntaxNode): Value {
  switch (obj.t) {
    case 'module': {
      const refused = refusedAttribute(obj.path, name);
      if (refused) {
        reportRefusal(it.ctx, 'keras3-removed', refused, it.ctx.span(site));
        return unknown(`${obj.path}.${name}, which Keras 3 does not have`);
      }
      return moduleAttr(obj.path, name);
    }
    case 'instance': {
      const own = obj.attrs.get(name);
      if (own) return own;
      const fromClass = findClassAttr(obj.cls, name);
      if (fromClass) return bindIfMethod(fromClass, obj);
      if (obj.model) return modelAttrCharged(it, obj.model, name, site);
      if (name === 'add_weight' && obj.ownWeights) return addWeight(it, obj);
      return unknown(`attribute ${name} of ${obj.cls.name}`);
    }
    case 'class':
      return findClassAttr(obj, name) ?? unknown(`attribute ${name} of class ${obj.name}`);
    case 'super': {
      for (const base of obj.cls.bases) {
        if (base.t !== 'class') continue;
        const found = findClassAttr(base, name);
        if (found) return bindIfMethod(found, obj.self);
      }
      // keras.Model / Layer base methods (e.g. __init__(name=...)) are modelled as no-ops.
      return {
        t: 'builtin',
        name: `super().${name}`,
        call: (_args, kwargs) => {
          const n = kwargs.get('name');
          if (name === '__init__' && n?.t === 'str') {
            if (obj.self.model) obj.self.model.name = n.v;
            else if (obj.self.layerName !== undefined) obj.self.layerName = n.v;
          }
          return NONE;
        },
      };
    }
    case 'tensor':
      return tensorAttr(obj.tensor, name, it.ctx.inForeignCode);
    case 'layer':
      return layerAttr(obj.layer, name);
    case 'model':
      return modelAttrCharged(it, obj.model, name, site);
    case 'array':
      return arrayAttr(obj, name);
    case 'unknown':
      return obj;
    case 'object': {
      const refused = obj.name === 'Variable' ? refusedVariableAttribute(name) : null;
      if (refused) {
        reportRefusal(it.ctx, 'keras3-removed', refused, it.ctx.span(site));
        return unknown(`Variable.${name}, which Keras 3 does not have`);
      }
      break;
    }
  }
  return methodOf(obj, name) ?? unknown(`attribute ${name} of ${typeName(obj)}`);
}

/** `self.add_weight(shape=..., trainable=...)` in a custom layer: counted as its own variable. */
function addWeight(it: Interpreter, inst: InstanceValue): Value {
  return {
    t: 'builtin',
    name: 'add_weight',
    call: (args, kwargs) => {
      const shapeArg = kwargs.get('shape') ?? args[0];
      const dims = shapeArg?.t === 'tuple' || shapeArg?.t === 'list' ? shapeArg.items : shapeArg?.t === 'int' ? [shapeArg] : null;
      const shape = dims && dims.every((d) => d.t === 'int') ? dims.map((d) => (d as { v: number }).v) : shapeArg?.t === 'none' ? [] : null;
      const trainable = kwargs.get('trainable');
      inst.ownWeights!.push({ shape, trainable: !(trainable?.t === 'bool' && !trainable.v) });
      const initializer = kwargs.get('initializer') ?? args[1];
      const args2 = new Map<string, Value>(initializer ? [['initializer', initializer]] : []);
      if (shape) args2.set('shape', tuple(shape.map(int)));
      const variable: Value = { t: 'object', name: 'Variable', args: args2 };
      it.ctx.variables.set(variable, { owner: inst, created: inst.ownWeights!.length - 1 });
      return variable;
    },
  };
}
