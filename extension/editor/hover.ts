/** Hover on a layer constructor or call (shape, params, MACs, receptive field, alternatives) or on a tensor variable. */
import * as vscode from 'vscode';
import type { Ctx } from './ctx';

export function registerHover(ctx: Ctx): vscode.Disposable {
  return vscode.languages.registerHoverProvider({ language: 'python' }, {
    async provideHover(doc, position) {
      const hover = await ctx.request(doc, 'hover', { offset: ctx.offsetAt(doc, position) }, true);
      const range = hover && ctx.rangeOf(doc, hover);
      return hover && range ? new vscode.Hover(new vscode.MarkdownString(hover.markdown), range) : null;
    },
  });
}
