/** Extension entry: wires the context, providers, the sidebar and the commands. */
import * as vscode from 'vscode';
import { registerCodeActions } from './code_actions';
import { registerCodeLens } from './code_lens';
import { registerCommands } from './commands';
import { Ctx } from './ctx';
import { registerDiagnostics } from './diagnostics';
import { registerHover } from './hover';
import { registerInlayHints } from './inlay_hints';
import { registerRunOnSample, terminateRunWorkers } from './run_on_sample';
import { registerSavedModelEditor } from './saved_model_editor';
import { registerStatusBar } from './status_bar';
import { SUMMARY_VIEW_ID, SummaryViewProvider } from './summary_view';

/** What deactivate() stops: the analysis workers of the active context. */
let activeCtx: Ctx | null = null;

export function activate(context: vscode.ExtensionContext): void {
  const ctx = new Ctx(context);
  activeCtx = ctx;
  const summary = new SummaryViewProvider(ctx);
  context.subscriptions.push(
    ctx,
    summary,
    vscode.window.registerWebviewViewProvider(SUMMARY_VIEW_ID, summary, { webviewOptions: { retainContextWhenHidden: false } }),
    registerDiagnostics(ctx),
    registerHover(ctx),
    registerInlayHints(ctx),
    registerCodeLens(ctx),
    registerCodeActions(ctx),
    registerStatusBar(ctx),
    registerCommands(ctx, summary),
    registerRunOnSample(ctx, summary),
    registerSavedModelEditor(ctx),
  );
}

/**
 * Terminates the analysis workers and any run or export worker, and settles once their threads
 * have exited: a reloaded window must leave no thread of the old extension host running.
 */
export async function deactivate(): Promise<void> {
  const ctx = activeCtx;
  activeCtx = null;
  await Promise.all([ctx?.stop(), terminateRunWorkers()]);
}
