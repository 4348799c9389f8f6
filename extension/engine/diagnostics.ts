/** Diagnostics produced by tracing and analysis, independent of any editor. */
import { Span } from './source';

export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic extends Span {
  severity: Severity;
  /** Stable identifier, e.g. "keras-negative-size", "gridding", "savings-separable". */
  code: string;
  message: string;
}

/** Findings at one offset searched in a list; past this many, by message. */
const FEW_AT_ONE_SPOT = 8;

const sameFinding = (a: Diagnostic, b: Diagnostic) => a.to === b.to && a.code === b.code && a.message === b.message;

function addTo(byMessage: Map<string, Diagnostic[]>, d: Diagnostic): void {
  const list = byMessage.get(d.message);
  if (list) list.push(d);
  else byMessage.set(d.message, [d]);
}

export class DiagnosticSink {
  readonly items: Diagnostic[] = [];
  /**
   * What was reported, by start offset: a number key hashes without making a string, and an
   * offset rarely holds more than one finding (every diagnostic of a 1000-layer file passes here).
   * A line in a helper's body called a thousand times holds a finding per call: past a few, an
   * offset's findings are kept by message (a list searched at every finding made that quadratic).
   */
  private readonly seen = new Map<number, Diagnostic[] | Map<string, Diagnostic[]>>();
  /** Sees every diagnostic offered, before duplicates are dropped (a trace being recorded for replay). */
  observer: ((d: Diagnostic) => void) | null = null;

  add(severity: Severity, code: string, message: string, span: Span): void {
    this.observer?.({ severity, code, message, from: span.from, to: span.to });
    this.keep({ severity, code, message, from: span.from, to: span.to });
  }

  /** A finding made elsewhere (never changed once made), kept as it is unless it was reported already. */
  take(d: Diagnostic): void {
    this.observer?.(d);
    this.keep(d);
  }

  private keep(item: Diagnostic): void {
    // The same finding at the same spot (e.g. a loop body traced many times) is reported once.
    const here = this.seen.get(item.from);
    if (!here) this.seen.set(item.from, [item]);
    else if (Array.isArray(here)) {
      if (here.some((d) => sameFinding(d, item))) return;
      if (here.length < FEW_AT_ONE_SPOT) here.push(item);
      else {
        const byMessage = new Map<string, Diagnostic[]>();
        for (const d of here) addTo(byMessage, d);
        addTo(byMessage, item);
        this.seen.set(item.from, byMessage);
      }
    } else {
      const same = here.get(item.message);
      if (same?.some((d) => sameFinding(d, item))) return;
      addTo(here, item);
    }
    this.items.push(item);
  }

  error(code: string, message: string, span: Span): void {
    this.add('error', code, message, span);
  }

  warning(code: string, message: string, span: Span): void {
    this.add('warning', code, message, span);
  }

  info(code: string, message: string, span: Span): void {
    this.add('info', code, message, span);
  }
}
