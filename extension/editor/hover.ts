/** Hover on a layer constructor or call (shape, params, MACs, receptive field, alternatives) or on a tensor variable. */
import * as vscode from 'vscode';
import { containerAt, layerAt, tensorAt } from '../engine/views/locate';
import { containerHover, layerHover, tensorHover } from '../engine/views/hover_text';
import type { Ctx } from './ctx';

export function registerHover(ctx: Ctx): vscode.Disposable {
  return vscode.languages.registerHoverProvider({ language: 'python' }, {
    provideHover(doc, position) {
      const view = ctx.view(doc);
      if (!view) return null;
      const { analysis } = view;
      const offset = view.offsetAt(position);
      // A variable holding a tensor is more specific than the layer call around it.
      const tensor = tensorAt(analysis, offset);
      if (tensor) return new vscode.Hover(new vscode.MarkdownString(tensorHover(tensor)), view.rangeOf(tensor.name) ?? undefined);
      const found = layerAt(analysis, offset);
      // A backbone or nested model: its call or construction shows the whole entry.
      const container = containerAt(analysis, offset);
      const foundWidth = found ? found.layer.call.span.to - found.layer.call.span.from : Infinity;
      if (container && container.span.to - container.span.from <= foundWidth) {
        return new vscode.Hover(new vscode.MarkdownString(containerHover(container.entry, container.model)), view.rangeOf(container.span) ?? undefined);
      }
      if (!found) return null;
      const md = new vscode.MarkdownString(layerHover(found.layer, found.model));
      return new vscode.Hover(md, view.rangeOf(found.layer.call.span) ?? undefined);
    },
  });
}
