/**
 * Reload Window must leave nothing of the old extension host running: deactivate() terminates the
 * analysis workers (a busy one included) and a run in progress, with a stand-in `vscode` and real
 * worker threads running stand-in worker scripts.
 */
import './support/register_fake_vscode';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import workerThreads from 'node:worker_threads';
import { activate, deactivate } from '../../extension/editor/main';
import { commands, fake, FakeDocument, Uri, window } from './support/fake_vscode';

/** Every worker thread started from now on, by script, until it exits (the editor's modules look Worker up when they start one). */
const live = new Map<workerThreads.Worker, string>();
const RealWorker = workerThreads.Worker;
(workerThreads as { Worker: typeof RealWorker }).Worker = class extends RealWorker {
  constructor(file: string | URL, options?: workerThreads.WorkerOptions) {
    super(file, options);
    live.set(this, path.basename(String(file)));
    this.once('exit', () => live.delete(this));
  }
};

/**
 * An extension folder whose dist/ holds stand-in workers: the analysis worker answers an open
 * document as a slow analysis (so the document gets the second worker), and spins forever on
 * busy.py; the run worker spins forever on its job, as ONNX Runtime on a big model would.
 */
const extensionPath = mkdtempSync(path.join(tmpdir(), 'convlens-deactivate-'));
mkdirSync(path.join(extensionPath, 'dist'));
writeFileSync(path.join(extensionPath, 'dist', 'analysis-worker.js'), `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (m) => {
  if (m.type !== 'open' && m.type !== 'change') return;
  parentPort.postMessage({ type: 'analysing', uri: m.uri, version: m.version });
  if (m.uri.endsWith('busy.py')) for (;;) {}
  parentPort.postMessage({ type: 'analysed', uri: m.uri, version: m.version, millis: 1000, views: { diagnostics: { from: [], to: [], severity: [], code: [], message: [] }, inlayHints: { offset: [], label: [], tooltip: [] }, codeLenses: [] } });
});
`);
writeFileSync(path.join(extensionPath, 'dist', 'run-worker.js'), `
require('node:worker_threads').parentPort.once('message', () => { for (;;) {} });
`);
after(() => rmSync(extensionPath, { recursive: true, force: true }));

async function until(what: string, ready: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !ready(); i++) await sleep(20);
  assert.ok(ready(), what);
}

describe('extension deactivate', () => {
  it('terminates the analysis workers and the run in progress, and the run ends without an error', async () => {
    const context = { extensionPath, extensionUri: Uri.file(extensionPath), subscriptions: [] as { dispose(): unknown }[] };
    activate(context as never);
    const model = new FakeDocument('/w/model.py', 'import keras\n');
    const busy = new FakeDocument('/w/busy.py', 'import keras\n');
    fake.open(model);
    // model.py analyses "slowly": it moves to a second worker, where busy.py then keeps the thread spinning.
    await until('a second analysis worker', () => [...live.values()].filter((f) => f === 'analysis-worker.js').length === 2);
    fake.open(busy);
    const run = commands.executeCommand('convlens.runOnSample', model.uri, 'tiny', { input: { kind: 'random' }, weightsPath: null });
    await until('a run worker', () => [...live.values()].includes('run-worker.js'));
    assert.deepEqual([...live.values()].sort(), ['analysis-worker.js', 'analysis-worker.js', 'run-worker.js']);

    await deactivate();
    assert.deepEqual([...live.values()], [], 'threads left running after deactivate');
    // The interrupted run says nothing (the window is going away).
    await run;
    assert.deepEqual((window as unknown as { errors: string[] }).errors, []);
    // VS Code disposes the subscriptions after deactivate: a second stop is harmless.
    for (const d of context.subscriptions) d.dispose();
    fake.close(model);
    fake.close(busy);
  });
});
