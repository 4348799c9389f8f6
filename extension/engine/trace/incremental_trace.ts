/**
 * Tracing one document again and again as it is edited, re-running only what an edit can affect.
 * Module-level statements run in order, and the state before a statement depends only on the
 * statements before it (and the options): so the state before the first statement an edit
 * touched is saved once (a checkpoint), and each later trace restores it and runs from there,
 * then finishes as a full trace does. Once the statements it runs again leave the state the last
 * trace had at the same point, the last trace's plain layer statements after it are taken over
 * instead of run (its early cut-off: statement_graft.ts). The result is the same as `trace` on
 * the same text, always (test/unit/incremental_trace.test.ts and statement_graft.test.ts compare
 * them over random and chosen edits); whatever cannot be
 * proven reusable (other options, a changed statement before the checkpoint, a state that cannot
 * be saved, a run stopped by the time safety net) is traced from the start.
 *
 * A result stays valid until the next `trace` call of the same tracer (which changes its objects).
 */
import type { SyntaxNode, TreeCursor } from '@lezer/common';
import { BodyCutoff, type BodyRuns } from './body_graft';
import { Checkpoint, WriteLog } from './checkpoint';
import { EditPlace, type StatementSpan } from './edit_place';
import { setBodyRunner } from './body_runner';
import { kids } from './syntax_children';
import { dropStaleGraphs, forgetGraphsOf } from './recent_graphs';
import { Graft } from './statement_graft';
import { afterStatement, beforeStatement, type StatementRecord } from './statement_record';
import { reuseEnabled } from '../reuse';
import { finishTrace, readDirectives, runGuarded, startTrace, type TraceRequest, type TraceResult, type TraceState } from './trace';

/**
 * The module's statements (`kids` of the top node: comments and error nodes left out), read with a
 * cursor: a keystroke lists a thousand, and runs few, so syntax node objects are made only for
 * those (statementNode).
 */
function moduleStatements(top: SyntaxNode): StatementSpan[] {
  const out: StatementSpan[] = [];
  const c = top.cursor();
  if (!c.firstChild()) return out;
  do {
    if (c.name !== 'Comment' && c.name !== '⚠') out.push({ name: c.name, from: c.from, to: c.to });
  } while (c.nextSibling());
  return out;
}

/** A listed statement's syntax node: the first child of the top node ending after its start is it. */
function statementNode(top: SyntaxNode, at: StatementSpan): SyntaxNode {
  const found = top.childAfter(at.from);
  if (found && found.from === at.from && found.to === at.to && found.name === at.name) return found;
  // Not expected (children do not overlap); found the slow way rather than trusted.
  return kids(top).find((n) => n.from === at.from && n.to === at.to && n.name === at.name)!;
}

/**
 * The syntax nodes of a trace's statements, asked for in order. The next few are reached by moving
 * a cursor from the last one (a whole file run again asks for every statement, and a lookup from
 * the top node for each took an eighth of it); one further on (past statements taken over) is
 * looked up.
 */
class StatementNodes {
  private cursor: TreeCursor | null = null;
  private index = -1;
  /** How many statements the cursor moves over before a lookup is cheaper. */
  private static readonly WALK = 8;

  constructor(private readonly top: SyntaxNode, private readonly statements: readonly StatementSpan[]) {}

  at(index: number): SyntaxNode {
    const span = this.statements[index];
    const c = this.cursor;
    if (c && index > this.index && index - this.index <= StatementNodes.WALK) {
      while (c.from < span.from && c.nextSibling()) { /* comments and error nodes between are passed over */ }
      this.index = index;
      if (c.from === span.from && c.to === span.to && c.name === span.name) return c.node;
    }
    const node = statementNode(this.top, span);
    this.cursor = node.cursor();
    this.index = index;
    return node;
  }
}

/** What a checkpoint needs to match to be reused. */
interface Saved {
  checkpoint: Checkpoint;
  /** How many statements had run. */
  index: number;
  /** Those statements, and the text up to the end of the last one. */
  statements: StatementSpan[];
  prefix: string;
}

export interface IncrementalStats {
  /** Statements run in the last trace, how many were reused from a checkpoint, and how many taken over from the trace before (statement_graft.ts). */
  ran: number;
  reused: number;
  grafted: number;
  /** Of those taken over, the helper calls (`x = block(x, 64)`) and module-level loops and ifs (watched_statement.ts). */
  graftedHelpers: number;
  /** Statements taken over in function bodies called from module-level statements (body_graft.ts). */
  graftedInBodies: number;
  /** Why the last trace started from the beginning, or null when it resumed. */
  fresh: string | null;
}

export class IncrementalTracer {
  private state: TraceState | null = null;
  /** The options the state was made with. */
  private optionsKey = '';
  private saved: Saved | null = null;
  /**
   * The checkpoint was made or resumed from by the last trace: it matches that trace's statements,
   * so it matches every statement the new text has unchanged (those before `changed`).
   */
  private savedMatchesLast = false;
  /** The statements and text of the last trace. */
  private last: { text: string; statements: StatementSpan[] } | null = null;
  /** What each statement of the last trace did, from the first one it ran on (statement_graft.ts). */
  private records: StatementRecord[] = [];
  /** What the bodies of functions called from module-level statements did in the last trace (body_graft.ts). */
  private bodies: BodyRuns = new Map();
  /**
   * The last trace's statements that made a model (`model = build_model()`): never plain, so run
   * again unchanged they are not watched as helper calls, and the body they call is cut off with
   * its own calls and loops watched (body_graft.ts: one watch at a time).
   */
  private builders = new Set<number>();
  stats: IncrementalStats = { ran: 0, reused: 0, grafted: 0, graftedHelpers: 0, graftedInBodies: 0, fresh: 'first trace' };

  trace(req: TraceRequest): TraceResult {
    try {
      return this.run(req);
    } catch (e) {
      // A state left half-way is never resumed from.
      this.reset();
      throw e;
    }
  }

  /** Forgets everything: the next trace starts from the beginning. */
  reset(): void {
    if (this.state) forgetGraphsOf(this.state.ctx.layers);
    this.state = null;
    this.saved = null;
    this.last = null;
    this.records = [];
    this.bodies = new Map();
    this.builders = new Set();
  }

  private run(req: TraceRequest): TraceResult {
    const top = req.tree.topNode;
    const statements = moduleStatements(top);
    const optionsKey = JSON.stringify([req.limits ?? null, req.defaultInputShape ?? null]);
    // How much of the last trace's text the new one starts with (the edit's start).
    const same = this.last ? commonPrefixLength(this.last.text, req.text) : 0;
    const changed = this.firstChanged(same, statements, optionsKey);
    // The checkpoint was the last trace's: its state after the checkpoint is what this one starts from.
    const resumedFromLast = this.savedMatchesLast;
    let start = 0;
    let fresh = this.whyNotResumable(req.text, statements, optionsKey, changed);
    if (fresh === null) {
      try {
        this.saved!.checkpoint.restore();
        start = this.saved!.index;
      } catch {
        fresh = 'the checkpoint could not be restored';
      }
    }
    if (fresh !== null) {
      if (this.state) forgetGraphsOf(this.state.ctx.layers);
      this.state = startTrace(req);
      this.saved = null;
      this.optionsKey = optionsKey;
    } else {
      this.resume(this.state!, req);
      dropStaleGraphs();
    }
    const state = this.state!;
    const edit = fresh === null && resumedFromLast ? this.editPlace(req.text, same, statements) : null;
    const graft = edit && new Graft(state, this.records, (i) => edit.shift(statements[i], this.last!.statements[i]), edit.move);
    const recording = reuseEnabled();
    // Function bodies called from module-level statements are cut off too, from their last runs.
    const bodies = recording ? new BodyCutoff(state, graft ? this.bodies : new Map(), edit, graft) : null;
    // The last trace's records are the cut-off's to take from, and nobody's after (not even a local
    // here: held on, they kept that trace alive through this one, whose objects V8 then took for
    // long-lived).
    this.records = [];
    this.bodies = new Map();
    const builders = new Set<number>();
    // One per statement, made at its size (a keystroke writes a thousand: grown, it was copied as it grew).
    const records: StatementRecord[] = new Array<StatementRecord>(statements.length).fill(null);
    let next = start;
    const nodes = new StatementNodes(top, statements);
    setBodyRunner(state.it, bodies);
    try {
      runGuarded(state.ctx, () => {
        for (; next <= statements.length; next++) {
          if (next === changed && next !== this.saved?.index) this.save(state, next, statements, req.text);
          if (next === statements.length) break;
          const node = nodes.at(next);
          const unchanged = graft !== null && edit!.shift(statements[next], this.last!.statements[next]) !== null;
          const before = recording ? beforeStatement(state, node, state.module, !(unchanged && this.builders.has(next))) : null;
          bodies?.enter(next, unchanged);
          const models = state.ctx.models.length;
          state.it.exec(node, state.module);
          if (state.ctx.models.length > models) builders.add(next);
          const record = before && afterStatement(state, before);
          records[next] = record;
          // The last trace's statements are taken over up to the edited one (whose checkpoint is saved first).
          if (graft) next = graft.afterStatement(next, record, next < changed ? changed : statements.length, records);
        }
      });
    } finally {
      setBodyRunner(state.it, null);
    }
    this.records = records;
    this.bodies = bodies?.runs ?? new Map();
    this.builders = builders;
    this.stats = { ran: statements.length - start - (graft?.taken ?? 0), reused: start, grafted: graft?.taken ?? 0, graftedHelpers: graft?.helpers ?? 0, graftedInBodies: bodies?.taken ?? 0, fresh };
    this.last = { text: req.text, statements };
    // Stopped by the time safety net (not deterministic): never resumed from.
    if (next < statements.length) this.saved = null;
    // A checkpoint kept now was resumed from or made by this trace, on these statements.
    this.savedMatchesLast = this.saved !== null;
    return finishTrace(state, req);
  }

  /**
   * For a trace resumed from the checkpoint the last trace made or resumed from, on a text with as
   * many statements: where the edit is, so where each of the last trace's statements and spans
   * is now (statement_graft.ts takes them over); null when there is no cut-off.
   */
  private editPlace(text: string, same: number, statements: StatementSpan[]): EditPlace | null {
    const last = this.last;
    if (!last || !reuseEnabled() || last.statements.length !== statements.length) return null;
    return new EditPlace(last.text.length, text.length, same, commonSuffixLength(last.text, text, same));
  }

  /** Why the checkpoint cannot be resumed from for this text and these options, or null when it can. */
  private whyNotResumable(text: string, statements: StatementSpan[], optionsKey: string, changed: number): string | null {
    const saved = this.saved;
    if (!this.state || !saved) return 'nothing to resume from';
    if (optionsKey !== this.optionsKey) return 'other options';
    if (saved.index > changed) return 'an edit before the checkpoint';
    if (!this.savedMatchesLast && !this.matches(saved, text, statements)) return 'the text before the checkpoint changed';
    return null;
  }

  /** Index of the first statement that is not the same as in the last trace (or past the end). */
  private firstChanged(same: number, statements: StatementSpan[], optionsKey: string): number {
    if (!this.last || optionsKey !== this.optionsKey) return 0;
    const before = this.last;
    let i = 0;
    while (i < statements.length && i < before.statements.length && statements[i].to < same && sameSpan(statements[i], before.statements[i])) i++;
    return i;
  }

  private matches(saved: Saved, text: string, statements: StatementSpan[]): boolean {
    if (statements.length < saved.index) return false;
    for (let i = 0; i < saved.index; i++) if (!sameSpan(statements[i], saved.statements[i])) return false;
    return text.length >= saved.prefix.length && text.startsWith(saved.prefix);
  }

  private save(state: TraceState, index: number, statements: StatementSpan[], text: string): void {
    const log = new WriteLog();
    state.ctx.settleTensorNames(log);
    state.ctx.settleGraph(log);
    const checkpoint = Checkpoint.save([state.ctx, state.it, state.module], log);
    this.saved = checkpoint && { checkpoint, index, statements: statements.slice(0, index), prefix: index > 0 ? text.slice(0, statements[index - 1].to) : '' };
  }

  /** After a restore: the new text, its directives, and a full time safety net. */
  private resume(state: TraceState, req: TraceRequest): void {
    state.ctx.text = req.text;
    // Directives the statements before the checkpoint read lie before them, so are unchanged; later ones may differ.
    state.ctx.directives.length = 0;
    state.ctx.directives.push(...readDirectives(req.text));
    state.ctx.budget.restartClock();
    state.ctx.renewTensorNames();
  }
}

function sameSpan(a: StatementSpan, b: StatementSpan): boolean {
  return a.name === b.name && a.from === b.from && a.to === b.to;
}

/** Length of the common suffix of `a` and `b` that does not overlap their common prefix of length `prefix`. */
function commonSuffixLength(a: string, b: string, prefix: number): number {
  const n = Math.min(a.length, b.length) - prefix;
  const BLOCK = 1024;
  let i = 0;
  while (i + BLOCK <= n && a.slice(a.length - i - BLOCK, a.length - i) === b.slice(b.length - i - BLOCK, b.length - i)) i += BLOCK;
  while (i < n && a.charCodeAt(a.length - 1 - i) === b.charCodeAt(b.length - 1 - i)) i++;
  return i;
}

/** Compared a block at a time (native string equality), then a character at a time in the first differing block. */
function commonPrefixLength(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  const BLOCK = 1024;
  let i = 0;
  while (i + BLOCK <= n && a.slice(i, i + BLOCK) === b.slice(i, i + BLOCK)) i += BLOCK;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

