// Self-test of the comparison code of the DuckDB differential test (lib/results.mjs): it must
// see the differences it exists to find. Plain node, no DuckDB, no MPI (ctest
// duckdb.compare_selftest). Prints `N passed, M failed`; exits 1 on any failure.
import assert from 'node:assert/strict';

import {MultisetDiff, NormaliseTimestamp, OrderedDiff, ParseCsv} from './lib/results.mjs';

const kCases = {
  'CSV: quotes, commas inside quotes, doubled quotes, CRLF, final line without newline': () => {
    const r = ParseCsv('a,b\r\n"x, y","q""z"\n1,\n,""\n"last"');
    assert.deepEqual(r[0], ['a', 'b']);
    assert.deepEqual(r[1], ['x, y', 'q"z']);
    assert.deepEqual(r[2], ['1', '']);
    assert.equal(r[3][0], '');
    assert.notEqual(r[3][1], '', 'a quoted empty field is not NULL');
    assert.deepEqual(r[4], ['last']);
  },
  'CSV: a line break inside a quoted field stays in the field': () => {
    assert.deepEqual(ParseCsv('"a\nb",c\n'), [['a\nb', 'c']]);
  },
  'CSV: malformed quoting is an error': () => {
    assert.throws(() => ParseCsv('"open,1\n'), /unterminated/);
    assert.throws(() => ParseCsv('"a"b,1\n'), /closing quote/);
  },
  'timestamps: plume and DuckDB texts normalise alike, different times do not': () => {
    assert.equal(NormaliseTimestamp('2020-08-10T01:00'), NormaliseTimestamp('2020-08-10 01:00:00'));
    assert.notEqual(
        NormaliseTimestamp('2020-08-10T01:00'), NormaliseTimestamp('2020-08-10 01:00:01'));
    assert.match(NormaliseTimestamp('10/08/2020'), /^bad-timestamp/);
  },
  'multiset: order does not matter, multiplicity does': () => {
    const a = [['x', 1n], ['y', 2n], ['x', 1n]];
    assert.deepEqual(
        MultisetDiff(a, [['y', 2n], ['x', 1n], ['x', 1n]]), {only_plume: [], only_duck: []});
    const d = MultisetDiff(a, [['y', 2n], ['x', 1n], ['y', 2n]]);
    assert.deepEqual(d, {only_plume: [['x', 1n]], only_duck: [['y', 2n]]});
  },
  'multiset: doubles within 1e-9 relative are equal, beyond are not': () => {
    const p = [['PM2.5', 1107.5], ['OZONE', 0.1 + 0.2]];
    const d = [['OZONE', 0.3], ['PM2.5', 1107.5000000000002]];
    assert.deepEqual(MultisetDiff(p, d), {only_plume: [], only_duck: []});
    const far = MultisetDiff([['PM2.5', 1107.5]], [['PM2.5', 1107.51]]);
    assert.equal(far.only_plume.length, 1);
    assert.equal(far.only_duck.length, 1);
  },
  'multiset: NULL differs from a value and from the text NULL': () => {
    assert.equal(MultisetDiff([[null]], [['NULL']]).only_plume.length, 1);
    assert.equal(MultisetDiff([[null]], [[0]]).only_plume.length, 1);
    assert.equal(MultisetDiff([[1n, null]], [[1n, null]]).only_plume.length, 0);
  },
  'ordered: a swapped pair and a missing row are reported': () => {
    assert.deepEqual(OrderedDiff([[1n], [2n]], [[1n], [2n]]), []);
    assert.equal(OrderedDiff([[2n], [1n]], [[1n], [2n]]).length, 2);
    assert.match(OrderedDiff([[1n]], [[1n], [2n]])[0], /row 2: plume \[-\]/);
  },
};

let passed = 0, failed = 0;
for (const [name, f] of Object.entries(kCases)) {
  try {
    f();
    ++passed;
    console.log(`ok   ${name}`);
  } catch (e) {
    ++failed;
    console.log(`FAIL ${name}\n     ${e.message.split('\n').join('\n     ')}`);
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
