/** Hover on a layer constructor or call (shape, params, MACs, receptive field, alternatives) or on a tensor variable. */
import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import { rangeOf } from './ctx';

export function registerHover(ctx: Ctx): vscode.Disposable {
  return vscode.languages.registerHoverProvider({ language: 'python' }, {
    async provideHover(doc, position) {
      const hover = await ctx.request(doc, 'hover', { offset: doc.offsetAt(position) }, true);
      return hover ? new vscode.Hover(new vscode.MarkdownString(hover.markdown), rangeOf(doc, hover)) : null;
    },
  });
}
