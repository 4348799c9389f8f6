/** The cache of checked notebook cells stays bounded when large cells are edited many times. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cachedCellChars, cellEndError } from '../../extension/engine/notebook/cell_end';

test('editing a 100,000-character cell 60 times keeps the cache of checked cells within 2,000,000 characters', () => {
  const body = 'x = 1\n'.repeat(100_000 / 6);
  for (let i = 0; i < 60; i++) {
    // Each keystroke makes a new cell text; a plain assignment ends on its own.
    assert.equal(cellEndError(`${body}y = ${i}\n`, 'z = 2\n'), null);
  }
  assert.ok(cachedCellChars() <= 2_000_000, `cache holds ${cachedCellChars()} characters`);
  assert.ok(cachedCellChars() > 0);
  // A cell larger than the whole bound is checked but not kept.
  const huge = 'x = 1\n'.repeat(400_000);
  const before = cachedCellChars();
  assert.equal(cellEndError(huge, null), null);
  assert.ok(cachedCellChars() <= before);
});
