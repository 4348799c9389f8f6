/**
 * The hook by which the incremental trace runs a builder's body statement by statement
 * (body_graft.ts): set per interpreter, outside the state a checkpoint saves.
 */
import type { SyntaxNode } from '@lezer/common';
import type { Flow, Interpreter } from './interpreter';
import type { Scope } from './scope';

/** Runs a function body called straight from a module-level statement, statement by statement (body_graft.ts). */
export interface BodyRunner {
  run(it: Interpreter, body: SyntaxNode, scope: Scope): Flow;
}

/**
 * The incremental trace's runner of each interpreter, if any: the tracer's, not the trace's state,
 * so out of a checkpoint's reach (which saves what the interpreter holds).
 */
const bodyRunners = new WeakMap<Interpreter, BodyRunner>();

export function setBodyRunner(it: Interpreter, runner: BodyRunner | null): void {
  if (runner) bodyRunners.set(it, runner);
  else bodyRunners.delete(it);
}

/** The runner set for `it`, if any. */
export function bodyRunnerOf(it: Interpreter): BodyRunner | undefined {
  return bodyRunners.get(it);
}
