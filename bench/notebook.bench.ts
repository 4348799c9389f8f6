/**
 * `node --import tsx bench/notebook.bench.ts`: editing a long notebook. Times a cold analysis
 * (fresh session), a one-character edit of the last cell and of the second cell (the first block)
 * through NotebookSession (incremental parse of the program, trace resumed from the checkpoint
 * before the edited statement), the parse alone (incremental vs from scratch) and a plain
 * non-incremental analyze of the same program. Medians; never a pass/fail test.
 */
import { analyze } from '../extension/engine/analysis/analyze';
import { NotebookSession } from '../extension/engine/notebook/notebook_session';
import { NotebookProgram, type ProgramCell } from '../extension/engine/notebook/program';
import { IncrementalParser, parsePython } from '../extension/engine/parse';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(runs: number, fn: (i: number) => void): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn(i);
    samples.push(performance.now() - t0);
  }
  return median(samples);
}

/** A notebook of `blocks` cells with three layers each, a magic here and there, the model in the last cell. */
function longNotebook(blocks: number): ProgramCell[] {
  const cells: ProgramCell[] = [{ key: 0, text: '%matplotlib inline\nimport keras\nfrom keras import layers\nx = inputs = keras.Input(shape=(32, 32, 8))' }];
  for (let i = 0; i < blocks; i++) {
    cells.push({ key: cells.length, text: `# block ${i}\nx = layers.Conv2D(8, 3, padding="same", name="conv_${i}")(x)\nx = layers.BatchNormalization(name="bn_${i}")(x)\nx = layers.ReLU(name="relu_${i}")(x)${i % 10 === 0 ? '\n!nvidia-smi' : ''}` });
  }
  cells.push({ key: cells.length, text: 'x = layers.Conv2D(8, 1, name="head")(x)\nmodel = keras.Model(inputs, x, name="chain")' });
  return cells;
}

function main() {
  for (const blocks of [100, 333]) {
    const cells = longNotebook(blocks);
    const last = cells.length - 1;
    const edited = (i: number) => cells.map((c) => (c.key === last ? { ...c, text: c.text.replace('Conv2D(8, 1', i % 2 ? 'Conv2D(8, 1' : 'Conv2D(81, 1') } : c));
    const cold = time(5, () => new NotebookSession().update(cells, 'v'));
    const session = new NotebookSession();
    session.update(cells, 'v0');
    const edit = time(20, (i) => session.update(edited(i), `v${i + 1}`));
    const firstBlock = (i: number) => cells.map((c) => (c.key === 1 ? { ...c, text: c.text.replace('Conv2D(8, 3', i % 2 ? 'Conv2D(8, 3' : 'Conv2D(81, 3') } : c));
    const early = new NotebookSession();
    early.update(cells, 'v0');
    const editEarly = time(20, (i) => early.update(firstBlock(i), `v${i + 1}`));
    const program = new NotebookProgram(cells).text;
    const full = time(5, () => analyze(program));
    const parser = new IncrementalParser();
    parser.parse(program);
    const texts = [new NotebookProgram(edited(0)).text, new NotebookProgram(edited(1)).text];
    const parseIncremental = time(20, (i) => {
      const before = texts[(i + 1) % 2];
      const after = texts[i % 2];
      let from = 0;
      while (before[from] === after[from]) from++;
      parser.parse(after, [{ from, to: from + (before.length > after.length ? 1 : 0), insert: after.length > before.length ? after[from] : '' }]);
    });
    const parseFull = time(10, () => parsePython(program));
    const layers = session.analysisFor(`v20`)?.analysis.models[0]?.layers.length ?? '?';
    console.log(`${cells.length} cells (${layers} layers, ${program.length} chars): cold ${cold.toFixed(1)} ms; edit of the last cell ${edit.toFixed(1)} ms, of the first block's cell ${editEarly.toFixed(1)} ms (non-incremental analyze ${full.toFixed(1)} ms, ratio ${(edit / full).toFixed(2)}); parse alone: incremental ${parseIncremental.toFixed(2)} ms vs full ${parseFull.toFixed(1)} ms`);
  }
}

main();
