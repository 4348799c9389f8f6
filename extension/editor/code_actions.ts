/** Code actions: cheaper convolutions, gridding-free dilation rates, checkerboard-free kernels (computed by the worker). */
import * as vscode from 'vscode';
import type { ViewCodeAction, ViewDiagnostic } from '../engine/session/protocol';
import type { Ctx } from './ctx';

const KIND = { quickfix: vscode.CodeActionKind.QuickFix, rewrite: vscode.CodeActionKind.RefactorRewrite };

function codeAction(doc: vscode.TextDocument, a: ViewCodeAction, ours: vscode.Diagnostic[]): vscode.CodeAction {
  const action = new vscode.CodeAction(a.title, KIND[a.kind]);
  action.edit = new vscode.WorkspaceEdit();
  for (const e of a.edits) action.edit.replace(doc.uri, new vscode.Range(doc.positionAt(e.from), doc.positionAt(e.to)), e.insert);
  action.diagnostics = a.fixes.map((i) => ours[i]);
  action.isPreferred = a.preferred;
  return action;
}

export function registerCodeActions(ctx: Ctx): vscode.Disposable {
  const provider: vscode.CodeActionProvider = {
    async provideCodeActions(doc, range, context) {
      const ours = context.diagnostics.filter((d) => d.source === 'ConvLens');
      const diagnostics: ViewDiagnostic[] = ours.map((d) => ({
        from: doc.offsetAt(d.range.start), to: doc.offsetAt(d.range.end), severity: 'info', code: String(d.code ?? ''), message: d.message,
      }));
      const version = doc.version;
      const actions = await ctx.request(doc, 'codeActions', { offset: doc.offsetAt(range.start), diagnostics });
      // Edits computed for an older text would land in the wrong place.
      if (!actions || doc.version !== version) return [];
      return actions.map((a) => codeAction(doc, a, ours));
    },
  };
  return vscode.languages.registerCodeActionsProvider({ language: 'python' }, provider, {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, vscode.CodeActionKind.RefactorRewrite],
  });
}
