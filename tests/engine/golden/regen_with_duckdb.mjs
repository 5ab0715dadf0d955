// Regenerates the expected rows of every golden/*.test "query" block by running the statement
// in DuckDB over measurements.csv (-999 loaded as NULL), printed the way the engine prints.
// Not a build dependency. Usage (node 18+):
//   mkdir -p /tmp/duck && cd /tmp/duck && npm install @duckdb/node-api@1.5.6-r.1
//   NODE_PATH=/tmp/duck/node_modules node tests/engine/golden/regen_with_duckdb.mjs [file.test...]
// (no file names: every golden file)
import { createRequire } from 'module';
import fs from 'fs';
import path from 'path';

const require = createRequire(process.env.NODE_PATH ? path.join(process.env.NODE_PATH, 'x') : import.meta.url);
const { DuckDBInstance } = require('@duckdb/node-api');
const dir = path.dirname(new URL(import.meta.url).pathname);
const inst = await DuckDBInstance.create(':memory:');
const db = await inst.connect();
await db.run(`CREATE TABLE measurements AS SELECT latitude, longitude, utc, parameter,
  NULLIF(concentration, -999.0) AS concentration, unit,
  NULLIF(raw_concentration, -999.0) AS raw_concentration, NULLIF(aqi, -999) AS aqi,
  NULLIF(category, -999) AS category, site_name, agency, aqs_id, full_aqs_id
  FROM read_csv('${dir}/measurements.csv', header = false, columns = {
  'latitude': 'DOUBLE', 'longitude': 'DOUBLE', 'utc': 'TIMESTAMP', 'parameter': 'VARCHAR',
  'concentration': 'DOUBLE', 'unit': 'VARCHAR', 'raw_concentration': 'DOUBLE', 'aqi': 'BIGINT',
  'category': 'BIGINT', 'site_name': 'VARCHAR', 'agency': 'VARCHAR', 'aqs_id': 'VARCHAR',
  'full_aqs_id': 'VARCHAR'})`);

function Text(v, type) {
  if (v === null) return 'NULL';
  if (type === 'DOUBLE') {
    let s = String(v);
    const special = {'Infinity': 'inf', '-Infinity': '-inf', 'NaN': 'nan'};
    if (s in special) return special[s];  // DuckDB's VARCHAR forms, as the engine prints them
    // DuckDB's text: the shortest digits, fixed for decimal exponents -4 .. 15, else scientific
    // (1.5e+16, 1e-05)
    const [mantissa, exp] = v.toExponential().split('e');
    const e = Number(exp);
    if (e < -4 || e >= 16) return mantissa + 'e' + (e < 0 ? '-' : '+') + String(Math.abs(e)).padStart(2, '0');
    if (Object.is(v, -0)) return '-0.0';
    s = v.toFixed(Math.max(0, mantissa.replace(/^-/, '').replace('.', '').length - 1 - e));
    if (!/[.]/.test(s)) s += '.0';
    return s;
  }
  if (type === 'DATE') return String(v);
  // DuckDB's VARCHAR form of a DECIMAL without integer digits has no 0 before the point (.5)
  const dec = /^DECIMAL\((\d+),(\d+)\)$/.exec(type);
  if (dec && dec[1] === dec[2]) return String(v).replace(/^(-?)0\./, '$1.');
  if (type === 'TIMESTAMP') {
    let s = String(v).replace(' ', 'T');
    return s.endsWith(':00') ? s.slice(0, -3) : s;
  }
  return String(v);
}

const only = process.argv.slice(2);
for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.test')).sort()) {
  if (only.length > 0 && !only.includes(file)) continue;
  const lines = fs.readFileSync(path.join(dir, file), 'utf8').split('\n');
  if (lines[0].startsWith('# plume-only')) continue;  // plume's own functions: expectations by hand
  const out = [];
  for (let i = 0; i < lines.length; ++i) {
    out.push(lines[i]);
    if (!lines[i].startsWith('query ')) continue;
    const sql = lines[++i];
    out.push(sql, '----');
    i += 1;  // the ---- line
    while (i + 1 < lines.length && lines[i + 1].trim() !== '') ++i;  // old expectation
    const r = await db.runAndReadAll(sql);
    const types = r.columnTypes().map((t) => t.toString());
    out.push(r.columnNames().join('|'));
    for (const row of r.getRowsJson()) out.push(row.map((v, k) => Text(v, types[k])).join('|'));
  }
  fs.writeFileSync(path.join(dir, file), out.join('\n'));
}
