// Compares `convlens analyze --json` on each weight-golden case file with what Keras recorded in
// test/goldens/weights/manifest.json (layer names, classes, output shapes, parameter counts).
// Report only; it changes nothing. Usage: node scripts/goldens/compare_convlens.mjs [CASE ...]
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = path.join(root, 'test', 'goldens', 'weights');
const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
const wanted = process.argv.slice(2);
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const fmt = (s) => (s == null ? '?' : JSON.stringify(s).replace(/null/g, 'None'));

let allSame = true;
for (const [name, c] of Object.entries(manifest.cases)) {
  if (wanted.length && !wanted.includes(name)) continue;
  let out;
  try {
    out = execFileSync('node', [path.join(root, 'bin', 'convlens.js'), 'analyze', path.join(dir, c.source), '--json'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (e) {
    out = e.stdout; // exit 1 when there are error diagnostics; the JSON is still printed
  }
  const report = JSON.parse(out);
  const m = report.models.find((x) => x.variable === 'model') ?? report.models.at(-1);
  const diffs = [];
  if (!m) diffs.push('no model found');
  else {
    if (m.name !== c.model_name) diffs.push(`model name: convlens ${m.name}, keras ${c.model_name}`);
    const cl = new Map(m.layers.map((l) => [l.name, l]));
    const kl = new Map(c.layers.map((l) => [l.name, l]));
    const clNames = m.layers.map((l) => l.name);
    const kNames = c.layers.map((l) => l.name);
    if (!same(clNames, kNames)) diffs.push(`layers: convlens [${clNames.join(', ')}]\n        keras    [${kNames.join(', ')}]`);
    for (const k of c.layers) {
      const l = cl.get(k.name);
      if (!l) continue;
      if (l.type !== k.class_name) diffs.push(`${k.name}: type convlens ${l.type}, keras ${k.class_name}`);
      if (!same(l.outputShape, k.output_shape)) diffs.push(`${k.name}: shape convlens ${fmt(l.outputShape)}, keras ${fmt(k.output_shape)}`);
      if (l.trainableParams !== k.trainable_params || l.nonTrainableParams !== k.non_trainable_params)
        diffs.push(`${k.name}: params convlens ${l.trainableParams}+${l.nonTrainableParams}, keras ${k.trainable_params}+${k.non_trainable_params}`);
    }
    const tot = m.layers.reduce((s, l) => [s[0] + (l.trainableParams ?? 0), s[1] + (l.nonTrainableParams ?? 0)], [0, 0]);
    if (tot[0] !== c.trainable_params || tot[1] !== c.non_trainable_params)
      diffs.push(`totals: convlens ${tot[0]}+${tot[1]}, keras ${c.trainable_params}+${c.non_trainable_params}`);
    const errors = (report.diagnostics ?? []).filter((d) => d.severity === 'error');
    for (const d of errors) diffs.push(`error diagnostic: ${d.message}`);
    void kl;
  }
  allSame &&= diffs.length === 0;
  console.log(`${name}: ${diffs.length ? 'DIFFERS' : 'same'}`);
  for (const d of diffs) console.log(`    ${d}`);
}
process.exitCode = allSame ? 0 : 1;
