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
import type { Shape } from '../../../kernels/types';
import type { SymTensor } from '../graph';
import { markCarried } from '../reuse';
import { beforeWrite } from './checkpoint';
import { forgetGraphsOf } from './recent_graphs';
import { helperMovable, sameAsked, spotsAgree, takeHelper, type MoveSpan } from './watched_statement';
import { movedSpan } from './plain_syntax';
import type { Scope } from './scope';
import type { PlainStatement, StatementRecord } from './statement_record';
import type { TraceState } from './trace';
import type { FuncValue, Value } from './values';


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
