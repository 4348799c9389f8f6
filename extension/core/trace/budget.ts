/** Hard bounds on tracing: steps, call depth and wall time. User code never runs unbounded. */
import type { Span } from '../source';

export interface TraceLimits {
  maxSteps: number;
  maxDepth: number;
  maxMillis: number;
}

export const DEFAULT_LIMITS: TraceLimits = { maxSteps: 1_000_000, maxDepth: 64, maxMillis: 1500 };

/** Thrown to stop the whole trace; the tracer reports it as a diagnostic and keeps what it has. */
export class TraceAbort extends Error {
  constructor(message: string, readonly span: Span) {
    super(message);
  }
}

export class Budget {
  steps = 0;
  depth = 0;
  private deadline: number;
  private maxSteps: number;

  constructor(readonly limits: TraceLimits) {
    this.deadline = Date.now() + limits.maxMillis;
    this.maxSteps = limits.maxSteps;
  }

  /** After an abort: a small fresh allowance so models already built can still be finished. */
  grace(): void {
    this.maxSteps = this.steps + Math.max(10_000, this.limits.maxSteps / 10);
    this.deadline = Date.now() + Math.max(50, this.limits.maxMillis / 10);
    this.depth = 0;
  }

  step(span: Span): void {
    this.steps++;
    if (this.steps > this.maxSteps) {
      throw new TraceAbort(`Analysis stopped after ${this.limits.maxSteps.toLocaleString('en-US')} steps (a very long or endless loop?); the models traced so far are shown.`, span);
    }
    if ((this.steps & 1023) === 0 && Date.now() > this.deadline) {
      throw new TraceAbort(`Analysis stopped after ${this.limits.maxMillis} ms; the models traced so far are shown.`, span);
    }
  }

  enter(span: Span): void {
    if (++this.depth > this.limits.maxDepth) {
      this.depth--;
      throw new TraceAbort(`Analysis stopped: calls nested deeper than ${this.limits.maxDepth} (unbounded recursion?).`, span);
    }
  }

  leave(): void {
    this.depth--;
  }
}
