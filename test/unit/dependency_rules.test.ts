/**
 * The layering rules of .dependency-cruiser.cjs (run on the repo by `npm run depcheck`) really
 * fail: dependency-cruiser, run with the repo's config on a small tree with one forbidden import
 * per rule, exits non-zero and names each rule; the allowed imports beside them pass.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

const repo = path.resolve(import.meta.dirname, '../..');

const FIXTURE: Record<string, string> = {
  'tsconfig.json': '{}',
  // Forbidden: a layer kind importing the engine.
  'kernels/dense.ts': "import { analyze } from '../extension/engine/analyze';\nexport const dense = analyze;\n",
  // Forbidden: a cycle between two kinds.
  'kernels/conv.ts': "import { pool } from './pool';\nexport const conv = () => pool;\n",
  'kernels/pool.ts': "import { conv } from './conv';\nexport const pool = () => conv;\n",
  // Forbidden: the engine importing vscode and the editor.
  'extension/engine/analyze.ts': "import { window } from 'vscode';\nimport { show } from '../editor/show';\nexport const analyze = () => [window, show];\n",
  // Allowed: the editor imports vscode.
  'extension/editor/show.ts': "import { window } from 'vscode';\nexport const show = window;\n",
  // Allowed: the webview imports its protocol; forbidden: the engine.
  'webview/main.ts': "import type { Msg } from './messages';\nimport { analyze } from '../extension/engine/analyze';\nexport const m: Msg[] = [];\nexport const a = analyze;\n",
  'webview/messages.ts': 'export interface Msg { type: string }\n',
};

test('the dependency rules fail on forbidden imports and name the rule', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'convlens-depcheck-'));
  try {
    for (const [file, text] of Object.entries(FIXTURE)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), text);
    }
    const run = spawnSync(
      process.execPath,
      [path.join(repo, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'), '--config', path.join(repo, '.dependency-cruiser.cjs'), '--output-type', 'err', 'kernels', 'extension', 'webview'],
      { cwd: dir, encoding: 'utf8' },
    );
    const out = run.stdout + run.stderr;
    assert.notEqual(run.status, 0, out);
    const violations = out.split('\n').filter((l) => /^\s*error /.test(l)).map((l) => l.trim());
    assert.deepEqual(violations.sort(), [
      'error engine-imports-no-app: extension/engine/analyze.ts → extension/editor/show.ts',
      'error kernels-import-no-extension: kernels/dense.ts → extension/engine/analyze.ts',
      'error no-circular: kernels/conv.ts →',
      'error vscode-only-in-editor: extension/engine/analyze.ts → vscode',
      'error webview-imports-protocol-only: webview/main.ts → extension/engine/analyze.ts',
    ].sort(), out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
