/** Statement execution for the traced Python subset. Expressions live in expressions.ts. */
import type { SyntaxNode } from '@lezer/common';
import { isWalkingAgain, kids, ranBefore, walkedAgain } from './syntax_children';
import { TraceAbort } from './budget';
import type { TraceContext } from './context';
import { evalExpr } from './expressions';
import { assignTarget, binaryOp } from './operators';
import { Scope } from './scope';
import type { Span } from '../source';
import { callFunction } from './calls';
import { bodyRunnerOf } from './body_runner';
import { runUnit, reportStatementFault, TraceSignal } from './units';
import { ClassValue, FuncValue, InstanceValue, iterate, NONE, ParamDef, sequence, truthy, unknown, Value } from './values';
import { refusedImportName, refusedModule, reportRefusal, runGuardedByExcept } from './keras3_refusals';

export const BREAK = 1;
export const CONTINUE = 2;
/** How a statement completed: normally (undefined), by break/continue, or by return. */
export type Flow = undefined | typeof BREAK | typeof CONTINUE | { ret: Value };

const PUNCT = new Set([',', '(', ')', '[', ']', '{', '}', ':', ';', '.']);
export function isPunct(node: SyntaxNode): boolean {
  return PUNCT.has(node.name);
}

/** A child `execAssign` groups as a target or value: not skipped by `kids`, not an operator, type or punctuation. */
function isPlainPart(node: SyntaxNode): boolean {
  const { name } = node;
  return name !== 'Comment' && name !== '⚠' && name !== 'AssignOp' && name !== 'TypeDef' && !PUNCT.has(name);
}

export class Interpreter {
  /** Loops (and comprehensions) being run; a statement inside one runs many times, so it is not a unit of its own. */
  private loopDepth = 0;
  /** True while a module-level statement runs as a unit: the functions it calls directly get units too. */
  private inModuleUnit = false;
  /** The scope of the function body, called straight from a module-level statement, whose statements are units (`main()`). */
  private unitBody: Scope | null = null;
  /** Expressions being evaluated, one inside another (bounded: expressions.ts, MAX_EXPRESSION_DEPTH). */
  expressionDepth = 0;

  constructor(readonly ctx: TraceContext) {}

  eval(node: SyntaxNode, scope: Scope): Value {
    return evalExpr(this, node, scope);
  }

  /** Calls a method found on a user class with `self` bound (subclassed models' `call`). */
  callMethod(fn: Value, self: InstanceValue, args: Value[], kwargs: Map<string, Value>, site: SyntaxNode | Span): Value {
    return fn.t === 'func' ? callFunction(this, fn, [self, ...args], kwargs, site, self) : unknown('method');
  }

  /**
   * Runs a module. A stray `return` or `break` at module level (a parse-error artefact while
   * typing) ends nothing: every statement still runs, so models after it are found.
   */
  execModule(node: SyntaxNode, scope: Scope): void {
    for (const stmt of kids(node)) this.exec(stmt, scope);
  }

  /** Runs the statements of a Script or Body node. */
  execBlock(node: SyntaxNode, scope: Scope): Flow {
    for (const stmt of kids(node)) {
      if (stmt.name === ':') continue;
      const flow = this.exec(stmt, scope);
      if (flow !== undefined) return flow;
    }
    return undefined;
  }

  /**
   * Runs one statement. A statement that runs once at module level (also inside a module-level
   * if/with/try), or once in a function that such a statement calls directly (`def main(): ...`),
   * is a unit with its own share of the budget; an internal fault skips only the statement it
   * happens in.
   */
  exec(node: SyntaxNode, scope: Scope): Flow {
    if (this.loopDepth > 0 || (scope.parent !== null && scope !== this.unitBody)) return this.execStatement(node, scope);
    const outer = this.inModuleUnit;
    this.inModuleUnit = scope.parent === null;
    let flow: Flow;
    try {
      const finished = runUnit(this.ctx, node, () => {
        flow = this.execStatement(node, scope);
      });
      if (finished) return flow;
    } finally {
      this.inModuleUnit = outer;
    }
    this.unbindTargets(node, scope);
    // A `return` cut short still ends its function, with a value nobody knows.
    return node.name === 'ReturnStatement' && scope.parent !== null ? { ret: unknown('its statement was cut short') } : undefined;
  }

  /**
   * Runs a function's body in its fresh `scope`. Called straight from a module-level statement,
   * outside loops and shipped code, the body's statements are units of their own, so one that
   * cannot finish costs only itself (and what depends on it), not every model the function builds.
   */
  execFunctionBody(body: SyntaxNode, scope: Scope): Flow {
    return ranBefore(body) ? walkedAgain(() => this.execFunctionBodyOnce(body, scope)) : this.execFunctionBodyOnce(body, scope);
  }

  private execFunctionBodyOnce(body: SyntaxNode, scope: Scope): Flow {
    const isolate = this.inModuleUnit && this.loopDepth === 0 && this.ctx.budget.depth === 1 && !this.ctx.inForeignCode;
    if (!isolate) return this.execBlock(body, scope);
    const outer = { body: this.unitBody, inModuleUnit: this.inModuleUnit };
    this.unitBody = scope;
    this.inModuleUnit = false;
    try {
      const runner = bodyRunnerOf(this);
      return runner ? runner.run(this, body, scope) : this.execBlock(body, scope);
    } finally {
      this.unitBody = outer.body;
      this.inModuleUnit = outer.inModuleUnit;
    }
  }

  /** Runs `body` as a loop: statements it reaches run many times, so none is a unit of its own. */
  repeatedly<T>(body: () => T): T {
    this.loopDepth++;
    try {
      return body();
    } finally {
      this.loopDepth--;
    }
  }

  private execStatement(node: SyntaxNode, scope: Scope): Flow {
    this.ctx.budget.step(node);
    try {
      return this.execInner(node, scope);
    } catch (e) {
      if (e instanceof TraceAbort || e instanceof TraceSignal) throw e;
      reportStatementFault(this.ctx, e, node);
      this.unbindTargets(node, scope);
      return undefined;
    }
  }

  /**
   * After an assignment was cut short, the names it assigns are unknown (not "undefined", and not
   * their old values), so what depends on it is unknown too.
   */
  private unbindTargets(node: SyntaxNode, scope: Scope): void {
    if (node.name !== 'AssignStatement' && node.name !== 'UpdateStatement') return;
    const parts = kids(node);
    const lastOp = parts.map((c) => c.name === 'AssignOp' || c.name === 'UpdateOp').lastIndexOf(true);
    const names = (n: SyntaxNode): SyntaxNode[] => (n.name === 'VariableName' ? [n] : ['TupleExpression', 'ArrayExpression', 'ParenthesizedExpression'].includes(n.name) ? kids(n).flatMap(names) : []);
    for (const target of parts.slice(0, lastOp).flatMap(names)) scope.assign(this.ctx.source(target), unknown('its statement was cut short'));
  }

  private execInner(node: SyntaxNode, scope: Scope): Flow {
    switch (node.name) {
      case 'ExpressionStatement':
        for (const c of kids(node)) if (!isPunct(c)) this.eval(c, scope);
        return undefined;
      case 'AssignStatement':
        this.execAssign(node, scope);
        return undefined;
      case 'UpdateStatement':
        this.execUpdate(node, scope);
        return undefined;
      case 'StatementGroup':
        for (const c of kids(node)) {
          if (c.name === ';') continue;
          const flow = this.exec(c, scope);
          if (flow !== undefined) return flow;
        }
        return undefined;
      case 'FunctionDefinition':
        this.defineFunction(node, scope);
        return undefined;
      case 'ClassDefinition':
        this.defineClass(node, scope);
        return undefined;
      case 'DecoratedStatement': {
        const inner = kids(node).find((c) => c.name === 'FunctionDefinition' || c.name === 'ClassDefinition');
        if (inner) this.exec(inner, scope);
        return undefined;
      }
      case 'ReturnStatement': {
        const values = kids(node).filter((c) => c.name !== 'return' && !isPunct(c));
        const hasComma = kids(node).some((c) => c.name === ',');
        if (values.length === 0) return { ret: NONE };
        const evaluated = values.map((v) => this.eval(v, scope));
        return { ret: values.length === 1 && !hasComma ? evaluated[0] : { t: 'tuple', items: evaluated } };
      }
      case 'IfStatement':
        return this.execIf(node, scope);
      case 'ForStatement':
        return this.execFor(node, scope);
      case 'WhileStatement':
        return this.execWhile(node, scope);
      case 'BreakStatement':
        return BREAK;
      case 'ContinueStatement':
        return CONTINUE;
      case 'ImportStatement':
        importStatement(this.ctx, node, scope);
        return undefined;
      case 'ScopeStatement':
        for (const c of kids(node)) if (c.name === 'VariableName') scope.globalNames.add(this.ctx.source(c));
        return undefined;
      case 'WithStatement':
        return this.execWith(node, scope);
      case 'TryStatement': {
        // The try body, its else and finally run; except handlers are for errors we do not model.
        const parts = kids(node);
        const handled = parts.some((p) => p.name === 'except');
        for (let i = 0; i < parts.length; i++) {
          if (parts[i].name !== 'Body') continue;
          const head = parts.slice(0, i).reverse().find((p) => ['try', 'except', 'else', 'finally'].includes(p.name));
          if (head?.name === 'except') continue;
          const body = parts[i];
          const flow = head?.name === 'try' && handled ? runGuardedByExcept(this.ctx, () => this.execBlock(body, scope)) : this.execBlock(body, scope);
          if (flow !== undefined) return flow;
        }
        return undefined;
      }
      case 'RaiseStatement':
        // Code that raises here would stop the program; the enclosing call returns unknown.
        return { ret: unknown('the code raised an exception here') };
      default:
        return undefined;
    }
  }

  private execAssign(node: SyntaxNode, scope: Scope): void {
    // Most assignments are `target = value`: bound without the groups below (the same steps). Run
    // again, read through `kids`, so it evaluates the node objects it evaluated before; run once,
    // child by child (no list made).
    if (isWalkingAgain()) {
      const parts = kids(node);
      if (parts.length === 3 && parts[1].name === 'AssignOp' && isPlainPart(parts[0]) && isPlainPart(parts[2])) {
        assignTarget(this, parts[0], this.eval(parts[2], scope), scope);
        return;
      }
    } else {
      const target = node.firstChild;
      const op = target?.nextSibling;
      const valueNode = op?.nextSibling;
      if (target && op?.name === 'AssignOp' && valueNode && !valueNode.nextSibling && isPlainPart(target) && isPlainPart(valueNode)) {
        assignTarget(this, target, this.eval(valueNode, scope), scope);
        return;
      }
    }
    const groups: SyntaxNode[][] = [[]];
    for (const c of kids(node)) {
      if (c.name === 'AssignOp') groups.push([]);
      else if (c.name !== 'TypeDef') groups[groups.length - 1].push(c);
    }
    const valueGroup = groups.pop()!;
    if (groups.length === 0) return; // annotation only: `x: int`
    const valueNodes = valueGroup.filter((c) => !isPunct(c));
    const values = valueNodes.map((v) => this.eval(v, scope));
    const value = valueNodes.length === 1 && !valueGroup.some((c) => c.name === ',') ? values[0] : { t: 'tuple' as const, items: values };
    for (const group of groups) {
      const targets = group.filter((c) => !isPunct(c));
      // `   = value` while typing: the target is a parse error node, so there is nothing to bind.
      if (targets.length === 0) continue;
      if (targets.length === 1 && !group.some((c) => c.name === ',')) assignTarget(this, targets[0], value, scope);
      else assignTarget(this, null, value, scope, targets);
    }
  }

  private execUpdate(node: SyntaxNode, scope: Scope): void {
    const [target, opNode, ...rest] = kids(node).filter((c) => !isPunct(c));
    if (!target || !opNode || rest.length === 0) return;
    const op = this.ctx.source(opNode).slice(0, -1);
    const current = this.eval(target, scope);
    const rhs = this.eval(rest[0], scope);
    if (op === '+' && current.t === 'list') {
      const items = iterate(rhs, this.ctx);
      if (items) {
        // In place, as Python does (other names for the list see it grow), reserved first.
        if (!this.ctx.allocate(items.length)) assignTarget(this, target, unknown('a list past the allocation budget'), scope);
        else for (let i = 0, n = items.length; i < n; i++) current.items.push(items[i]);
        return;
      }
    }
    assignTarget(this, target, binaryOp(this, op, current, rhs, node), scope);
  }

  private execIf(node: SyntaxNode, scope: Scope): Flow {
    const parts = kids(node);
    const branches: { cond: SyntaxNode | null; body: SyntaxNode }[] = [];
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      if ((p.name === 'if' || p.name === 'elif') && parts[i + 2]?.name === 'Body') branches.push({ cond: parts[i + 1], body: parts[i + 2] });
      else if (p.name === 'else' && parts[i + 1]?.name === 'Body') branches.push({ cond: null, body: parts[i + 1] });
    }
    for (let b = 0; b < branches.length; b++) {
      const { cond, body } = branches[b];
      if (!cond) return this.execBlock(body, scope);
      const truth = truthy(this.eval(cond, scope));
      if (truth === true) return this.execBlock(body, scope);
      if (truth === null) return this.execUnknownBranch(cond, body, branches.slice(b + 1), scope);
    }
    return undefined;
  }

  /**
   * Unknown condition: every branch is analysed (for diagnostics), and the program continues
   * with the first branch's effects, as if the condition were true.
   */
  private execUnknownBranch(cond: SyntaxNode, body: SyntaxNode, rest: { cond: SyntaxNode | null; body: SyntaxNode }[], scope: Scope): Flow {
    this.ctx.diagnostics.info('unknown-condition', `ConvLens could not evaluate \`${this.ctx.source(cond)}\`: both branches are analysed, and the model follows this one.`, this.ctx.span(cond));
    this.ctx.work(scope.vars.size * (rest.length + 1));
    const saved = new Map(scope.vars);
    for (const alt of rest) {
      this.execBlock(alt.body, scope);
      scope.vars.clear();
      for (const [k, v] of saved) scope.vars.set(k, v);
    }
    return this.execBlock(body, scope);
  }

  private execFor(node: SyntaxNode, scope: Scope): Flow {
    const parts = kids(node);
    const inIdx = parts.findIndex((p) => p.name === 'in');
    const bodyIdx = parts.findIndex((p) => p.name === 'Body');
    if (inIdx < 0 || bodyIdx < 0) return undefined;
    const targetGroup = parts.slice(1, inIdx);
    const targets = targetGroup.filter((c) => !isPunct(c));
    const iterNodes = parts.slice(inIdx + 1, bodyIdx).filter((c) => !isPunct(c));
    const iterValue = iterNodes.length === 1 ? this.eval(iterNodes[0], scope) : { t: 'tuple' as const, items: iterNodes.map((n) => this.eval(n, scope)) };
    const items = sequence(iterValue, this.ctx);
    if (items === null) {
      this.ctx.diagnostics.info('unknown-iterable', `ConvLens could not evaluate what \`for\` iterates over (${this.ctx.source(iterNodes[0] ?? node)}); the loop body is skipped.`, this.ctx.span(iterNodes[0] ?? node));
      return undefined;
    }
    const body = parts[bodyIdx];
    // As many iterations as the list had when the loop began (appending in the body cannot make it endless).
    const count = items.length;
    this.loopDepth++;
    try {
      for (let i = 0; i < count; i++) {
        const item = items.at(i);
        if (item === undefined) break;
        this.ctx.budget.step(node);
        if (targets.length === 1 && !targetGroup.some((c) => c.name === ',')) assignTarget(this, targets[0], item, scope);
        else assignTarget(this, null, item, scope, targets);
        const flow = i === 0 ? this.execBlock(body, scope) : walkedAgain(() => this.execBlock(body, scope));
        if (flow === BREAK) return undefined;
        if (flow !== undefined && flow !== CONTINUE) return flow;
      }
    } finally {
      this.loopDepth--;
    }
    const elseBody = parts.slice(bodyIdx + 1).find((p) => p.name === 'Body');
    return elseBody ? this.execBlock(elseBody, scope) : undefined;
  }

  private execWhile(node: SyntaxNode, scope: Scope): Flow {
    const parts = kids(node);
    const cond = parts[1];
    const body = parts.find((p) => p.name === 'Body');
    if (!cond || !body) return undefined;
    this.loopDepth++;
    try {
      for (let i = 0; ; i++) {
        this.ctx.budget.step(node);
        const truth = truthy(this.eval(cond, scope));
        if (truth === null) {
          this.ctx.diagnostics.info('unknown-condition', `ConvLens could not evaluate the \`while\` condition \`${this.ctx.source(cond)}\`; the loop body is skipped.`, this.ctx.span(cond));
          return undefined;
        }
        if (!truth) return undefined;
        const flow = i === 0 ? this.execBlock(body, scope) : walkedAgain(() => this.execBlock(body, scope));
        if (flow === BREAK) return undefined;
        if (flow !== undefined && flow !== CONTINUE) return flow;
      }
    } finally {
      this.loopDepth--;
    }
  }

  private execWith(node: SyntaxNode, scope: Scope): Flow {
    const parts = kids(node);
    for (let i = 0; i < parts.length; i++) {
      if (parts[i].name === 'as' && parts[i + 1]) assignTarget(this, parts[i + 1], unknown('a `with` context value'), scope);
      else if (parts[i].name !== 'with' && parts[i].name !== 'Body' && !isPunct(parts[i]) && parts[i - 1]?.name !== 'as') this.eval(parts[i], scope);
    }
    const body = parts.find((p) => p.name === 'Body');
    return body ? this.execBlock(body, scope) : undefined;
  }

  parseParams(paramList: SyntaxNode | undefined, scope: Scope): ParamDef[] {
    const params: ParamDef[] = [];
    if (!paramList) return params;
    let kind: ParamDef['kind'] = 'normal';
    const parts = kids(paramList);
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      if (p.name === '*') {
        if (parts[i + 1]?.name === 'VariableName') params.push({ name: this.ctx.source(parts[++i]), kind: 'star' });
        kind = 'kwonly';
      } else if (p.name === '**') {
        if (parts[i + 1]?.name === 'VariableName') params.push({ name: this.ctx.source(parts[++i]), kind: 'dstar' });
      } else if (p.name === 'VariableName') {
        const def: ParamDef = { name: this.ctx.source(p), kind };
        let j = i + 1;
        if (parts[j]?.name === 'TypeDef') j++;
        if (parts[j]?.name === 'AssignOp' && parts[j + 1]) {
          def.default = this.eval(parts[j + 1], scope);
          j++;
        }
        i = j;
        params.push(def);
      }
    }
    return params;
  }

  private defineFunction(node: SyntaxNode, scope: Scope): void {
    const parts = kids(node);
    const nameNode = parts.find((p) => p.name === 'VariableName');
    const body = parts.find((p) => p.name === 'Body');
    if (!nameNode || !body) return;
    const name = this.ctx.source(nameNode);
    const fn: FuncValue = { t: 'func', name, params: this.parseParams(parts.find((p) => p.name === 'ParamList'), scope), body, isLambda: false, closure: scope };
    scope.assign(name, fn);
  }

  private defineClass(node: SyntaxNode, scope: Scope): void {
    const parts = kids(node);
    const nameNode = parts.find((p) => p.name === 'VariableName');
    const body = parts.find((p) => p.name === 'Body');
    if (!nameNode || !body) return;
    const argList = parts.find((p) => p.name === 'ArgList');
    const bases = argList ? kids(argList).filter((c) => !isPunct(c) && c.name !== 'AssignOp').map((b) => this.eval(b, scope)) : [];
    const classScope = new Scope(scope);
    this.execBlock(body, classScope);
    const cls: ClassValue = { t: 'class', name: this.ctx.source(nameNode), bases, attrs: classScope.vars, span: this.ctx.span(nameNode) };
    for (const v of cls.attrs.values()) {
      // Methods resolve names in the enclosing scope, not the class body (Python semantics).
      if (v.t === 'func') {
        v.ownerClass = cls;
        v.closure = scope;
      }
    }
    scope.assign(cls.name, cls);
  }
}

/** `import keras`, `import tensorflow as tf`, `from keras import layers as L`, `import math`. */
function importStatement(ctx: TraceContext, node: SyntaxNode, scope: Scope): void {
  const parts = kids(node);
  const isFrom = parts[0]?.name === 'from';
  const importIdx = parts.findIndex((p) => p.name === 'import');
  const dotted = (nodes: SyntaxNode[]) => nodes.map((n) => ctx.source(n)).join('');
  if (isFrom) {
    const module = dotted(parts.slice(1, importIdx));
    const names = parts.slice(importIdx + 1);
    const missing = refusedModule(module);
    if (missing) reportRefusal(ctx, 'keras3-removed', missing, ctx.span(node));
    for (let i = 0; i < names.length; i++) {
      if (names[i].name !== 'VariableName') continue;
      const name = ctx.source(names[i]);
      const refused = missing ? null : refusedImportName(module, name);
      if (refused) reportRefusal(ctx, 'keras3-removed', refused, ctx.span(names[i]));
      let alias = name;
      if (names[i + 1]?.name === 'as' && names[i + 2]) {
        alias = ctx.source(names[i + 2]);
        i += 2;
      }
      scope.assign(alias, { t: 'module', path: `${module}.${name}` });
    }
    return;
  }
  let i = importIdx + 1;
  while (i < parts.length) {
    const start = i;
    while (i < parts.length && (parts[i].name === 'VariableName' || parts[i].name === '.')) i++;
    const module = dotted(parts.slice(start, i));
    const missing = module ? refusedModule(module) : null;
    if (missing) reportRefusal(ctx, 'keras3-removed', missing, ctx.span(node));
    if (parts[i]?.name === 'as' && parts[i + 1]) {
      scope.assign(ctx.source(parts[i + 1]), { t: 'module', path: module });
      i += 2;
    } else if (module) {
      const top = module.split('.')[0];
      scope.assign(top, { t: 'module', path: top });
    }
    if (parts[i]?.name === ',') i++;
    else if (i === start) i++;
  }
}
