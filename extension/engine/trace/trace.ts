/** Entry point of the tracer: a parsed file in, the models it builds and diagnostics out. */
import type { Tree } from '@lezer/common';
import type { Shape } from '../../../kernels/types';
import type { Diagnostic } from '../diagnostics';
import type { LayerInstance, ModelGraph } from '../graph';
import { DEFAULT_LIMITS, TraceAbort, TraceLimits } from './budget';
import { InputDirective, TraceContext, type TensorName } from './context';
import { findClassAttr } from './calls';
import { Interpreter } from './interpreter';
import { TrackingBuilder } from './keras_tracking';
import { declaredInputShape, ModelObject, traceOnShape } from './models';
import { Scope } from './scope';
import { runUnit } from './units';
import { analyseUncalledBuilders } from './uncalled_builders';
import { parseInputShape } from '../input_shape';

export interface TraceResult {
  models: ModelGraph[];
  /** Names that held tensors, by source position. */
  tensorNames: TensorName[];
  layers: LayerInstance[];
  diagnostics: Diagnostic[];
  steps: number;
}

export interface TraceRequest {
  text: string;
  tree: Tree;
  limits?: Partial<TraceLimits>;
  /** Spatial/feature input shape without batch, for models that declare none. */
  defaultInputShape?: (number | null)[];
}

const DIRECTIVE = /#\s*convlens:\s*input_shape\s*=\s*[([]([^)\]]*)[)\]]/g;

export function readDirectives(text: string): InputDirective[] {
  const out: InputDirective[] = [];
  for (const m of text.matchAll(DIRECTIVE)) {
    const shape = parseInputShape(m[1]);
    if (shape) out.push({ offset: m.index!, shape, used: false });
  }
  return out;
}

/** The directive written closest before the model (or its class); a lone directive covers the file. */
function directiveFor(model: ModelObject, directives: InputDirective[]): InputDirective | undefined {
  const anchor = model.classSpan?.from ?? model.span.from;
  const before = directives.filter((d) => d.offset <= anchor);
  return before[before.length - 1] ?? (directives.length === 1 ? directives[0] : undefined);
}

/** What one trace runs on: its context, interpreter and module scope. */
export interface TraceState {
  ctx: TraceContext;
  it: Interpreter;
  module: Scope;
}

/** A fresh state for `req`, before any statement ran. */
export function startTrace(req: TraceRequest): TraceState {
  const ctx = new TraceContext(req.text, { limits: { ...DEFAULT_LIMITS, ...req.limits }, defaultInputShape: req.defaultInputShape });
  ctx.directives.push(...readDirectives(req.text));
  return { ctx, it: new Interpreter(ctx), module: new Scope(null) };
}

export function trace(req: TraceRequest): TraceResult {
  const state = startTrace(req);
  runGuarded(state.ctx, () => state.it.execModule(req.tree.topNode, state.module));
  return finishTrace(state, req);
}

/** After the module's statements: uncalled builders, models traced on their input shape, Keras' tracking. */
export function finishTrace({ ctx, it, module }: TraceState, req: TraceRequest): TraceResult {
  runGuarded(ctx, () => analyseUncalledBuilders(it, module));
  for (const model of ctx.models) {
    if (model.graph) continue;
    // Each model is traced as a unit of its own: one that cannot finish leaves the others theirs.
    runGuarded(ctx, () => runUnit(ctx, model.classSpan ?? model.span, () => {
      const directive = directiveFor(model, ctx.directives);
      const fallback = req.defaultInputShape ? [null, ...req.defaultInputShape] : null;
      const shape: Shape | null = declaredInputShape(model) ?? (directive ? [null, ...directive.shape] : fallback);
      // A Model subclass without `call` (a GAN or VAE trainer holding its networks) has no shapes to show: its networks are analysed on their own.
      const trainerOnly = model.instance !== undefined && findClassAttr(model.instance.cls, 'call') === undefined;
      if (!shape && !model.inputTensor && !trainerOnly) {
        ctx.diagnostics.info(
          'no-input-shape',
          `Model "${model.name}" has no input shape, so its shapes are unknown: start it with keras.Input(shape=...), call model.build(...), or add a comment \`# convlens: input_shape=(224, 224, 3)\` above it.`,
          model.classSpan ?? model.span,
        );
      }
      traceOnShape(it, model, shape);
    }));
  }
  const tracking = new TrackingBuilder(ctx);
  const models = ctx.models.filter((m) => m.graph).map((m) => ({ ...m.graph!, name: m.name, variable: m.variable, tracking: tracking.forModel(m), entries: tracking.entriesFor(m) }));
  // Copies of the context's lists: an incremental trace goes on changing the context after this.
  return { models, layers: [...ctx.layers], tensorNames: ctx.tensorNameList(), diagnostics: [...ctx.diagnostics.items], steps: ctx.budget.steps };
}

/** Units stop themselves; only the time safety net ends the whole run, with a grace to finish models. */
export function runGuarded(ctx: TraceContext, run: () => void): void {
  try {
    run();
  } catch (e) {
    if (!(e instanceof TraceAbort)) throw e;
    ctx.diagnostics.warning('trace-limit', e.message, ctx.span(e.span));
    ctx.budget.grace();
  }
}
