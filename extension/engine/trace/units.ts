/**
 * Faults cost only the code they happen in. A statement that throws internally is skipped (the
 * rest of its block runs); a unit (a module-level statement, a statement of a function that one
 * calls directly such as `main()`, one model's trace) that runs out of its share of the budget is
 * cut short, and the units after it still run.
 */
import type { Span } from '../source';
import { TraceAbort } from './budget';
import type { TraceContext } from './context';

/**
 * Not a fault: an exception the tracer raises on purpose to leave several frames at once (a
 * definition refusing its arguments). Statements let it through to whoever expects it.
 */
export class TraceSignal extends Error {}

/** An expression nested past the tracer's fixed depth (expressions.ts): a stack overflow that comes at the same depth everywhere. */
export class NestedTooDeeply extends Error {}

/** A real JS stack overflow (as opposed to other RangeErrors: bad array length, toFixed ...), or nesting past the tracer's depth. */
export function isStackOverflow(e: unknown): boolean {
  return e instanceof NestedTooDeeply || (e instanceof RangeError && /call stack/i.test(e.message));
}

/** Records a non-budget fault of the statement at `site`; the caller carries on without it. */
export function reportStatementFault(ctx: TraceContext, e: unknown, site: Span): void {
  if (isStackOverflow(e)) {
    ctx.diagnostics.warning('trace-limit', 'This statement is nested too deeply to analyse; it is skipped and the rest of the file is still analysed.', ctx.span(site));
  } else {
    const what = e instanceof Error ? e.message : String(e);
    ctx.diagnostics.warning('internal-error', `ConvLens hit an internal error on this statement and skipped it (${what}); the rest of the file is still analysed. Please report it.`, ctx.span(site));
  }
}

/** Runs one unit with its own share of the budget; budget stops and faults end only this unit (false). */
export function runUnit(ctx: TraceContext, site: Span, run: () => void): boolean {
  try {
    ctx.budget.unit(run);
    return true;
  } catch (e) {
    if (e instanceof TraceSignal) throw e;
    if (!(e instanceof TraceAbort)) reportStatementFault(ctx, e, site);
    else if (e.kind === 'time') throw e;
    else ctx.diagnostics.warning('trace-limit', e.message, ctx.span(e.span));
    return false;
  }
}
