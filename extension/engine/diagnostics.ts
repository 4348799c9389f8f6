/** Diagnostics produced by tracing and analysis, independent of any editor. */
import { Span } from './source';

export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic extends Span {
  severity: Severity;
  /** Stable identifier, e.g. "keras-negative-size", "gridding", "savings-separable". */
  code: string;
  message: string;
}

export class DiagnosticSink {
  readonly items: Diagnostic[] = [];
  /**
   * What was reported, by start offset: a number key hashes without making a string, and an
   * offset rarely holds more than one finding (every diagnostic of a 1000-layer file passes here).
   */
  private readonly seen = new Map<number, Diagnostic[]>();
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
    else if (here.some((d) => d.to === item.to && d.code === item.code && d.message === item.message)) return;
    else here.push(item);
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
