/**
 * An analysis as one editor document sees it. A Python file's analysis is of its own text; a
 * notebook cell's is of the whole notebook's program, so offsets differ and some results belong to
 * other cells. Providers go through this to stay right in both.
 */
import * as vscode from 'vscode';
import type { Analysis } from '../engine/analysis/analyze';

export interface AnalysisView {
  analysis: Analysis;
  /** The text the analysis read: the file, or the notebook's program (what Run on sample runs). */
  text: string;
  /** The file to name in views: the Python file, or the notebook (not the cell). */
  sourceUri: vscode.Uri;
  /** The analysis offset of a position in this document. */
  offsetAt(position: vscode.Position): number;
  /** The position in this document of an analysis offset, or null when it lies in another cell. */
  positionAt(offset: number): vscode.Position | null;
  /** This document's range of an analysis span, or null when the span starts in another cell. */
  rangeOf(span: { from: number; to: number }): vscode.Range | null;
  /** The document (this one or another cell) and position of an analysis offset. */
  locate(offset: number): { document: vscode.TextDocument; position: vscode.Position } | null;
}

/** A Python file: analysis offsets are the document's own. */
export function fileView(doc: vscode.TextDocument, analysis: Analysis): AnalysisView {
  return {
    analysis,
    text: doc.getText(),
    sourceUri: doc.uri,
    offsetAt: (p) => doc.offsetAt(p),
    positionAt: (o) => doc.positionAt(o),
    rangeOf: (s) => new vscode.Range(doc.positionAt(s.from), doc.positionAt(s.to)),
    locate: (o) => ({ document: doc, position: doc.positionAt(o) }),
  };
}
