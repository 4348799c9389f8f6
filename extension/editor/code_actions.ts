/** Code actions: cheaper convolutions, gridding-free dilation rates, checkerboard-free kernels. */
import * as vscode from 'vscode';
import type { LayerReport } from '../engine/analysis/analyze';
import { percent } from '../engine/analysis/format';
import type { TextEdit } from '../engine/parse';
import { fixCheckerboard, fixGridding, toDepthwisePointwise, toSeparable } from '../engine/rewrites/code_actions';
import { layerAt } from '../engine/views/locate';
import type { AnalysisView } from './analysis_view';
import type { Ctx } from './ctx';

/** Edits in analysis offsets as a workspace edit of this document (null if one lies in another cell). */
function workspaceEdit(doc: vscode.TextDocument, view: AnalysisView, edits: TextEdit[]): vscode.WorkspaceEdit | null {
  const edit = new vscode.WorkspaceEdit();
  for (const e of edits) {
    const range = view.rangeOf(e);
    if (!range) return null;
    edit.replace(doc.uri, range, e.insert);
  }
  return edit;
}

function action(doc: vscode.TextDocument, view: AnalysisView, title: string, kind: vscode.CodeActionKind, edits: TextEdit[] | null, diagnostics: vscode.Diagnostic[], preferred = false): vscode.CodeAction[] {
  const edit = edits && workspaceEdit(doc, view, edits);
  if (!edit) return [];
  const a = new vscode.CodeAction(title, kind);
  a.edit = edit;
  a.diagnostics = diagnostics;
  a.isPreferred = preferred;
  return [a];
}

function layerOfDiagnostic(layers: LayerReport[], view: AnalysisView, d: vscode.Diagnostic): LayerReport | undefined {
  const from = view.offsetAt(d.range.start);
  return layers.find((l) => l.call.span.from === from || l.layer.span.from === from);
}

export function registerCodeActions(ctx: Ctx): vscode.Disposable {
  const provider: vscode.CodeActionProvider = {
    provideCodeActions(doc, range, context) {
      const view = ctx.view(doc);
      if (!view) return [];
      const { analysis, text } = view;
      const out: vscode.CodeAction[] = [];
      const ours = context.diagnostics.filter((d) => d.source === 'ConvLens');
      const here = layerAt(analysis, view.offsetAt(range.start));
      if (here?.layer.savings) {
        const s = here.layer.savings;
        const related = ours.filter((d) => d.code === 'savings-separable');
        const kind = related.length ? vscode.CodeActionKind.QuickFix : vscode.CodeActionKind.RefactorRewrite;
        const [sep, dw] = s.alternatives;
        out.push(...action(doc, view, `Replace with SeparableConv2D (-${percent(s.params - sep.params, s.params)} params, same receptive field)`, kind, toSeparable(text, here.layer), related, true));
        out.push(...action(doc, view, `Replace with DepthwiseConv2D + 1x1 Conv2D (-${percent(s.params - dw.params, s.params)} params)`, kind, toDepthwisePointwise(text, here.layer), related));
      }
      const layers = analysis.models.flatMap((m) => m.layers);
      for (const d of ours) {
        const l = layerOfDiagnostic(layers, view, d);
        if (!l) continue;
        if (d.code === 'gridding') {
          const factor = Number(/share the factor (\d+)/.exec(d.message)?.[1] ?? 0);
          if (factor > 1) out.push(...action(doc, view, `Use a dilation rate without the factor ${factor} (avoids gridding)`, vscode.CodeActionKind.QuickFix, fixGridding(text, l, factor), [d], true));
        } else if (d.code === 'checkerboard') {
          out.push(...action(doc, view, 'Make the kernel size divisible by the stride (avoids checkerboard artifacts)', vscode.CodeActionKind.QuickFix, fixCheckerboard(text, l), [d], true));
        }
      }
      return out;
    },
  };
  return vscode.languages.registerCodeActionsProvider({ language: 'python' }, provider, {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, vscode.CodeActionKind.RefactorRewrite],
  });
}
