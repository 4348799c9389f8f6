/** Hover on a layer constructor or call: shape, params, MACs, receptive field, alternatives. */
import * as vscode from 'vscode';
import { layerAt } from '../core/views/locate';
import { layerHover } from '../core/views/hover_text';
import type { Ctx } from './ctx';
import { rangeOf } from './ctx';

export function registerHover(ctx: Ctx): vscode.Disposable {
  return vscode.languages.registerHoverProvider({ language: 'python' }, {
    provideHover(doc, position) {
      const analysis = ctx.analysis(doc);
      if (!analysis) return null;
      const found = layerAt(analysis, doc.offsetAt(position));
      if (!found) return null;
      const md = new vscode.MarkdownString(layerHover(found.layer, found.model));
      return new vscode.Hover(md, rangeOf(doc, found.layer.call.span));
    },
  });
}
