/** Commands: show the summary, set the default input shape, export to ONNX. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as vscode from 'vscode';
import { parseInputShape } from '../engine/input_shape';
import type { ExportJob, ExportJobResult } from '../runtime/run_job';
import { config } from './config';
import type { Ctx } from './ctx';
import { isPython } from './ctx';
import { runInWorker, runSettings } from './run_on_sample';
import type { SummaryViewProvider } from './summary_view';

/** The export the editor asks for: the run's settings (seed, memory budget, default input shape), so it exports the shapes the hovers show. */
export function editorExportJob(text: string, model: string, sourceDir?: string): ExportJob {
  return { ...runSettings(), kind: 'export', text, model, sourceDir };
}

export function registerCommands(ctx: Ctx, summary: SummaryViewProvider): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand('convlens.showSummary', (uri?: vscode.Uri, model?: string) => summary.show(uri instanceof vscode.Uri ? uri : undefined, model)),
    vscode.commands.registerCommand('convlens.showDiagram', (uri?: vscode.Uri, model?: string) => summary.show(uri instanceof vscode.Uri ? uri : undefined, model, 'diagram')),
    vscode.commands.registerCommand('convlens.setInputShape', async () => {
      const value = await vscode.window.showInputBox({
        title: 'ConvLens: input shape for models that declare none',
        prompt: 'Height, width, channels (without the batch), e.g. 224, 224, 3',
        value: config.defaultInputShapeText,
        validateInput: (v) => (v.trim() === '' || parseInputShape(v) ? null : 'Comma-separated sizes, e.g. 224, 224, 3'),
      });
      if (value !== undefined) await config.setDefaultInputShape(value.trim());
    }),
    vscode.commands.registerCommand('convlens.exportOnnx', async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor || !isPython(editor.document)) return vscode.window.showInformationMessage('ConvLens: open a Python file with a Keras model first.');
      const model = await ctx.request(editor.document, 'model', { offset: ctx.offsetAt(editor.document, editor.selection.active) }, true);
      if (!model) return vscode.window.showInformationMessage('ConvLens: no Keras model found in this file.');
      // A notebook exports its whole program (its code cells in order).
      const source = ctx.source(editor.document);
      const target = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.joinPath(source.uri, '..', `${model.name}.onnx`), filters: { ONNX: ['onnx'] } });
      if (!target) return;
      try {
        // Lowering fills every weight: in the worker, so the editor stays responsive on big models.
        const job = editorExportJob(source.text, model.key, source.uri.scheme === 'file' ? path.dirname(source.uri.fsPath) : undefined);
        const result = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: `ConvLens: exporting ${model.name}`, cancellable: true },
          (_progress, token) => runInWorker<ExportJobResult>(ctx.extension.extensionPath, job, () => {}, token),
        );
        if (!result) return;
        await writeFile(target.fsPath, result.bytes);
        vscode.window.showInformationMessage(`ConvLens: wrote ${vscode.workspace.asRelativePath(target)} (${model.name}).`);
      } catch (e) {
        vscode.window.showErrorMessage(`ConvLens: ${(e as Error).message}`);
      }
    }),
  );
}
