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
  /** Messages already reported, by `from:to:code` (a message string given again hashes once). */
  private readonly seen = new Map<string, Set<string>>();
  /** Sees every diagnostic offered, before duplicates are dropped (a trace being recorded for replay). */
  observer: ((d: Diagnostic) => void) | null = null;

  add(severity: Severity, code: string, message: string, span: Span): void {
    this.observer?.({ severity, code, message, from: span.from, to: span.to });
    // The same finding at the same spot (e.g. a loop body traced many times) is reported once.
    const key = `${span.from}:${span.to}:${code}`;
    let messages = this.seen.get(key);
    if (!messages) this.seen.set(key, (messages = new Set()));
    if (messages.has(message)) return;
    messages.add(message);
    this.items.push({ severity, code, message, from: span.from, to: span.to });
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
