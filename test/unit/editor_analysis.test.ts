/**
 * The editor's live analysis with a stand-in `vscode`: each document version analysed once, newer
 * versions superseding older ones, a hung worker restarted without the version that hung it, and
 * the typed settings (package.json's, exported with the shapes the hovers show).
 */
import './support/register_fake_vscode';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FromAnalysisWorker, ToAnalysisWorker } from '../../extension/engine/session/protocol';
import { AnalysisServer } from '../../extension/engine/session/analysis_server';
import type { TransportFactory } from '../../extension/editor/analysis_worker_client';
import { editorExportJob } from '../../extension/editor/commands';
import { config, SETTINGS } from '../../extension/editor/config';
import { Ctx, HANG_MS } from '../../extension/editor/ctx';
import { parseInputShape } from '../../extension/engine/input_shape';
import { exportJob } from '../../extension/runtime/run_job';
import { fake, FakeDocument, settings, workspace } from './support/fake_vscode';

const MODEL = 'import keras\nfrom keras import layers\nx = keras.Input((16, 16, 3))\ny = layers.Conv2D(8, 3, name="c")(x)\nm = keras.Model(x, y, name="tiny")\n# notes\n';

/** Worker stand-ins in this thread; messages cross as they would between threads (later, cloned). */
function inProcess(servers: AnalysisServer[], hangOn?: string, slowOn?: string): TransportFactory {
  return (received) => {
    let alive = true;
    // The machine's speed is not under test: `slowOn`'s analyses report taking a second, all others
    // none (a loaded machine would otherwise move a tiny document to the slow lane).
    const timed = (m: FromAnalysisWorker): FromAnalysisWorker => (m.type === 'analysed' ? { ...m, millis: slowOn && m.uri.endsWith(slowOn) ? 1000 : 0 } : m);
    const deliver = (m: FromAnalysisWorker) => setImmediate(() => alive && received(structuredClone(timed(m))));
    const server = new AnalysisServer(deliver);
    servers.push(server);
    return {
      post: (m: ToAnalysisWorker) => setImmediate(() => {
        if (!alive) return;
        // A worker stuck in an endless analysis: it says it started, then nothing.
        if (hangOn && 'uri' in m && m.uri.endsWith(hangOn) && (m.type === 'open' || m.type === 'change')) return deliver({ type: 'analysing', uri: m.uri, version: m.version });
        server.receive(structuredClone(m));
      }),
      terminate: () => void (alive = false),
    };
  };
}

const extension = { extensionPath: '/nowhere' } as never;

describe('editor analysis', () => {
  it('analyses each document version once, however many views ask', async () => {
    const servers: AnalysisServer[] = [];
    const ctx = new Ctx(extension, inProcess(servers));
    const doc = new FakeDocument('/w/once.py', MODEL);
    const fired: number[] = [];
    ctx.onDidAnalyze((d) => fired.push(d.version));
    fake.open(doc);
    assert.ok(await ctx.analysed(doc as never));
    // After a pause, five keys: the first goes at once, the other four wait for the debounce. The
    // status bar, the sidebar and the inlay hints ask before it ends.
    await sleep(config.debounceMs + 50);
    for (const ch of 'abcde') doc.type(doc.getText().length, ch);
    const [model, summary, views] = await Promise.all([
      ctx.request(doc as never, 'model', { offset: 0 }),
      ctx.request(doc as never, 'summary', {}),
      ctx.analysed(doc as never),
    ]);
    assert.equal(model?.key, 'tiny');
    // A hover sends pending edits at once (the user waits); still one analysis of the version.
    doc.type(doc.getText().length, 'f');
    const hover = await ctx.request(doc as never, 'hover', { offset: MODEL.indexOf('Conv2D') }, true);
    assert.match(hover?.markdown ?? '', /Conv2D/);
    assert.equal(summary?.[0].name, 'tiny');
    assert.ok(views);
    // Past the debounce: the timer must not send the version again.
    await sleep(config.debounceMs + 200);
    assert.deepEqual(servers[0].analyses.map((a) => a.version), [1, 2, 6, 7]);
    assert.deepEqual(fired, [1, 6, 7]);
    fake.close(doc);
    ctx.dispose();
  });

  it('never analyses a version that a newer one replaced, and answers requests about it with null', () => {
    const posted: FromAnalysisWorker[] = [];
    const deferred: (() => void)[] = [];
    const server = new AnalysisServer((m) => posted.push(m), (run) => deferred.push(run));
    server.receive({ type: 'open', uri: 'u', version: 1, text: MODEL });
    server.receive({ type: 'change', uri: 'u', version: 2, text: MODEL + 'a', edits: [{ from: MODEL.length, to: MODEL.length, insert: 'a' }] });
    server.receive({ type: 'request', id: 1, uri: 'u', version: 1, request: { kind: 'model', args: { offset: 0 } } });
    server.receive({ type: 'request', id: 2, uri: 'u', version: 2, request: { kind: 'model', args: { offset: 0 } } });
    while (deferred.length) deferred.shift()!();
    assert.deepEqual(server.analyses, [{ uri: 'u', version: 2 }]);
    const responses = posted.filter((m) => m.type === 'response');
    assert.deepEqual(responses.map((m) => [m.id, (m.result as { key: string } | null)?.key ?? null]), [[1, null], [2, 'tiny']]);
  });

  it('restarts a hung worker without the version that hung it, and keeps the other documents', async () => {
    const servers: AnalysisServer[] = [];
    const ctx = new Ctx(extension, inProcess(servers, 'slow.py'));
    const slow = new FakeDocument('/w/slow.py', MODEL);
    const other = new FakeDocument('/w/other.py', MODEL);
    fake.open(other);
    assert.ok(await ctx.analysed(other as never));
    fake.open(slow);
    const stopped = await ctx.analysed(slow as never);
    assert.equal(servers.length, 2, 'a second worker');
    assert.deepEqual(stopped?.diagnostics.map((d) => d.code), ['analysis-stopped']);
    assert.match(stopped!.diagnostics[0].message, new RegExp(`more than ${HANG_MS / 1000} s`));
    // The new worker has the other document again and answers about it.
    assert.equal((await ctx.request(other as never, 'model', { offset: 0 }))?.key, 'tiny');
    assert.deepEqual(servers[1].analyses.map((a) => a.uri), ['file:///w/other.py']);
    fake.close(slow);
    fake.close(other);
    ctx.dispose();
  });
});

describe('editor analysis lanes', () => {
  it('gives a slowly analysed document a worker of its own, so the others never queue behind it', async () => {
    const servers: AnalysisServer[] = [];
    const ctx = new Ctx(extension, inProcess(servers, undefined, 'heavy.py'));
    const heavy = new FakeDocument('/w/heavy.py', MODEL);
    const light = new FakeDocument('/w/light.py', MODEL);
    fake.open(heavy);
    fake.open(light);
    assert.ok(await ctx.analysed(heavy as never));
    assert.ok(await ctx.analysed(light as never));
    assert.equal(servers.length, 2, 'a second worker for the slow document');
    heavy.type(heavy.getText().length, 'x');
    assert.ok(await ctx.request(heavy as never, 'hover', { offset: MODEL.indexOf('Conv2D') }, true));
    assert.ok(await ctx.request(light as never, 'hover', { offset: MODEL.indexOf('Conv2D') }, true));
    assert.deepEqual(servers[0].analyses.map((a) => `${a.uri.slice(10)}@${a.version}`).sort(), ['heavy.py@1', 'light.py@1']);
    assert.deepEqual(servers[1].analyses.map((a) => `${a.uri.slice(10)}@${a.version}`), ['heavy.py@2']);
    fake.close(heavy);
    fake.close(light);
    ctx.dispose();
  });
});

describe('editor settings', () => {
  it('reads every setting package.json contributes, with its type there', () => {
    const contributed = Object.fromEntries(Object.entries(fake.contributed).map(([k, v]) => [k.replace(/^convlens\./, ''), v.type]));
    assert.deepEqual(contributed, { ...SETTINGS });
    assert.equal(config.debounceMs, fake.contributed['convlens.analysis.debounceMs'].default);
  });

  it('reads input shapes one way for the flag, the setting and the comment', () => {
    assert.deepEqual(parseInputShape('224, 224, 3'), [224, 224, 3]);
    assert.deepEqual(parseInputShape('(None, None, 3)'), [null, null, 3]);
    assert.deepEqual(parseInputShape('[128,128,3]'), [128, 128, 3]);
    assert.deepEqual(parseInputShape('(64,)'), [64]);
    for (const bad of ['', '224 224 3', '2 24, 3', '224,,3', '(224, 224, 3', 'a,b']) assert.equal(parseInputShape(bad), null, bad);
  });

  it('exports from the editor with convlens.defaultInputShape', async () => {
    const text = 'import keras\nfrom keras import layers\nnet = keras.Sequential([layers.Conv2D(4, 3), layers.Flatten(), layers.Dense(2)], name="net")\n';
    settings.clear();
    await assert.rejects(exportJob(editorExportJob(text, 'net')), /unknown/);
    settings.set('convlens.defaultInputShape', '32, 32, 3');
    const { bytes } = await exportJob(editorExportJob(text, 'net'));
    settings.clear();
    const ort = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(bytes);
    // 32x32x3 through a valid 3x3 convolution: 30x30x4 = 3600 inputs to the Dense layer.
    const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', new Float32Array(32 * 32 * 3), [1, 32, 32, 3]) });
    assert.deepEqual([...(out[session.outputNames[0]] as InstanceType<typeof ort.Tensor>).dims], [1, 2]);
    await session.release();
  });
});

void workspace;
