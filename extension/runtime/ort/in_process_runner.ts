/** Runs models on the calling thread: for code that already runs in a worker (the editor's runs). */
import type { RunResponse } from './protocol';
import { modelKey, RunCancelled, type ModelRunner, type RunOptions } from './runner';
import { OrtSessions } from './sessions';

export class InProcessRunner implements ModelRunner {
  private readonly sessions = new OrtSessions();
  private nextId = 1;

  /** Runs one at a time: the sessions hold one model (see sessions.ts). */
  private queue: Promise<unknown> = Promise.resolve();

  run(opts: RunOptions): Promise<RunResponse> {
    const next = this.queue.then(() => this.runNow(opts));
    this.queue = next.catch(() => {});
    return next;
  }

  private async runNow(opts: RunOptions): Promise<RunResponse> {
    if (opts.signal?.aborted) throw new RunCancelled();
    return this.sessions.run({
      type: 'run', id: this.nextId++, key: modelKey(opts.model), model: opts.model,
      feeds: opts.feeds, fetch: opts.fetch, profile: !!opts.profile, threads: opts.threads ?? 0, repeats: opts.repeats ?? 0,
    });
  }
}
