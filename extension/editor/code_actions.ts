/** Code actions: cheaper convolutions, gridding-free dilation rates, checkerboard-free kernels (computed by the worker). */
import * as vscode from 'vscode';
import type { ViewCodeAction, ViewDiagnostic } from '../engine/session/protocol';
import type { Ctx } from './ctx';

const KIND = { quickfix: vscode.CodeActionKind.QuickFix, rewrite: vscode.CodeActionKind.RefactorRewrite };

/** The action as an edit of this document (null when an edit lies outside it, e.g. in another notebook cell). */
function codeAction(ctx: Ctx, doc: vscode.TextDocument, a: ViewCodeAction, ours: vscode.Diagnostic[]): vscode.CodeAction | null {
  const action = new vscode.CodeAction(a.title, KIND[a.kind]);
  action.edit = new vscode.WorkspaceEdit();
  for (const e of a.edits) {
    const range = ctx.rangeOf(doc, e);
    if (!range) return null;
    action.edit.replace(doc.uri, range, e.insert);
  }
  action.diagnostics = a.fixes.map((i) => ours[i]);
  action.isPreferred = a.preferred;
  return action;
}

export function registerCodeActions(ctx: Ctx): vscode.Disposable {
  const provider: vscode.CodeActionProvider = {
    async provideCodeActions(doc, range, context) {
      const ours = context.diagnostics.filter((d) => d.source === 'ConvLens');
      const diagnostics: ViewDiagnostic[] = ours.map((d) => ({
        from: ctx.offsetAt(doc, d.range.start), to: ctx.offsetAt(doc, d.range.end), severity: 'info', code: String(d.code ?? ''), message: d.message,
      }));
      const version = ctx.source(doc).version;
      const actions = await ctx.request(doc, 'codeActions', { offset: ctx.offsetAt(doc, range.start), diagnostics });
      // Edits computed for an older text would land in the wrong place.
      if (!actions || ctx.source(doc).version !== version) return [];
      return actions.flatMap((a) => codeAction(ctx, doc, a, ours) ?? []);
    },
  };
  return vscode.languages.registerCodeActionsProvider({ language: 'python' }, provider, {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, vscode.CodeActionKind.RefactorRewrite],
  });
}
