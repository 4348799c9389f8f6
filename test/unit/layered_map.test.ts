/**
 * A map layered over a kept one reads and lists as one plain Map would (the reference: a Map
 * given the same writes in the same order), whether or not its writes re-set keys of the base.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LayeredMap } from '../../extension/engine/analysis/layered_map';
import { lcg } from '../support/random';

describe('LayeredMap', () => {
  it('gets, lists and flattens as a plain map given the same writes, over random writes', () => {
    const random = lcg(7);
    for (let round = 0; round < 200; round++) {
      const reference = new Map<number, string | null>();
      const base = new Map<number, string | null>();
      const baseSize = Math.floor(random() * 20);
      for (let i = 0; i < baseSize; i++) {
        const k = Math.floor(random() * 30);
        const v = random() < 0.1 ? null : `b${i}`;
        base.set(k, v);
        reference.set(k, v);
      }
      const layered = new LayeredMap(base);
      // Listed once before any write too: the base's list is kept for later listings.
      assert.deepEqual(layered.valueList(), [...reference.values()]);
      const writes = Math.floor(random() * 12);
      for (let i = 0; i < writes; i++) {
        const k = Math.floor(random() * 40);
        const v = random() < 0.1 ? null : `o${round}.${i}`;
        layered.set(k, v);
        reference.set(k, v);
      }
      for (let k = 0; k < 40; k++) {
        assert.equal(layered.get(k), reference.get(k), `round ${round}, key ${k}`);
        assert.equal(layered.has(k), reference.has(k));
      }
      assert.deepEqual([...layered.values()], [...reference.values()], `round ${round}`);
      assert.deepEqual(layered.valueList(), [...reference.values()], `round ${round}`);
      assert.deepEqual([...layered.flatten()], [...reference]);
    }
  });
});
