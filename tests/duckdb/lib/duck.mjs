// The DuckDB side: loading the measurements (the AirNow CSV files, or plume's own CSV export of
// a synthetic data set) and running statements into CSV files for comparison.
import fs from 'node:fs';
import {createRequire} from 'node:module';
import path from 'node:path';

// The 13 columns of plume's schema (engine/schema.h) as DuckDB types.
export const kSchema = [
  ['latitude', 'DOUBLE'], ['longitude', 'DOUBLE'], ['utc', 'TIMESTAMP'], ['parameter', 'VARCHAR'],
  ['concentration', 'DOUBLE'], ['unit', 'VARCHAR'], ['raw_concentration', 'DOUBLE'],
  ['aqi', 'BIGINT'], ['category', 'BIGINT'], ['site_name', 'VARCHAR'], ['agency', 'VARCHAR'],
  ['aqs_id', 'VARCHAR'], ['full_aqs_id', 'VARCHAR']
];

export function Quote(s) {
  return `'${String(s).replaceAll('\'', '\'\'')}'`;
}

function ColumnsSql(columns) {
  return `{${columns.map(([n, t]) => `${Quote(n)}: ${Quote(t)}`).join(', ')}}`;
}

// @duckdb/node-api from the node_modules installed into the build directory (not the source tree).
export async function OpenDuckDB(modules_dir) {
  const require = createRequire(path.join(modules_dir, 'package.json'));
  const {DuckDBInstance} = require('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  const version = (await con.runAndReadAll('SELECT version()')).getRows()[0][0];
  return {instance, con, version};
}

// The AirNow files: no header, every field quoted, -999 / -999.0 mean missing (NULL).
export async function LoadAirnow(con, dir) {
  const data = fs.existsSync(path.join(dir, 'data')) ? path.join(dir, 'data') : dir;
  await con.run(
      `CREATE TABLE measurements AS SELECT * FROM read_csv(${
          Quote(path.join(data, '*', '*.csv'))}, ` +
      `header = false, delim = ',', quote = '"', columns = ${ColumnsSql(kSchema)}, ` +
      `nullstr = ['-999', '-999.0'], timestampformat = '%Y-%m-%dT%H:%M', auto_detect = false)`);
}

// plume's CSV export (`SELECT * FROM measurements`, --format csv): header line, NULL as an empty
// field, utc as YYYY-MM-DDTHH:MM. The header must be exactly the schema's column names.
export async function LoadPlumeCsv(con, file) {
  const header = fs.readFileSync(file, 'utf8').slice(0, 4096).split('\n')[0];
  const want = kSchema.map(([n]) => n).join(',');
  if (header !== want) throw new Error(`${file}: header is [${header}], expected [${want}]`);
  await con.run(
      `CREATE TABLE measurements AS SELECT * FROM read_csv(${Quote(file)}, header = true, ` +
      `delim = ',', quote = '"', columns = ${ColumnsSql(kSchema)}, nullstr = '', ` +
      `timestampformat = '%Y-%m-%dT%H:%M', auto_detect = false, strict_mode = true)`);
}

export async function Scalar(con, sql) {
  return (await con.runAndReadAll(sql)).getRows()[0][0];
}

// Binds `sql` (throws DuckDB's error) and returns its result columns without running it.
export async function Describe(con, sql) {
  const prepared = await con.prepare(sql);
  const names = [], types = [];
  for (let i = 0; i < prepared.columnCount; ++i) {
    names.push(prepared.columnName(i));
    types.push(prepared.columnType(i).toString());
  }
  return {names, types};
}

export async function CopyToCsv(con, sql, file) {
  await con.run(`COPY (${sql}) TO ${Quote(file)} (FORMAT csv, HEADER)`);
}

function ReadPlumeCsvSql(file, types) {
  const columns = types.map((t, i) => [`c${i}`, t]);
  return `SELECT * FROM read_csv(${Quote(file)}, header = true, delim = ',', quote = '"', ` +
      `columns = ${ColumnsSql(columns)}, nullstr = '', timestampformat = '%Y-%m-%dT%H:%M', ` +
      `auto_detect = false)`;
}

// Exact multiset comparison of plume's CSV `file` with the result of `sql`, inside DuckDB (for
// big results): {rows (plume's), only_plume, only_duck} as counts.
export async function ExactDiff(con, file, types, sql) {
  await con.run(`CREATE OR REPLACE TEMP TABLE plume_result AS ${ReadPlumeCsvSql(file, types)}`);
  const row = (await con.runAndReadAll(
                   `SELECT (SELECT count(*) FROM plume_result), ` +
                   `(SELECT count(*) FROM (FROM plume_result EXCEPT ALL (${sql}))), ` +
                   `(SELECT count(*) FROM ((${sql}) EXCEPT ALL FROM plume_result))`))
                  .getRows()[0];
  await con.run('DROP TABLE plume_result');
  return {rows: Number(row[0]), only_plume: Number(row[1]), only_duck: Number(row[2])};
}

// How many of the rows in plume's CSV `file` (typed as `types`) are not in the result of `sql`
// (multiset difference, exact values). For big results of @subset statements.
export async function RowsNotIn(con, file, types, sql) {
  return Number(await Scalar(
      con, `SELECT count(*) FROM (${ReadPlumeCsvSql(file, types)} EXCEPT ALL (${sql}))`));
}
