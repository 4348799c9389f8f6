/** Hover on a layer constructor or call (every call of its line, shapes, params, RF, alternatives) or on a tensor variable. */
import * as vscode from 'vscode';
import { hoverAt } from '../engine/views/hover_text';
import type { Ctx } from './ctx';

export function registerHover(ctx: Ctx): vscode.Disposable {
  return vscode.languages.registerHoverProvider({ language: 'python' }, {
    provideHover(doc, position) {
      const view = ctx.view(doc);
      const found = view && hoverAt(view.analysis, view.offsetAt(position));
      return found ? new vscode.Hover(new vscode.MarkdownString(found.markdown), view.rangeOf(found.span) ?? undefined) : null;
    },
  });
}
