/**
 * The views the analysis worker posts in columns are, once cloned as a message and unpacked on the
 * extension host, the views it made: every diagnostic, inlay hint and code lens of each example.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { analyze } from '../../extension/engine/analysis/analyze';
import { documentViews } from '../../extension/engine/session/document_views';
import { packViews, unpackViews } from '../../extension/engine/session/posted_views';
import { example, ROOT } from '../support/analyze';

describe('views posted in columns', () => {
  const files = readdirSync(path.join(ROOT, 'examples')).filter((f) => f.endsWith('.py'));
  it('arrive as the views made, for every example', () => {
    let hints = 0;
    let diagnostics = 0;
    for (const file of files) {
      const views = documentViews(analyze(example(file)));
      assert.deepEqual(unpackViews(structuredClone(packViews(views))), views, file);
      hints += views.inlayHints.length;
      diagnostics += views.diagnostics.length;
    }
    // The examples have views to carry (this guards the test, not the code).
    assert.ok(files.length >= 6 && hints > 60 && diagnostics > 5, `${files.length} files, ${hints} hints, ${diagnostics} diagnostics`);
  });
});
