/**
 * Publishes ConvLens diagnostics to the Problems panel, once per analysed version, and only when
 * they changed: re-publishing a 1000-layer file's hundreds of unchanged diagnostics on every
 * keystroke made the editor redraw them all.
 */
import * as vscode from 'vscode';
import type { Ctx } from './ctx';

const SEVERITY = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

type Place = { line: number; character: number };

/** What a document shows: the diagnostics last published, and the first place edited since (null: none). */
interface Shown {
  diagnostics: vscode.Diagnostic[];
  editedFrom: Place | null;
}

function before(a: Place, b: Place): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

function samePlace(a: Place, b: Place): boolean {
  return a.line === b.line && a.character === b.character;
}

/** The same diagnostics, in the same order, at the same places. */
export function sameDiagnostics(a: readonly vscode.Diagnostic[], b: readonly vscode.Diagnostic[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x.message !== y.message || x.severity !== y.severity || x.code !== y.code || !samePlace(x.range.start, y.range.start) || !samePlace(x.range.end, y.range.end)) return false;
  }
  return true;
}

/**
 * Whether `next` must be published over what is shown. Equal diagnostics still must when an edit
 * since came before one of them: the editor has moved that squiggle with the text, away from where
 * the diagnostic now is.
 */
export function mustPublish(shown: Shown | undefined, next: readonly vscode.Diagnostic[]): boolean {
  if (!shown || !sameDiagnostics(shown.diagnostics, next)) return true;
  const edited = shown.editedFrom;
  return edited !== null && shown.diagnostics.some((d) => !before(d.range.end, edited));
}

export function registerDiagnostics(ctx: Ctx): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection('convlens');
  const shown = new Map<string, Shown>();
  const sub = ctx.onDidAnalyze((doc) => {
    const views = ctx.views(doc);
    if (!views) return;
    // In a notebook cell: the notebook's diagnostics that start in this cell, and its SyntaxError if it was left out.
    const next = [...ctx.syntaxDiagnostics(doc), ...views.diagnostics].flatMap((d) => {
      const range = ctx.rangeOf(doc, d);
      if (!range) return [];
      const diag = new vscode.Diagnostic(range, d.message, SEVERITY[d.severity]);
      diag.source = 'ConvLens';
      diag.code = d.code;
      return [diag];
    });
    const key = doc.uri.toString();
    const publish = mustPublish(shown.get(key), next);
    if (publish) {
      collection.set(doc.uri, next);
      shown.set(key, { diagnostics: next, editedFrom: null });
    } else shown.get(key)!.editedFrom = null;
  });
  const edited = vscode.workspace.onDidChangeTextDocument((e) => {
    const entry = shown.get(e.document.uri.toString());
    if (!entry) return;
    for (const c of e.contentChanges) {
      // Offsets before an edit keep their place: the edit's start is where it was.
      const at = e.document.positionAt(c.rangeOffset);
      if (!entry.editedFrom || before(at, entry.editedFrom)) entry.editedFrom = { line: at.line, character: at.character };
    }
  });
  const closed = vscode.workspace.onDidCloseTextDocument((doc) => {
    collection.delete(doc.uri);
    shown.delete(doc.uri.toString());
  });
  return vscode.Disposable.from(collection, sub, edited, closed);
}
