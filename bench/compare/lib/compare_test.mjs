// Tests of the row check (node --test bench/compare/lib/): the benchmark's "same rows" verdict is
// only worth something if it can say "different".
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {test} from 'node:test';

import {CompareCsv, ParseCsvRecord} from './compare.mjs';

const kTypes = ['VARCHAR', 'BIGINT', 'DOUBLE'];

function Files(a, b) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compare-test-'));
  fs.writeFileSync(path.join(dir, 'p.csv'), a);
  fs.writeFileSync(path.join(dir, 'd.csv'), b);
  return [path.join(dir, 'p.csv'), path.join(dir, 'd.csv')];
}

test('parses quoted fields, doubled quotes and empty fields', () => {
  assert.deepEqual(ParseCsvRecord('a,"b,c",,"d""e"'), ['a', 'b,c', '', 'd"e']);
  assert.equal(ParseCsvRecord('"open'), null);
});

test('same rows in another order match when unordered, not when ordered', async () => {
  const [p, d] = Files('s,n,x\nA,1,1.5\nB,2,\n', 's,n,x\nB,2,\nA,1,1.5\n');
  const r = await CompareCsv(p, d, kTypes, {ordered: false, approx: false});
  assert.equal(r.rows_match, true);
  const o = await CompareCsv(p, d, kTypes, {ordered: true, approx: false});
  assert.equal(o.rows_match, false);
});

test('a changed value, a missing row and a NULL vs 0 are differences', async () => {
  const base = 's,n,x\nA,1,1.5\nB,2,\n';
  for (const other of ['s,n,x\nA,1,1.6\nB,2,\n', 's,n,x\nA,1,1.5\n', 's,n,x\nA,1,1.5\nB,2,0\n']) {
    const [p, d] = Files(base, other);
    const r = await CompareCsv(p, d, kTypes, {ordered: false, approx: false});
    assert.equal(r.rows_match, false, other);
    assert.ok(r.detail.length > 0);
  }
});

test(
    'optional quoting is the same text; 17 vs 17.0 is the same value but not the same text',
    async () => {
      const [p, d] = Files('s,n,x\nA #1,1,17\n', 's,n,x\n"A #1",1,17.0\n');
      const r = await CompareCsv(p, d, kTypes, {ordered: false, approx: false});
      assert.equal(r.rows_match, true);
      assert.equal(r.text_match, false);
      const [q, e] = Files('s,n,x\nA #1,1,17.0\n', 's,n,x\n"A #1",1,17.0\n');
      assert.equal(
          (await CompareCsv(q, e, kTypes, {ordered: false, approx: false})).text_match, true);
    });

test('aggregates match to 10 digits only when approx', async () => {
  const [p, d] = Files('s,n,x\nA,1,0.46468675627661243\n', 's,n,x\nA,1,0.46468675627662925\n');
  assert.equal((await CompareCsv(p, d, kTypes, {ordered: true, approx: true})).rows_match, true);
  assert.equal((await CompareCsv(p, d, kTypes, {ordered: true, approx: false})).rows_match, false);
});

test('different column names are reported', async () => {
  const [p, d] = Files('s,count,x\nA,1,1.5\n', 's,count_star(),x\nA,1,1.5\n');
  const r = await CompareCsv(p, d, kTypes, {ordered: false, approx: false});
  assert.equal(r.header_match, false);
  assert.equal(r.rows_match, true);
});
