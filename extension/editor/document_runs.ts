/**
 * One run per document at a time (no vscode here, so it is unit-tested): a second Run asks
 * whether to cancel the first; only the newest run of a document may show its result, so an
 * older run finishing late never overwrites a newer one.
 */
export interface Cancellable {
  cancel(): void;
  dispose(): void;
}

export class DocumentRuns<C extends Cancellable> {
  private readonly running = new Map<string, { id: number; model: string; cancel: C }>();
  private nextId = 1;

  /** `confirmReplace(model)`: may the run of `model` in progress be cancelled for a new one? */
  constructor(private readonly confirmReplace: (model: string) => Promise<boolean>, private readonly makeCancel: () => C) {}

  /** The new run's id and cancellation, or null when the user keeps the run in progress. */
  async begin(document: string, model: string): Promise<{ id: number; cancel: C } | null> {
    const current = this.running.get(document);
    if (current) {
      if (!(await this.confirmReplace(current.model))) return null;
      // Whatever runs now (another Run may have started while the user answered) gives way.
      const replaced = this.running.get(document);
      replaced?.cancel.cancel();
      replaced?.cancel.dispose();
    }
    const entry = { id: this.nextId++, model, cancel: this.makeCancel() };
    this.running.set(document, entry);
    return entry;
  }

  isNewest(document: string, id: number): boolean {
    return this.running.get(document)?.id === id;
  }

  end(document: string, id: number): void {
    const entry = this.running.get(document);
    if (entry?.id !== id) return;
    entry.cancel.dispose();
    this.running.delete(document);
  }
}

/** A run's results are stale once its document has another version than the text it ran. */
export function runIsStale(run: { document: string; version: number | null } | null, document: string, version: number): boolean {
  return !!run && run.document === document && run.version !== null && run.version !== version;
}
