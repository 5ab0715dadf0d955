// DuckDB side of the plume vs DuckDB benchmark: loads the measurements into an in-process DuckDB
// table, runs every case warm (one untimed run, then --runs timed runs), writes the median times
// and each case's full result as CSV in plume's text conventions (utc as YYYY-MM-DDTHH:MM, NULL as
// an empty field) so that compare.mjs can check that plume returned the same rows.
//
//   node duckdb_side.mjs --source airnow DIR | --source plume-csv FILE
//                        --out DIR [--runs N] [--cases a,b] [--no-expected]
//                        [--db FILE [--identity TEXT] [--scan memory|file]]
// --db FILE: the loaded table is kept in this DuckDB database file and reused by later calls
// with the same source (same path, size and mtime, or the same --identity: then the source file
// may be gone), so that a benchmark can interleave DuckDB and plume runs without reloading;
// --scan memory (default) copies it into memory first (the in-memory table, as without --db),
// --scan file runs the statements on the file (the 100x table does not fit in memory beside
// plume's ranks). Writes DIR/duckdb.json: {version, threads, source, rows, load_ms,
// reused, cases:[{name, runs_ms, median_ms, median_cpu_ms, rows, columns, types}]}, and
// DIR/duckdb_<case>.csv. Exits 1 with a message on error.
import {DuckDBInstance} from '@duckdb/node-api';
import fs from 'node:fs';
import path from 'node:path';
import {performance} from 'node:perf_hooks';

import {kCases, kExchangeCases, kSelectiveCases, Median} from './lib/cases.mjs';

const kColumns =
    '{\'latitude\': \'DOUBLE\', \'longitude\': \'DOUBLE\', \'utc\': \'TIMESTAMP\', \'parameter\': \'VARCHAR\', ' +
    '\'concentration\': \'DOUBLE\', \'unit\': \'VARCHAR\', \'raw_concentration\': \'DOUBLE\', ' +
    '\'aqi\': \'BIGINT\', \'category\': \'BIGINT\', \'site_name\': \'VARCHAR\', \'agency\': \'VARCHAR\', ' +
    '\'aqs_id\': \'VARCHAR\', \'full_aqs_id\': \'VARCHAR\'}';

function ParseArgs(argv) {
  const a = {runs: 7, cases: null, expected: true, source: null, input: null, out: null, db: null,
             identity: null, scan: 'memory'};
  for (let i = 0; i < argv.length; ++i) {
    const k = argv[i];
    const need = () => {
      if (i + 1 >= argv.length) throw new Error(`option ${k} needs a value`);
      return argv[++i];
    };
    if (k === '--source') {
      a.source = need();
      a.input = need();
    } else if (k === '--out')
      a.out = need();
    else if (k === '--runs')
      a.runs = Number(need());
    else if (k === '--cases')
      a.cases = need().split(',');
    else if (k === '--no-expected')
      a.expected = false;
    else if (k === '--db')
      a.db = need();
    else if (k === '--identity')  // with --db: what the rows are (e.g. the plume data set)
      a.identity = need();
    else if (k === '--scan')  // with --db: statements on a copy in memory or on the file
      a.scan = need();
    else
      throw new Error(`unknown option ${k}`);
  }
  if (!['airnow', 'plume-csv'].includes(a.source)) {
    throw new Error('--source airnow DIR or --source plume-csv FILE is required');
  }
  if (!a.out) throw new Error('--out DIR is required');
  if (!['memory', 'file'].includes(a.scan)) throw new Error(`--scan memory|file, got ${a.scan}`);
  // 3 only for the largest sets (bench/compare/lib/size_sweep.mjs), where one run takes minutes
  if (!(a.runs >= 3)) throw new Error(`--runs must be >= 3 (medians of at least 3), got ${a.runs}`);
  return a;
}

function Quote(s) {
  return `'${String(s).replaceAll('\'', '\'\'')}'`;
}

// The AirNow files: no header, every field quoted, -999 / -999.0 mean missing.
// DIR is the airnow-2020fire folder (with data/YYYYMMDD/) or its data/ folder.
function AirnowLoadSql(dir) {
  const data = fs.existsSync(path.join(dir, 'data')) ? path.join(dir, 'data') : dir;
  const glob = path.join(data, '*', '*.csv');
  return `CREATE TABLE measurements AS SELECT * FROM read_csv(${Quote(glob)}, header = false, ` +
      `delim = ',', quote = '"', columns = ${kColumns}, nullstr = ['-999', '-999.0'], ` +
      `timestampformat = '%Y-%m-%dT%H:%M', auto_detect = false)`;
}

// plume's own CSV export: header line, NULL as empty field, utc as YYYY-MM-DDTHH:MM.
function PlumeCsvLoadSql(file) {
  return `CREATE TABLE measurements AS SELECT * FROM read_csv(${Quote(file)}, header = true, ` +
      `delim = ',', quote = '"', columns = ${kColumns}, nullstr = '', ` +
      `timestampformat = '%Y-%m-%dT%H:%M', auto_detect = false)`;
}

// What identifies the loaded rows in a --db file: --identity, else the source and its path,
// size and mtime (an input that is gone identifies nothing).
function SourceIdentity(args) {
  if (!fs.existsSync(args.input)) return null;
  const st = fs.statSync(args.input);
  return JSON.stringify(
      {source: args.source, input: path.resolve(args.input), size: st.size, mtime: st.mtimeMs});
}

// {load_ms} of the table already in the --db file (attached as `store`) when it was loaded
// from this source, else null.
async function Reusable(con, identity) {
  const t = await con.runAndReadAll(
      'SELECT count(*) FROM duckdb_tables() WHERE database_name = \'store\' AND ' +
      'table_name = \'bench_source\'');
  if (Number(t.getRowsJS()[0][0]) === 0) return null;
  const r = (await con.runAndReadAll('SELECT identity, load_ms FROM store.bench_source')).getRowsJS();
  return r.length === 1 && r[0][0] === identity ? {load_ms: r[0][1]} : null;
}

function LoadSql(args, table) {
  const sql = args.source === 'airnow' ? AirnowLoadSql(args.input) : PlumeCsvLoadSql(args.input);
  return sql.replace('CREATE TABLE measurements AS', `CREATE TABLE ${table} AS`);
}

// Loads `measurements` from the source; with --db through the file (attached as `store`, loaded
// only when it does not hold this source yet), then, with --scan memory, copied into memory.
async function Load(con, args) {
  if (args.db) await con.run(`ATTACH ${Quote(args.db)} AS store`);
  const reused = args.db ? await Reusable(con, args.identity ?? SourceIdentity(args)) : null;
  let load_ms = reused?.load_ms;
  if (!reused) {
    if (args.source === 'airnow' && !fs.existsSync(args.input)) {
      throw new Error(`AirNow data directory ${args.input} does not exist`);
    }
    if (args.source === 'plume-csv' && !fs.existsSync(args.input)) {
      throw new Error(`plume CSV export ${args.input} does not exist`);
    }
    const identity = args.identity ?? SourceIdentity(args);
    const table = args.db ? 'store.measurements' : 'measurements';
    if (args.db) {
      await con.run('DROP TABLE IF EXISTS store.measurements');
      await con.run('DROP TABLE IF EXISTS store.bench_source');
    }
    const t0 = performance.now();
    await con.run(LoadSql(args, table));
    load_ms = performance.now() - t0;
    if (args.db) {
      await con.run(`CREATE TABLE store.bench_source AS SELECT ${Quote(identity)} AS identity, ` +
                    `${load_ms}::DOUBLE AS load_ms`);
      await con.run('CHECKPOINT store');
    }
  }
  if (args.db && args.scan === 'memory') {
    await con.run('CREATE TABLE measurements AS SELECT * FROM store.measurements');
  } else if (args.db) {
    await con.run('USE store');
  }
  const r = await con.runAndReadAll('SELECT count(*)::DOUBLE FROM measurements');
  return {load_ms, reused: Boolean(reused), rows: r.getRowsJS()[0][0]};
}

// One timed execution of a case, delivered the way the case says.
// Returns [wall ms, CPU ms of this process (all DuckDB threads)].
async function RunOnce(con, c, scratch) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  if (c.duckdb === 'read') {
    await con.runAndReadAll(c.sql);
  } else if (c.duckdb === 'table') {
    await con.run(`CREATE OR REPLACE TEMP TABLE bench_result AS ${c.sql}`);
  } else if (c.duckdb === 'copy') {
    await con.run(`COPY (${c.sql}) TO ${Quote(scratch)} (FORMAT csv, HEADER)`);
  } else {
    throw new Error(`case ${c.name}: unknown duckdb mode ${c.duckdb}`);
  }
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  if (c.duckdb === 'table') await con.run('DROP TABLE bench_result');
  return [ms, (cpu.user + cpu.system) / 1000];
}

async function RunCase(con, c, args) {
  const scratch = path.join(args.out, `duckdb_scratch_${c.name}.csv`);
  await RunOnce(con, c, scratch);  // warm-up, not timed
  const runs_ms = [], cpu_ms = [];
  for (let i = 0; i < args.runs; ++i) {
    const [ms, cpu] = await RunOnce(con, c, scratch);
    runs_ms.push(ms);
    cpu_ms.push(cpu);
  }
  fs.rmSync(scratch, {force: true});
  const described = await con.runAndReadAll(`DESCRIBE ${c.sql}`);
  const columns = described.getRowsJS().map((r) => r[0]);
  const types = described.getRowsJS().map((r) => r[1]);
  let rows = null;
  if (args.expected) {
    const file = path.join(args.out, `duckdb_${c.name}.csv`);
    await con.run(
        `COPY (${c.sql}) TO ${Quote(file)} ` +
        `(FORMAT csv, HEADER, TIMESTAMPFORMAT '%Y-%m-%dT%H:%M')`);
    const n = await con.runAndReadAll(`SELECT count(*)::DOUBLE FROM (${c.sql})`);
    rows = n.getRowsJS()[0][0];
  }
  return {
    name: c.name,
    runs_ms,
    median_ms: Median(runs_ms),
    median_cpu_ms: Median(cpu_ms),
    rows,
    columns,
    types
  };
}

async function Main() {
  const args = ParseArgs(process.argv.slice(2));
  fs.mkdirSync(args.out, {recursive: true});
  const instance = await DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  // DuckDB's default is one thread per core; PLUME_BENCH_DUCKDB_THREADS overrides it.
  if (process.env.PLUME_BENCH_DUCKDB_THREADS) {
    await con.run(`SET threads = ${Number(process.env.PLUME_BENCH_DUCKDB_THREADS)}`);
  }
  const version = (await con.runAndReadAll('SELECT version()')).getRowsJS()[0][0];
  const threads =
      (await con.runAndReadAll('SELECT current_setting(\'threads\')')).getRowsJS()[0][0];
  const loaded = await Load(con, args);
  const result = {
    version,
    threads: Number(threads),
    source: args.source,
    input: args.input,
    rows: loaded.rows,
    load_ms: loaded.load_ms,
    reused: loaded.reused,
    db: args.db,
    runs: args.runs,
    cases: []
  };
  const wanted = [...kCases, ...kExchangeCases, ...kSelectiveCases].filter(
      (c) => (!args.cases && kCases.includes(c)) || (args.cases && args.cases.includes(c.name)));
  for (const c of wanted) {
    const r = await RunCase(con, c, args);
    process.stderr.write(`duckdb ${c.name}: median ${r.median_ms.toFixed(1)} ms\n`);
    result.cases.push(r);
  }
  fs.writeFileSync(path.join(args.out, 'duckdb.json'), JSON.stringify(result, null, 2) + '\n');
}

Main().catch((e) => {
  process.stderr.write(`duckdb_side: error: ${e.message}\n`);
  process.exit(1);
});
