/**
 * The incremental trace's cut-off inside a function body: most models are built in a function,
 *
 *     def build_model(num_classes=10):
 *         inputs = keras.Input(shape=(224, 224, 3))
 *         x = layers.Conv2D(32, 3)(inputs)
 *         ...
 *         return keras.Model(inputs, outputs)
 *
 *     model = build_model()
 *
 * and a keystroke in its body makes the module-level cut-off (statement_graft.ts) run the whole
 * body again: the `def` changed, and the call is one statement. So a body called straight from a
 * module-level statement (a unit body: interpreter.ts) runs statement by statement here, each
 * recorded as a module-level statement is, and the last trace's records of the same body (the
 * same call of the same module statement, the body where it was) are taken over from its entry
 * on: before the edit, and after it once the state is the last trace's again.
 *
 * Sound for the same reasons as at module level, from one more step: when the module-level
 * cut-off is open at the calling statement (every statement run again since the checkpoint was
 * plain on both sides, so names hold what they held up to the re-made tensors it re-points) and
 * the statement is unchanged, the body's entry (its parameters and the counters) is compared as a
 * statement's record is, and each statement after it is compared or taken over in the body's scope.
 *
 * A call inside a watched statement (a module-level helper call, loop or `if`: watched_statement.ts)
 * is recorded without watching calls, loops and ifs in it (one watch at a time), and never taken
 * from; unless the edit lies in its body: then the statement cannot be taken over anyway (it
 * calls a function defined by other text), so its watch is given up (the statement is not plain)
 * and the body is cut off as any other.
 */
import type { SyntaxNode } from '@lezer/common';
import { EditPlace, type StatementSpan } from './edit_place';
import { stopWatching } from './watched_statement';
import type { BodyRunner } from './body_runner';
import type { Flow, Interpreter } from './interpreter';
import type { Scope } from './scope';
import type { Graft } from './statement_graft';
import { afterStatement, beforeStatement, bodyEntry, type StatementRecord } from './statement_record';
import { kids } from './syntax_children';
import type { TraceState } from './trace';

/** What a body's statements did when it ran: its entry's record first, then one per statement. */
export interface BodyRun {
  /** Where the body starts. */
  from: number;
  statements: StatementSpan[];
  records: StatementRecord[];
}

/** The bodies run during each module-level statement (by its index), in the order they ran. */
export type BodyRuns = Map<number, BodyRun[]>;

export class BodyCutoff implements BodyRunner {
  /** This trace's runs, the records the next trace takes from. */
  readonly runs: BodyRuns = new Map();
  /** Statements taken over in bodies, and how many of them were helper calls. */
  taken = 0;
  helpers = 0;
  private statement = -1;
  private unchanged = false;

  /**
   * `prior`: the last trace's runs; `edit` and `module`: where the edit is and the module-level
   * cut-off, when this trace resumed from the last one's checkpoint (null otherwise: only recorded).
   */
  constructor(
    private readonly state: TraceState,
    private readonly prior: BodyRuns,
    private readonly edit: EditPlace | null,
    private readonly module: Graft | null,
  ) {}

  /** Before module-level statement `index` runs; `unchanged`: its text is the last trace's. */
  enter(index: number, unchanged: boolean): void {
    this.statement = index;
    this.unchanged = unchanged;
  }

  run(it: Interpreter, body: SyntaxNode, scope: Scope): Flow {
    const { state } = this;
    const nodes = kids(body).filter((n) => n.name !== ':');
    const statements = nodes.map((n): StatementSpan => ({ name: n.name, from: n.from, to: n.to }));
    let runs = this.runs.get(this.statement);
    if (!runs) this.runs.set(this.statement, (runs = []));
    const records: StatementRecord[] = new Array<StatementRecord>(nodes.length + 1).fill(null);
    const prior = this.prior.get(this.statement)?.[runs.length];
    runs.push({ from: body.from, statements, records });
    const watch = state.ctx.watch;
    const edited = this.edit !== null && this.edit.within(body);
    if (watch && edited) {
      watch.abandoned = true;
      stopWatching(state);
    }
    const watching = state.ctx.watch === null;
    const graft = watching && scope.parent === state.module && scope.method === undefined ? this.graftFor(body, statements, prior, scope) : null;
    records[0] = bodyEntry(state, scope);
    try {
      let j = graft ? graft.afterStatement(0, records[0], records.length, records) : 0;
      for (j++; j < records.length; j++) {
        const before = beforeStatement(state, nodes[j - 1], scope, watching);
        const flow = it.exec(nodes[j - 1], scope);
        if (flow !== undefined) {
          // Returned (or broke out): not a statement to take over.
          if (before?.helper) stopWatching(state);
          return flow;
        }
        records[j] = before && afterStatement(state, before, scope);
        if (graft) j = graft.afterStatement(j, records[j], records.length, records);
      }
      return undefined;
    } finally {
      if (graft) {
        this.taken += graft.taken;
        this.helpers += graft.helpers;
      }
    }
  }

  /** The cut-off for this run of a body, from the last trace's run of it; null when there is none to take from. */
  private graftFor(body: SyntaxNode, statements: StatementSpan[], prior: BodyRun | undefined, scope: Scope): Graft | null {
    const { edit, module } = this;
    if (!edit || !module?.open || !this.unchanged || !prior || prior.statements.length !== statements.length || edit.position(prior.from) !== body.from) return null;
    const shiftOf = (i: number): number | null => (i === 0 ? 0 : edit.shift(statements[i - 1], prior.statements[i - 1]));
    return module.forBody(prior.records, shiftOf, scope);
  }
}
