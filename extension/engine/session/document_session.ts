/**
 * One open document: incremental parse on each change, bounded re-analysis, and the version the
 * analysis belongs to, so views never show results for an older text. No editor imports.
 */
import { analyze, sourceRefusal, type Analysis, type AnalyzeOptions } from '../analysis/analyze';
import { IncrementalParser, type TextEdit } from '../parse';
import { IncrementalTracer } from '../trace/incremental_trace';

export class DocumentSession {
  private parser = new IncrementalParser();
  /** Re-traces only the statements an edit can affect (the same result as tracing afresh). */
  readonly tracer = new IncrementalTracer();
  private current: { version: number; text: string; analysis: Analysis } | null = null;

  constructor(private readonly options: Omit<AnalyzeOptions, 'tree'> = {}) {}

  /** Re-analyses `text` (version `version`); `edits` (old-text offsets) let the parser reuse its tree. */
  update(text: string, version: number, edits?: readonly TextEdit[]): Analysis {
    if (sourceRefusal(text)) {
      // Not parsed at all; the next parse starts afresh (the old tree no longer matches the edits).
      this.parser = new IncrementalParser();
      this.tracer.reset();
      this.current = { version, text, analysis: analyze(text, this.options) };
      return this.current.analysis;
    }
    const tree = this.parser.parse(text, this.current ? edits : undefined);
    const analysis = analyze(text, { ...this.options, tree, tracer: (req) => this.tracer.trace(req) });
    this.current = { version, text, analysis };
    return analysis;
  }

  get version(): number | null {
    return this.current?.version ?? null;
  }

  get text(): string | null {
    return this.current?.text ?? null;
  }

  /** The analysis, only if it belongs to `version`. */
  analysisFor(version: number): Analysis | null {
    return this.current && this.current.version === version ? this.current.analysis : null;
  }
}
