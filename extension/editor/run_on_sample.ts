/**
 * "ConvLens: Run on Sample": pick an input and weights, then analyse, lower and run the model in
 * a worker thread (the extension host stays free), with a cancellable progress notification.
 * In Restricted Mode, running asks for workspace trust first; static analysis needs none.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import type { ExportJobResult, RunJob, RunJobResult } from '../runtime/run_job';
import type { RunWorkerReply, RunWorkerRequest } from '../runtime/run_protocol';
import { disableOrtTelemetry } from '../runtime/ort/telemetry';
import { config } from './config';
import type { Ctx } from './ctx';
import { DocumentRuns } from './document_runs';
import { isPython } from './ctx';
import { openDocument } from './summary_view';

type InputChoice = vscode.QuickPickItem & { input: RunJob['input'] };
type WeightsChoice = vscode.QuickPickItem & { path?: string };

export async function pickInput(fileName: string): Promise<RunJob['input'] | undefined> {
  const images = await vscode.workspace.findFiles('**/*.{png,jpg,jpeg,PNG,JPG,JPEG}', '**/node_modules/**', 50);
  const items: InputChoice[] = [
    { label: 'Random noise', description: 'standard normal, seeded', input: { kind: 'random' } },
    { label: 'Impulse', description: 'one pixel at the centre', input: { kind: 'impulse' } },
    { label: 'Checkerboard', description: '8-pixel squares, +1 / -1', input: { kind: 'checkerboard' } },
    ...images.map((uri) => ({ label: `$(file-media) ${vscode.workspace.asRelativePath(uri)}`, description: 'image, scaled to [0, 1]', input: { kind: 'image' as const, path: uri.fsPath, preprocess: 'unit' as const } })),
  ];
  const choice = await vscode.window.showQuickPick(items, { title: `Run ${path.basename(fileName)} on...`, placeHolder: 'Sample input' });
  return choice?.input;
}

async function pickWeights(doc: vscode.TextDocument): Promise<WeightsChoice | undefined> {
  const dir = vscode.Uri.file(path.dirname(doc.fileName));
  const near = await vscode.workspace.findFiles(new vscode.RelativePattern(dir, '*.{h5,keras}'), undefined, 20);
  const items: WeightsChoice[] = [
    { label: 'Declared initializers', description: 'seeded (setting convlens.seed)' },
    ...near.map((uri) => ({ label: `$(database) ${path.basename(uri.fsPath)}`, description: 'trained weights beside the model', path: uri.fsPath })),
    { label: '$(folder-opened) Choose a weights file...', description: '.weights.h5, .keras or Keras 2 .h5', path: '?' },
  ];
  const choice = await vscode.window.showQuickPick(items, { title: 'Weights', placeHolder: 'Where the weights come from' });
  if (choice?.path !== '?') return choice;
  const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'Keras weights': ['h5', 'keras'] }, defaultUri: dir });
  return picked?.[0] ? { label: path.basename(picked[0].fsPath), path: picked[0].fsPath } : undefined;
}

/** The run and export workers alive now: deactivate() terminates them (a window reload must not leave one running). */
const liveRunWorkers = new Set<Worker>();

/** Terminates every run and export worker; settles once their threads have exited. */
export async function terminateRunWorkers(): Promise<void> {
  await Promise.all([...liveRunWorkers].map((w) => w.terminate()));
}


/** Runs a job in a fresh worker; cancelling terminates it (ONNX Runtime cannot be interrupted). */
export function runInWorker<T extends RunJobResult | ExportJobResult = RunJobResult>(extensionPath: string, job: RunWorkerRequest, progress: (stage: string) => void, token: vscode.CancellationToken): Promise<T | null> {
  // The worker's ONNX Runtime reads this from the host process's environment (see telemetry.ts).
  disableOrtTelemetry();
  return new Promise((resolve, reject) => {
    const worker = new Worker(path.join(extensionPath, 'dist', 'run-worker.js'));
    liveRunWorkers.add(worker);
    const cancel = token.onCancellationRequested(() => {
      void worker.terminate();
      resolve(null);
    });
    const done = () => {
      cancel.dispose();
      void worker.terminate();
    };
    worker.on('message', (m: RunWorkerReply<T>) => {
      if (m.type === 'progress') progress(m.stage);
      else if (m.type === 'result') {
        done();
        resolve(m.result);
      } else {
        done();
        reject(new Error(m.message));
      }
    });
    worker.on('error', (e) => {
      done();
      reject(e);
    });
    // Terminated from outside (the extension stopping) or gone without a word: the run has no result.
    worker.on('exit', () => {
      liveRunWorkers.delete(worker);
      cancel.dispose();
      resolve(null);
    });
    worker.postMessage(job);
  });
}

/** Runs need a trusted workspace; in Restricted Mode this says so and offers to manage trust. */
export async function trustedForRuns(): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  const trust = 'Manage Workspace Trust';
  const answer = await vscode.window.showWarningMessage('ConvLens runs models only in trusted workspaces (static analysis works everywhere).', trust);
  if (answer === trust) await vscode.commands.executeCommand('workbench.trust.manage');
  return false;
}

/** The settings a run or an export takes from the `convlens.*` configuration. */
export function runSettings(): Pick<RunJob, 'seed' | 'batch' | 'memoryBudgetMB' | 'threads' | 'defaultInputShape' | 'thumbnails'> {
  return { ...config.jobSettings(), thumbnails: true };
}

export interface RunSink {
  /** Takes the result and returns at once (nothing waits on the user while holding a result). */
  showRun(doc: vscode.TextDocument, result: RunJobResult): void;
}

/** The editor's DocumentRuns: cancellation tokens, and a warning that offers to cancel the run in progress. */
export function documentRuns(): DocumentRuns<vscode.CancellationTokenSource> {
  return new DocumentRuns(async (model) => {
    const replace = 'Cancel It and Run';
    return (await vscode.window.showWarningMessage(`ConvLens: ${model} is still running on this file.`, replace, 'Keep It')) === replace;
  }, () => new vscode.CancellationTokenSource());
}

export function registerRunOnSample(ctx: Ctx, sink: RunSink, runs = documentRuns()): vscode.Disposable {
  return vscode.commands.registerCommand('convlens.runOnSample', async (uri?: vscode.Uri, modelName?: string, preset?: { input?: RunJob['input']; weightsPath?: string | null }) => {
    if (!(await trustedForRuns())) return;
    const doc = uri instanceof vscode.Uri ? await openDocument(uri) : vscode.window.activeTextEditor?.document;
    if (!doc || !isPython(doc)) return vscode.window.showInformationMessage('ConvLens: open a Python file with a Keras model first.');
    const editor = vscode.window.activeTextEditor;
    const offset = editor?.document === doc ? ctx.offsetAt(doc, editor.selection.active) : null;
    const model = modelName ?? (await ctx.request(doc, 'model', { offset }, true))?.key;
    if (!model) return vscode.window.showInformationMessage('ConvLens: no Keras model found in this file.');
    const input = preset?.input ?? (await pickInput(doc.fileName));
    if (!input) return;
    const weights = preset ? { label: '', path: preset.weightsPath ?? undefined } : await pickWeights(doc);
    if (!weights) return;
    // A notebook runs its whole program (its code cells in order), as one document.
    const source = ctx.source(doc);
    const document = source.key;
    const run = await runs.begin(document, model);
    if (!run) return;
    // The text and its version are taken together: the result says which version it describes.
    const job: RunJob = { ...runSettings(), text: source.text, documentVersion: source.version, model, input, weightsPath: weights.path, receptiveField: true, sourceDir: source.uri.scheme === 'file' ? path.dirname(source.uri.fsPath) : undefined };
    let result: RunJobResult | null = null;
    let failure: Error | null = null;
    try {
      result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `ConvLens: running ${model}`, cancellable: true },
        (progress, token) => {
          token.onCancellationRequested(() => run.cancel.cancel());
          return runInWorker(ctx.extension.extensionPath, job, (stage) => progress.report({ message: stage }), run.cancel.token);
        },
      );
    } catch (e) {
      failure = e as Error;
    }
    // A run that was replaced says nothing: the newer one speaks for the document.
    const newest = runs.isNewest(document, run.id);
    runs.end(document, run.id);
    if (!newest) return;
    if (failure && /has unknown dimensions/.test(failure.message)) {
      // A None-sized input with noise or an impulse: ask for the size (an image gives its own).
      const pick = await vscode.window.showErrorMessage(`ConvLens: ${failure.message} Set one, or run it on an image.`, 'Set Input Shape');
      if (pick) await vscode.commands.executeCommand('convlens.setInputShape');
    } else if (failure) vscode.window.showErrorMessage(`ConvLens: ${failure.message}`);
    else if (result) sink.showRun(doc, result);
  });
}
