/**
 * `npm run bench:editor`: what one keystroke costs the extension host's thread, before and after
 * the analysis moved to its worker. Before: the whole re-parse and re-analysis ran there. After:
 * sending the text to the worker and receiving the views (structured clones), measured here with
 * the real worker; also the keystroke-to-views latency through it. Then what the sidebar's summary
 * costs per keystroke: its size whole and as changes to the one before (what the webview is sent),
 * and the host's time to make the changes. Medians of 100 keystrokes after 40 of warm-up; never
 * pass/fail.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { DocumentSession } from '../extension/engine/session/document_session';
import { unpackViews } from '../extension/engine/session/posted_views';
import type { FromAnalysisWorker, ToAnalysisWorker } from '../extension/engine/session/protocol';
import { ANALYSIS_YOUNG_GENERATION_MB } from '../extension/engine/session/worker_limits';
import { summaryChanges } from '../webview/summary_changes';
import type { SummaryModel } from '../webview/messages';
import { chainPython } from './models';

const LIMITS = { maxSteps: 400_000 };

/**
 * Keystrokes typed first and not counted (the JIT and each session's memos warm up: 30 counted
 * from the first gave 14 to 16 ms for "host before", against about 3 to 5 ms once warm), then counted.
 */
const WARM_KEYSTROKES = 40;
const COUNTED_KEYSTROKES = 100;

/** The samples after the warm-up. */
function counted<T>(samples: T[]): T[] {
  return samples.slice(WARM_KEYSTROKES);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Alternately inserts and deletes one digit after `anchor`: the texts and edits, in order. */
function keystrokes(text: string, anchor: string, n: number) {
  const at = text.indexOf(anchor) + anchor.length;
  const out: { text: string; edit: { from: number; to: number; insert: string } }[] = [];
  let current = text;
  for (let i = 0; i < n; i++) {
    const edit = i % 2 === 0 ? { from: at, to: at, insert: '1' } : { from: at, to: at + 1, insert: '' };
    current = current.slice(0, edit.from) + edit.insert + current.slice(edit.to);
    out.push({ text: current, edit });
  }
  return out;
}

async function main() {
  // The worker as the editor starts it (its young generation; the old one is only a cap).
  const worker = new Worker(path.join(process.cwd(), 'dist', 'analysis-worker.js'), { resourceLimits: { maxYoungGenerationSizeMb: ANALYSIS_YOUNG_GENERATION_MB } });
  let waiting: ((m: FromAnalysisWorker) => void) | null = null;
  const answers = new Map<number, (result: unknown) => void>();
  worker.on('message', (m: FromAnalysisWorker) => {
    if (m.type === 'analysed') waiting?.(m);
    if (m.type === 'response') answers.get(m.id)?.(m.result);
  });
  let nextId = 1;
  const summaryOf = (uri: string, version: number) => new Promise<SummaryModel[]>((resolve) => {
    const id = nextId++;
    answers.set(id, resolve as (result: unknown) => void);
    post({ type: 'request', id, uri, version, request: { kind: 'summary', args: {} } });
  });
  const post = (m: ToAnalysisWorker) => worker.postMessage(m);
  post({ type: 'configure', options: { limits: LIMITS } });
  const cases = [
    { name: 'Xception (134 layers)', text: readFileSync(path.join(process.cwd(), 'examples', 'xception.py'), 'utf8'), anchor: 'layers.Conv2D(' },
    { name: 'generated chain (1003 layers)', text: chainPython(334), anchor: 'layers.Conv2D(' },
  ];
  const sidebars: { name: string; whole: number; changes: number; diffMs: number }[] = [];
  console.log('model                          host before   host after   keystroke->views (worker)');
  for (const [i, c] of cases.entries()) {
    const keys = keystrokes(c.text, c.anchor, WARM_KEYSTROKES + COUNTED_KEYSTROKES);
    // Before: the host re-analysed in its own thread.
    const session = new DocumentSession({ limits: LIMITS });
    session.update(c.text, 0);
    const before = median(counted(keys.map((k, v) => {
      const t0 = performance.now();
      session.update(k.text, v + 1, [k.edit]);
      return performance.now() - t0;
    })));
    // After: the host's share is posting the change and taking the views in.
    const uri = `bench:${i}`;
    const analysed = () => new Promise<FromAnalysisWorker & { type: 'analysed' }>((resolve) => (waiting = (m) => m.type === 'analysed' && m.uri === uri && resolve(m)));
    let next = analysed();
    post({ type: 'open', uri, version: 0, text: c.text });
    await next;
    const host: number[] = [];
    const latency: number[] = [];
    const sidebar = { whole: [] as number[], changes: [] as number[], diffMs: [] as number[] };
    let shown = await summaryOf(uri, 0);
    for (const [v, k] of keys.entries()) {
      next = analysed();
      const t0 = performance.now();
      post({ type: 'change', uri, version: v + 1, text: k.text, edits: [k.edit] });
      const sent = performance.now() - t0;
      const m = await next;
      const t1 = performance.now();
      // What the host does with the answer: the views arrive cloned (in columns), and it unpacks them.
      unpackViews(structuredClone(m.views));
      host.push(sent + (performance.now() - t1));
      latency.push(t1 - t0);
      const summary = await summaryOf(uri, v + 1);
      const t2 = performance.now();
      const changes = summaryChanges(shown, summary);
      sidebar.diffMs.push(performance.now() - t2);
      sidebar.whole.push(JSON.stringify(summary).length);
      sidebar.changes.push(JSON.stringify(changes).length);
      shown = summary;
    }
    sidebars.push({ name: c.name, whole: median(counted(sidebar.whole)), changes: median(counted(sidebar.changes)), diffMs: median(counted(sidebar.diffMs)) });
    console.log(`${c.name.padEnd(30)} ${before.toFixed(2).padStart(8)} ms ${median(counted(host)).toFixed(2).padStart(9)} ms ${median(counted(latency)).toFixed(1).padStart(14)} ms`);
  }
  await worker.terminate();
  console.log('\nhost before = incremental re-parse + re-analysis on the extension host (what typing waited for);');
  console.log('host after = posting the change + one clone of the views, as posted (in columns), and their unpacking (an estimate of the receive side).');
  console.log('\nsidebar summary per keystroke   whole (bytes)   as changes (bytes)   host: making the changes');
  for (const s of sidebars) console.log(`${s.name.padEnd(30)} ${String(s.whole).padStart(13)} ${String(s.changes).padStart(20)} ${s.diffMs.toFixed(2).padStart(17)} ms`);
}

void main();
