/**
 * How long the sidebar keeps a run (with a stand-in `vscode` and a real run of a tiny model):
 * one run at a time, posted once, never again per cursor move or analysis; freed when superseded
 * (also while its notification waits for the user) and when its document closes.
 */
import './support/register_fake_vscode';
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SummaryViewProvider } from '../../extension/editor/summary_view';
import { InProcessRunner } from '../../extension/runtime/ort/in_process_runner';
import { runJob, type RunJobResult } from '../../extension/runtime/run_job';
import { EventEmitter, fake, FakeDocument, Uri, window } from './support/fake_vscode';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
/** Collects until the weakly held object is gone (finalisation may take more than one pass). */
async function collected(ref: WeakRef<object>): Promise<boolean> {
  for (let i = 0; i < 10 && ref.deref(); i++) {
    await new Promise((r) => setImmediate(r));
    gc();
  }
  return !ref.deref();
}

(Uri as unknown as { joinPath: (u: Uri, ...parts: string[]) => Uri }).joinPath = (u, ...parts) => Uri.file(path.join(u.fsPath, ...parts));
// Notifications wait for the user (VS Code holds each one's answer until someone clicks or closes it).
const waitingNotifications: ((answer: undefined) => void)[] = [];
(window as unknown as { showInformationMessage: () => Promise<undefined> }).showInformationMessage = () => new Promise((answer) => waitingNotifications.push(answer));

const TEXT = 'import keras\nfrom keras import layers\nx = keras.Input((16, 16, 3))\ny = layers.Conv2D(8, 3, padding="same", activation="relu", name="c")(x)\nm = keras.Model(x, layers.GlobalAveragePooling2D()(y), name="tiny")\n';
const runner = new InProcessRunner();
const run = (): Promise<RunJobResult> => runJob({ text: TEXT, documentVersion: 1, model: 'tiny', input: { kind: 'random' }, seed: 1, batch: 1, memoryBudgetMB: 256, threads: 0, receptiveField: true, thumbnails: true }, runner);

/** The editor context the provider needs: documents are their own analysed source. */
function stubCtx() {
  const analysed = new EventEmitter<FakeDocument>();
  return {
    extension: { extensionUri: Uri.file('/ext') },
    onDidAnalyze: analysed.event,
    analysed,
    source: (doc: FakeDocument) => ({ uri: doc.uri, key: doc.uri.toString(), version: doc.version, text: doc.getText() }),
    request: async () => [],
    sameSource: (a: unknown, b: unknown) => a === b,
    offsetAt: () => 0,
  };
}

/** A webview view that records what it is posted (types, and weak references to the runs). */
function stubView() {
  const posted: { type: string }[] = [];
  const runs: WeakRef<object>[] = [];
  const received = new EventEmitter<unknown>();
  let listeners = 0;
  const view = {
    visible: true,
    badge: undefined as unknown,
    onDidChangeVisibility: new EventEmitter<void>().event,
    onDidDispose: new EventEmitter<void>().event,
    webview: {
      options: {},
      html: '',
      cspSource: 'stub',
      asWebviewUri: (u: Uri) => u,
      postMessage: async (m: { type: string }) => {
        posted.push({ type: m.type });
        if (m.type === 'run') runs.push(new WeakRef(m));
        return true;
      },
      onDidReceiveMessage: (listener: (m: unknown) => void) => {
        listeners++;
        const sub = received.event(listener);
        return { dispose: () => (listeners--, sub.dispose()) };
      },
    },
  };
  return { view, posted, runs, received, listeners: () => listeners };
}

/** Runs the model and shows the result; only a weak reference to it is kept (no frame of the test holds it). */
async function showNewRun(provider: SummaryViewProvider, doc: FakeDocument): Promise<WeakRef<RunJobResult>> {
  const result = await run();
  provider.showRun(doc as never, result);
  return new WeakRef(result);
}

describe('the sidebar and the runs it keeps', () => {
  it('posts each run once, never per analysis or cursor move, frees superseded runs and drops the run when its document closes', async () => {
    const ctx = stubCtx();
    const provider = new SummaryViewProvider(ctx as never);
    const shown = stubView();
    provider.resolveWebviewView(shown.view as never);
    const doc = new FakeDocument('/w/tiny.py', TEXT);
    fake.open(doc);
    provider.showRun(doc as never, await run());
    provider.showRun(doc as never, await run());
    for (let i = 0; i < 5; i++) ctx.analysed.fire(doc);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(shown.posted.filter((m) => m.type === 'run').length, 2);
    // The first run was superseded: nothing holds it any more. The second is the view's.
    assert.ok(await collected(shown.runs[0]), 'a superseded run is still held');
    assert.ok(!(await collected(shown.runs[1])), 'the current run must be kept for a re-created webview');
    // A re-created webview (the view shown again) gets the run once; the old webview's listener is gone.
    shown.received.fire({ type: 'ready' });
    assert.equal(shown.posted.filter((m) => m.type === 'run').length, 3);
    const again = stubView();
    provider.resolveWebviewView(again.view as never);
    assert.equal(shown.listeners(), 0, 'the old webview is still listened to');
    // Closing the document drops its run, in the provider and in the webview.
    fake.close(doc);
    assert.deepEqual(again.posted.map((m) => m.type), ['runCleared']);
    assert.ok(await collected(shown.runs[2]), 'the run of a closed document is still held');
    again.received.fire({ type: 'ready' });
    assert.ok(!again.posted.some((m) => m.type === 'run'), 'the run of a closed document was sent again');
    provider.dispose();
  });

  it('frees a run announced while the view was hidden, though its notification still waits', async () => {
    const provider = new SummaryViewProvider(stubCtx() as never);
    const hidden = stubView();
    hidden.view.visible = false;
    provider.resolveWebviewView(hidden.view as never);
    const doc = new FakeDocument('/w/hidden.py', TEXT);
    fake.open(doc);
    const firstRef = await showNewRun(provider, doc);
    assert.ok(hidden.view.badge, 'the badge says a run finished');
    provider.showRun(doc as never, await run());
    assert.equal(waitingNotifications.length, 2);
    assert.ok(await collected(firstRef), 'the waiting notification holds the superseded run');
    fake.close(doc);
    provider.dispose();
  });
});
