/**
 * Opening a `.keras` or legacy full-model `.h5` shows the model (diagram and table, as the sidebar
 * draws them) in a read-only custom editor instead of binary text. The file is read only because
 * the user opened it; its architecture is analysed, never executed.
 */
import path from 'node:path';
import * as vscode from 'vscode';
import { analyzeSavedModel } from '../engine/saved_model/saved_model';
import { chooseModel } from '../engine/analysis/model_choice';
import type { RunJob, RunJobResult } from '../runtime/run_job';
import { runView } from '../engine/views/run_view';
import { summarize } from '../engine/views/summary';
import type { FromWebview, ToWebview } from '../../webview/messages';
import type { Ctx } from './ctx';
import { pickInput, runInWorker, runSettings, trustedForRuns } from './run_on_sample';
import { webviewHtml } from './webview_html';

export const SAVED_MODEL_EDITOR_ID = 'convlens.savedModel';

export class SavedModelEditorProvider implements vscode.CustomReadonlyEditorProvider {
  constructor(private readonly ctx: Ctx) {}

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => {} };
  }

  async resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): Promise<void> {
    const root = vscode.Uri.joinPath(this.ctx.extension.extensionUri, 'dist', 'webview');
    panel.webview.options = { enableScripts: true, localResourceRoots: [root] };
    panel.webview.html = webviewHtml(panel.webview, root);
    const file = vscode.workspace.asRelativePath(document.uri);
    let source: string | null = null;
    let message: ToWebview;
    try {
      const saved = await analyzeSavedModel(document.uri.fsPath);
      source = saved.saved.source.text;
      const main = chooseModel(saved.analysis);
      message = { type: 'summary', file, models: summarize(source, saved.analysis), select: main?.graph.name ?? null, mode: null, runnable: true };
    } catch (e) {
      message = { type: 'summary', file, models: [], select: null, mode: null, notice: `${path.basename(document.uri.fsPath)}: ${(e as Error).message}` };
    }
    let lastRun: ToWebview | null = null;
    const post = () => {
      void panel.webview.postMessage(message);
      if (lastRun) void panel.webview.postMessage(lastRun);
    };
    panel.webview.onDidReceiveMessage(async (m: FromWebview) => {
      if (m.type === 'ready') post();
      if (m.type === 'runSample' && source) {
        const result = await this.run(document.uri, source, m.model);
        if (result) {
          lastRun = { type: 'run', file, run: runView(result) };
          void panel.webview.postMessage(lastRun);
        }
      }
    });
    post();
  }

  /** The saved model on a sample input, with the weights saved in the same file. */
  private async run(uri: vscode.Uri, source: string, model: string): Promise<RunJobResult | null> {
    if (!(await trustedForRuns())) return null;
    const input = await pickInput(uri.fsPath);
    if (!input) return null;
    const job: RunJob = { ...runSettings(), text: source, model, input, weightsPath: uri.fsPath, receptiveField: true };
    try {
      return await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `ConvLens: running ${model}`, cancellable: true },
        (progress, token) => runInWorker(this.ctx.extension.extensionPath, job, (stage) => progress.report({ message: stage }), token),
      );
    } catch (e) {
      vscode.window.showErrorMessage(`ConvLens: ${(e as Error).message}`);
      return null;
    }
  }
}

export function registerSavedModelEditor(ctx: Ctx): vscode.Disposable {
  return vscode.window.registerCustomEditorProvider(SAVED_MODEL_EDITOR_ID, new SavedModelEditorProvider(ctx), {
    webviewOptions: { retainContextWhenHidden: false },
    supportsMultipleEditorsPerDocument: true,
  });
}
