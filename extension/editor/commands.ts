/** Commands: show the summary, set the default input shape, export to ONNX. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as vscode from 'vscode';
import type { ExportJob } from '../runtime/run_job';
import { modelAt } from '../engine/views/locate';
import type { Ctx } from './ctx';
import { isPython } from './ctx';
import { runInWorker, runSettings } from './run_on_sample';
import type { SummaryViewProvider } from './summary_view';

export function registerCommands(ctx: Ctx, summary: SummaryViewProvider): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand('convlens.showSummary', (uri?: vscode.Uri, model?: string) => summary.show(uri instanceof vscode.Uri ? uri : undefined, model)),
    vscode.commands.registerCommand('convlens.showDiagram', (uri?: vscode.Uri, model?: string) => summary.show(uri instanceof vscode.Uri ? uri : undefined, model, 'diagram')),
    vscode.commands.registerCommand('convlens.setInputShape', async () => {
      const config = vscode.workspace.getConfiguration('convlens');
      const value = await vscode.window.showInputBox({
        title: 'ConvLens: input shape for models that declare none',
        prompt: 'Height, width, channels (without the batch), e.g. 224, 224, 3',
        value: config.get<string>('defaultInputShape', ''),
        validateInput: (v) => (v.trim() === '' || /^\s*[([]?\s*(\d+|None)(\s*,\s*(\d+|None))*\s*[)\]]?\s*$/.test(v) ? null : 'Comma-separated sizes, e.g. 224, 224, 3'),
      });
      if (value !== undefined) await config.update('defaultInputShape', value.trim(), vscode.ConfigurationTarget.Workspace);
    }),
    vscode.commands.registerCommand('convlens.exportOnnx', async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor || !isPython(editor.document)) return vscode.window.showInformationMessage('ConvLens: open a Python file with a Keras model first.');
      const view = ctx.view(editor.document);
      const model = view && modelAt(view.analysis, view.offsetAt(editor.selection.active));
      if (!model) return vscode.window.showInformationMessage('ConvLens: no Keras model found in this file.');
      const target = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.joinPath(editor.document.uri, '..', `${model.graph.name}.onnx`), filters: { ONNX: ['onnx'] } });
      if (!target) return;
      try {
        // Lowering fills every weight: in the worker, so the editor stays responsive on big models.
        // The run's settings (seed, memory budget, default input shape): the shapes the hovers show.
        // A notebook exports its whole program (its code cells in order).
        const job: ExportJob = { ...runSettings(), kind: 'export', text: view.text, model: model.key, sourceDir: view.sourceUri.scheme === 'file' ? path.dirname(view.sourceUri.fsPath) : undefined };
        const result = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: `ConvLens: exporting ${model.graph.name}`, cancellable: true },
          (_progress, token) => runInWorker<{ model: string; bytes: Uint8Array }>(ctx.extension.extensionPath, job, () => {}, token),
        );
        if (!result) return;
        await writeFile(target.fsPath, result.bytes);
        vscode.window.showInformationMessage(`ConvLens: wrote ${vscode.workspace.asRelativePath(target)} (${model.graph.name}).`);
      } catch (e) {
        vscode.window.showErrorMessage(`ConvLens: ${(e as Error).message}`);
      }
    }),
  );
}
