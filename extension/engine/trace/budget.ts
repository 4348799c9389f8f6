/**
 * Hard bounds on tracing. User code never runs unbounded, and the bounds count work, not time,
 * so a file gives the same result on every machine: steps (one per statement or expression
 * evaluated, plus the bulk work of builtins), elements allocated, call depth. A wall-clock limit
 * stays as a safety net only.
 */
import type { Span } from '../source';

export interface TraceLimits {
  /** Work, in steps: one per statement or expression evaluated; bulk work at ELEMENTS_PER_STEP. */
  maxSteps: number;
  maxDepth: number;
  /** List, tuple and dict items and string characters that bulk operations may create, in all. */
  maxElements: number;
  /** Safety net for a machine far slower than the step budget assumes; normally never reached. */
  maxMillis: number;
}

/**
 * A step costs about 0.5 µs, so 1,000,000 steps is about half a second of work; the examples
 * need under 2,000. 2,000,000 elements keep the worst case (boxed ints) under ~100 MB. The steps
 * decide where an analysis stops; the 10 s clock is only the last-resort net (a loaded machine
 * runs 5-10x slower, and must still give the same answer).
 */
export const DEFAULT_LIMITS: TraceLimits = { maxSteps: 1_000_000, maxDepth: 64, maxElements: 2_000_000, maxMillis: 10_000 };

/** Element operations (copying or comparing one item) charged as one step (measured: about as long). */
export const ELEMENTS_PER_STEP = 8;

/** Making a new value (a boxed int, a one-character string, a tuple) costs this many element operations. */
export const NEW_VALUE_WORK = 8;

/**
 * A unit (a module-level statement, a statement of a function one calls directly, or tracing one
 * model) may use this share of what is left of each budget, so a statement that never finishes still
 * leaves half for the code after it.
 */
const UNIT_SHARE = 0.5;

/**
 * Steps charged for constructing a layer, and again for each call of it: binding its arguments,
 * building it, its graph node and its analysis later each take about this long (measured). A
 * Sequential of one layer repeated 10^5 times is a single statement, but 10^5 calls.
 */
export const LAYER_STEPS = 16;

/** Steps between two looks at the clock. */
const CLOCK_EVERY = 1024;

/** What a bulk operation charges before it does its work. */
export interface Meter {
  /** Charges `n` element operations (throws TraceAbort when the work budget runs out). */
  work(n: number): void;
  /** Reserves `n` new elements (items, characters): false when the allocation budget is spent. */
  allocate(n: number): boolean;
  /** Like allocate, for `n` elements that are new values too (they cost more to make). */
  allocateValues(n: number): boolean;
}

/** Why a trace stopped: work and depth stop one unit, time (the safety net) stops them all. */
export type AbortKind = 'steps' | 'depth' | 'time';

/** Thrown to stop a unit (or, for time, the whole trace); reported as a diagnostic. */
export class TraceAbort extends Error {
  constructor(message: string, readonly span: Span, readonly kind: AbortKind) {
    super(message);
  }
}

export class Budget {
  steps = 0;
  depth = 0;
  elements = 0;
  /** The node last stepped on: where bulk work is charged and reported. */
  site: Span = { from: 0, to: 0 };
  private stepLimit: number;
  private elementLimit: number;
  /** Steps used when the innermost unit began (for its message). */
  private unitStart = 0;
  /** Element operations not yet charged as a whole step. */
  private spareWork = 0;
  private nextClockCheck = CLOCK_EVERY;
  private deadline: number;
  private graced = false;
  /** For replaying a recorded stretch of work (trace_replay.ts): all bulk work, refusals, the deepest call. */
  private workDone = 0;
  private refusals = 0;
  private deepest = 0;

  constructor(readonly limits: TraceLimits) {
    this.stepLimit = limits.maxSteps;
    this.elementLimit = limits.maxElements;
    this.deadline = Date.now() + limits.maxMillis;
  }

  /** Runs `run` with its share of what is left of the step and element budgets. */
  unit<T>(run: () => T): T {
    const outer = { steps: this.stepLimit, elements: this.elementLimit, start: this.unitStart };
    this.stepLimit = this.steps + Math.floor((this.stepLimit - this.steps) * UNIT_SHARE);
    this.elementLimit = this.elements + Math.floor((this.elementLimit - this.elements) * UNIT_SHARE);
    this.unitStart = this.steps;
    try {
      return run();
    } finally {
      this.stepLimit = outer.steps;
      this.elementLimit = outer.elements;
      this.unitStart = outer.start;
    }
  }

  /** After the time safety net fired: a little more time, once, to finish the models already built. */
  grace(): void {
    if (this.graced) return;
    this.graced = true;
    this.deadline = Date.now() + Math.max(50, this.limits.maxMillis / 10);
    this.depth = 0;
  }

  /** A trace resumed from a checkpoint has the whole time safety net again, as a fresh one would. */
  restartClock(): void {
    this.deadline = Date.now() + this.limits.maxMillis;
  }

  step(site: Span, steps = 1): void {
    this.site = site;
    this.charge(steps);
  }

  /** Bulk work on `n` elements, charged before it is done. */
  work(n: number): void {
    this.workDone += n;
    this.spareWork += n;
    if (this.spareWork < ELEMENTS_PER_STEP) return;
    const steps = Math.floor(this.spareWork / ELEMENTS_PER_STEP);
    this.spareWork -= steps * ELEMENTS_PER_STEP;
    this.charge(steps);
  }

  /** Reserves `n` new elements (and charges making them); false past the allocation budget. */
  allocate(n: number, workEach = 1): boolean {
    if (n > this.elementLimit - this.elements) {
      this.refusals++;
      return false;
    }
    this.work(n * workEach);
    this.elements += n;
    return true;
  }

  private charge(steps: number): void {
    this.steps += steps;
    if (this.steps > this.stepLimit) {
      // Work refused is not done: what is left for the units after this one stays exact.
      this.steps = this.stepLimit;
      const share = (this.stepLimit - this.unitStart).toLocaleString('en-US');
      throw new TraceAbort(`Analysis stopped here after ${share} steps of work, this statement's share of the budget (a very long or endless loop?); the rest of the file is still analysed.`, this.site, 'steps');
    }
    if (this.steps >= this.nextClockCheck) {
      this.nextClockCheck = this.steps + CLOCK_EVERY;
      if (Date.now() > this.deadline) {
        throw new TraceAbort(`Analysis stopped by the ${this.limits.maxMillis} ms time safety net before its work budget ran out (this machine is slower than ConvLens expects); the models traced so far are shown.`, this.site, 'time');
      }
    }
  }

  enter(span: Span): void {
    if (++this.depth > this.limits.maxDepth) {
      this.depth--;
      throw new TraceAbort(`Analysis stopped here: calls nested deeper than ${this.limits.maxDepth} (unbounded recursion?); the rest of the file is still analysed.`, span, 'depth');
    }
    if (this.depth > this.deepest) this.deepest = this.depth;
  }

  leave(): void {
    this.depth--;
  }

  /** The counters as they are (statement_graft.ts compares them between traces), the site aside. */
  counters(): BudgetMark {
    return { steps: this.steps, spare: this.spareWork, work: this.workDone, elements: this.elements, refusals: this.refusals, depth: this.depth, deepest: this.deepest };
  }

  /**
   * Takes the counters another trace recorded after the same statements, run from counters equal
   * to these (statement_graft.ts): what running them again here would leave.
   */
  takeCounters(c: BudgetMark, site: Span): void {
    this.steps = c.steps;
    this.spareWork = c.spare;
    this.workDone = c.work;
    this.elements = c.elements;
    this.refusals = c.refusals;
    this.depth = c.depth;
    this.deepest = c.deepest;
    this.site = site;
  }

  /** Where a recorded stretch of work starts (see `usedSince`). */
  mark(): BudgetMark {
    const mark = this.counters();
    this.deepest = this.depth;
    return mark;
  }

  /**
   * What the work since `mark` used, or null when it depended on the limits (an allocation was
   * refused). Steps are split into direct ones and bulk work, whose rounding depends on the
   * fraction of a step left over before it.
   */
  usedSince(mark: BudgetMark): BudgetUse | null {
    const used = this.refusals === mark.refusals
      ? { work: this.workDone - mark.work, directSteps: 0, elements: this.elements - mark.elements, depth: this.deepest - mark.depth }
      : null;
    if (used) used.directSteps = this.steps - mark.steps - Math.floor((mark.spare + used.work) / ELEMENTS_PER_STEP);
    this.deepest = Math.max(this.deepest, mark.deepest);
    return used;
  }

  /** True when doing `use` again now stays within every limit (so it would not stop anywhere). */
  fits(use: BudgetUse): boolean {
    const steps = use.directSteps + Math.floor((this.spareWork + use.work) / ELEMENTS_PER_STEP);
    return this.steps + steps <= this.stepLimit && this.elements + use.elements <= this.elementLimit && this.depth + use.depth <= this.limits.maxDepth;
  }

  /** Charges `use` as if its work were done again here (only after `fits`). */
  replay(use: BudgetUse, site: Span): void {
    const total = this.spareWork + use.work;
    this.steps += use.directSteps + Math.floor(total / ELEMENTS_PER_STEP);
    this.spareWork = total % ELEMENTS_PER_STEP;
    this.workDone += use.work;
    this.elements += use.elements;
    this.deepest = Math.max(this.deepest, this.depth + use.depth);
    this.site = site;
  }
}

export interface BudgetMark {
  steps: number;
  spare: number;
  work: number;
  elements: number;
  refusals: number;
  depth: number;
  deepest: number;
}

/** The budget a stretch of work used: direct steps, bulk element work, elements, call depth below its start. */
export interface BudgetUse {
  directSteps: number;
  work: number;
  elements: number;
  depth: number;
}
