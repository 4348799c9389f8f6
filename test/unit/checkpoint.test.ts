/** The tracer's state saved and restored in place (extension/engine/trace/checkpoint.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePython } from '../../extension/engine/parse';
import { beforeWrite, Checkpoint, logWrites, markReplacedNeverChanged, setCheckpointAudit, WriteLog } from '../../extension/engine/trace/checkpoint';

describe('checkpoint', () => {
  it('writes back arrays, maps, sets and objects in place, and drops what was added since', () => {
    const shared = { v: 1 };
    const list = [shared, 2];
    const map = new Map<unknown, unknown>([[shared, 'a']]);
    const set = new Set<unknown>([1]);
    const obj: Record<string, unknown> = { list, map, set, n: 3, gone: undefined };
    class Holder {
      count = 1;
      constructor(readonly inner: Record<string, unknown>) {}
    }
    const root = new Holder(obj);
    const cp = Checkpoint.save([root])!;
    list.push(9);
    list[0] = { v: 2 };
    shared.v = 5;
    map.set('k', 1);
    map.delete(shared);
    set.add(2);
    obj.n = 4;
    obj.extra = true;
    delete obj.gone;
    root.count = 7;
    cp.restore();
    assert.equal(root.inner, obj);
    assert.equal(root.count, 1);
    assert.deepEqual(list, [shared, 2]);
    assert.equal(list[0], shared);
    assert.equal(shared.v, 1);
    assert.deepEqual([...map], [[shared, 'a']]);
    assert.deepEqual([...set], [1]);
    assert.deepEqual(Object.keys(obj).sort(), ['gone', 'list', 'map', 'n', 'set']);
    assert.equal(obj.n, 3);
    // Restoring twice is the same (the checkpoint itself is not changed by a restore).
    list.pop();
    cp.restore();
    assert.deepEqual(list, [shared, 2]);
  });

  it('restores a map to its saved entries in their saved order, whatever was done to it since', () => {
    const saved: [string, number][] = [['a', 1], ['b', 2], ['c', 3]];
    const edits: ((m: Map<string, number>) => void)[] = [
      (m) => m.set('d', 4).set('e', 5), // added keys only
      (m) => m.set('b', 20).set('d', 4), // a value re-set, a key added
      (m) => m.delete('a'), // a key gone
      (m) => m.delete('a') && m.set('a', 1), // the same entries, another order
      (m) => m.clear(),
      (m) => { m.clear(); m.set('x', 0).set('a', 1).set('b', 2).set('c', 3); }, // the saved keys after another
    ];
    for (const edit of edits) {
      const map = new Map(saved);
      const cp = Checkpoint.save([{ map }])!;
      edit(map);
      cp.restore();
      assert.deepEqual([...map], saved, String(edit));
      map.set('z', 9);
      cp.restore();
      assert.deepEqual([...map], saved, String(edit));
    }
  });

  it('keeps syntax trees, functions, frozen objects and layer kinds as they are', () => {
    const tree = parsePython('x = 1\n');
    const kernel = { name: 'Conv2D', memo: [1] };
    const frozen = Object.freeze({ a: [1] });
    const fn = () => 1;
    const root = { node: tree.topNode.firstChild, tree, layer: { kernel }, frozen, fn };
    const cp = Checkpoint.save([root])!;
    kernel.memo.push(2);
    frozen.a.push(2);
    cp.restore();
    assert.deepEqual(kernel.memo, [1, 2]);
    // A frozen object's own fields cannot change; what it holds is saved like anything else.
    assert.deepEqual(frozen.a, [1]);
    assert.equal(root.fn, fn);
    assert.equal(root.tree, tree);
  });

  it('neither saves nor looks into an object marked as replaced, never changed', () => {
    const settled = markReplacedNeverChanged(new Map([[1, { times: 1 }]]));
    const held = { times: 1 };
    const root = { settled, other: new Map([[2, held]]) };
    const cp = Checkpoint.save([root])!;
    settled.get(1)!.times = 5;
    held.times = 5;
    cp.restore();
    // Not saved: what it holds stays as changed; the same kind of object elsewhere is restored.
    assert.equal(settled.get(1)!.times, 5);
    assert.equal(held.times, 1);
    assert.equal(root.settled, settled);
  });

  it('undoes the logged writes to logged objects, which it neither saves nor compares, and still saves what they hold', () => {
    const held = { times: 1 };
    const layer: Record<string, unknown> = { trainable: true, calls: [1], held };
    const log = new WriteLog();
    logWrites(layer, log);
    logWrites(layer.calls as object, log);
    const cp = Checkpoint.save([{ layer }], log)!;
    beforeWrite(layer, 'trainable');
    layer.trainable = false;
    beforeWrite(layer, 'trainable');
    layer.trainable = 'twice';
    beforeWrite(layer, 'variable');
    layer.variable = { index: 0 };
    beforeWrite(layer.calls as object, 'length');
    (layer.calls as number[]).push(2);
    held.times = 5;
    cp.restore();
    assert.deepEqual(layer, { trainable: true, calls: [1], held });
    assert.ok(!('variable' in layer));
    assert.equal(held.times, 1, 'what a logged object holds is saved as usual');
    assert.equal(log.writes.length, 0);
    // Restored again after more writes: the log starts empty after each restore.
    beforeWrite(layer, 'trainable');
    layer.trainable = false;
    cp.restore();
    assert.equal(layer.trainable, true);
  });

  it('with the audit on, a write to a logged object without beforeWrite is reported at restore', () => {
    setCheckpointAudit(true);
    try {
      const layer: Record<string, unknown> = { trainable: true };
      const log = new WriteLog();
      logWrites(layer, log);
      const cp = Checkpoint.save([{ layer }], log)!;
      beforeWrite(layer, 'trainable');
      layer.trainable = false;
      cp.restore();
      layer.trainable = false;
      assert.throws(() => cp.restore(), /written without beforeWrite/);
    } finally {
      setCheckpointAudit(false);
    }
  });

  it('refuses a state holding what it cannot save', () => {
    assert.equal(Checkpoint.save([{ cache: new WeakMap() }]), null);
    assert.equal(Checkpoint.save([{ items: new Array(1_000_001).fill(0) }]), null);
  });
});
