// End-to-end semantic differential test of plume against DuckDB on the same data (ctest
// duckdb.differential; run_differential.sh installs @duckdb/node-api and calls this).
//
// The requirement it proves: plume's semantics follow standard SQL as DuckDB implements it over
// the same data with -999 loaded as NULL: same rows, same aggregate values, same column names.
//
//   node differential.mjs --plume BIN --preprocess BIN --mpiexec BIN --modules DIR --work DIR
//                         [--airnow DIR] [--suite FILE] [--ranks N (default 6: 5 partitions)]
// Data: the real AirNow files when --airnow names an existing directory (ingested by
// plume-preprocess, read by DuckDB from the same CSVs); else 200,000 synthetic rows, exported by
// plume as CSV and loaded into DuckDB from that export. Every statement of suite.sql runs in one
// `mpirun -n 6 plume -f` batch and in DuckDB; results compare by column names, row count and
// rows (see lib/results.mjs). Prints `N passed, M failed`; exits 1 on any failure.
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

import * as duck from './lib/duck.mjs';
import * as plume from './lib/plume.mjs';
import {Column, MultisetDiff, OrderedDiff, ReadResult, RowText} from './lib/results.mjs';
import {RandomStatements} from './lib/random_sql.mjs';
import {Fill, ParseSuite, Placeholders, WithoutLimit, WritePlumeScript} from './lib/suite.mjs';

const kSyntheticRows = 200000;
// mpirun --timeout of the suite's batch, scaled like the tests' other limits (docs/TESTING.md,
// "Time limits under the sanitizers"): under ASan at load ~20 the 2-rank multistage batch ran
// past 240 s and mpirun ended it before plume wrote its report.
const kBatchTimeoutS = 240 * (/^[1-9][0-9]*$/.test(process.env.PLUME_TIMEOUT_SCALE ?? '')
                                  ? Number(process.env.PLUME_TIMEOUT_SCALE)
                                  : 1);
const kSubsetInMemoryRows = 100000;   // larger un-LIMITed results are checked inside DuckDB
const kExactInDuckDBBytes = 4 << 20;  // bigger unordered results are first compared there
// Random statements after the suite (lib/random_sql.mjs); PLUME_DIFF_SEED / PLUME_DIFF_RANDOM
// choose another seed / count.
const kRandomSeed = Number(process.env.PLUME_DIFF_SEED ?? 20200910);
const kRandomCount = Number(process.env.PLUME_DIFF_RANDOM ?? 30);

function ParseArgs(argv) {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const a = {suite: path.join(here, 'suite.sql'), airnow: '', ranks: String(plume.kRanks)};
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    if (i + 1 >= argv.length) throw new Error(`option ${argv[i]} needs a value`);
    a[key] = argv[i + 1];
  }
  for (const k of ['plume', 'preprocess', 'mpiexec', 'modules', 'work']) {
    if (!a[k]) throw new Error(`--${k} is required`);
  }
  a.ranks = Number(a.ranks);
  if (!Number.isInteger(a.ranks) || a.ranks < 2) throw new Error('--ranks must be 2 or more');
  return a;
}

function Since(t0) {
  return `${((Date.now() - t0) / 1000).toFixed(1)} s`;
}

// Makes plume's data set and DuckDB's table from the same source. Returns a description.
async function PrepareData(args, con) {
  const data = path.join(args.work, 'data');
  const airnow = args.airnow && fs.existsSync(args.airnow) ? args.airnow : null;
  let rows;
  if (airnow) {
    console.log(`data: the real AirNow files in ${airnow} (plume-preprocess --partitions ` +
                `${args.ranks - 1}, ${args.ranks} ranks)`);
    const [n] = await Promise.all([
      plume.Preprocess(args.preprocess, ['--input', airnow], data, args.ranks - 1),
      duck.LoadAirnow(con, airnow)
    ]);
    rows = n;
  } else {
    console.log(
        `data: AirNow files not found (${args.airnow || 'PLUME_AIRNOW_DIR unset'}); using ` +
        `${kSyntheticRows} synthetic rows, exported by plume as CSV and loaded into DuckDB ` +
        `from that export (so plume's CSV output is checked to be re-readable)`);
    rows = await plume.Preprocess(
        args.preprocess, ['--synthetic', String(kSyntheticRows)], data, args.ranks - 1);
    const export_file = path.join(args.work, 'export.csv');
    await plume.ExportCsv({...args, data}, export_file);
    await duck.LoadPlumeCsv(con, export_file);
  }
  const duck_rows = Number(await duck.Scalar(con, 'SELECT count(*) FROM measurements'));
  if (duck_rows !== rows) {
    throw new Error(`DuckDB loaded ${duck_rows} rows, plume's manifest says ${rows}`);
  }
  // An empty CSV field means NULL on both sides only if no string is empty (lib/results.mjs).
  const empty = Number(await duck.Scalar(
      con,
      'SELECT count(*) FROM measurements WHERE \'\' IN (parameter, unit, site_name, agency, ' +
          'aqs_id, full_aqs_id)'));
  if (empty !== 0) throw new Error(`${empty} rows hold an empty string; CSV cannot tell NULL`);
  return {dir: data, rows};
}

// DuckDB's answer to every statement: {names, types, file} or {error}.
async function RunDuckDB(con, statements, work) {
  const answers = [];
  for (const [i, s] of statements.entries()) {
    const file = path.join(work, `duckdb_${i + 1}.csv`);
    try {
      const {names, types} = await duck.Describe(con, s.sql);
      await duck.CopyToCsv(con, s.sql.replace(/;\s*$/, ''), file);
      answers.push({names, types, file});
    } catch (e) {
      answers.push({error: e.message});
    }
  }
  return answers;
}

function CheckError(s, p, d) {
  const problems = [];
  if (p.status !== 'failed')
    problems.push(`plume ${p.status} it (expected an error)`);
  else if (!p.message || !p.message.includes('Error')) {
    problems.push(`plume's message has no "Error": ${p.message ?? p.error}`);
  }
  if (s.error === 'error' && !d.error) problems.push('DuckDB accepts it (expected an error)');
  return problems;
}

async function CheckSubset(con, s, plume_file, types, prows) {
  const unlimited = WithoutLimit(s.sql);
  if (!unlimited) return ['suite: @subset statement has no LIMIT'];
  const n = Number(await duck.Scalar(con, `SELECT count(*) FROM (${unlimited})`));
  if (n > kSubsetInMemoryRows) {
    const extra = await duck.RowsNotIn(con, plume_file, types, unlimited);
    return extra === 0 ? [] : [`${extra} plume rows are not in the result without LIMIT`];
  }
  const file = plume_file.replace(/\.csv$/, '_unlimited.csv');
  await duck.CopyToCsv(con, unlimited, file);
  const all = ReadResult(file, types).rows;
  const {only_plume} = MultisetDiff(prows, all);
  return only_plume.slice(0, 5).map((r) => `not in the result without LIMIT: [${RowText(r)}]`);
}

// Big unordered results first compare exactly inside DuckDB; equal there means equal here too
// (exact equality implies equality within the tolerance). Returns true when that settled it.
async function ExactlyEqual(con, s, p, d, plume_file) {
  if (s.ordered || s.keys || s.subset || fs.statSync(d.file).size < kExactInDuckDBBytes) {
    return false;
  }
  const header = fs.readFileSync(plume_file, 'utf8').slice(0, 65536).split('\n')[0];
  if (header !== d.names.join(',')) return false;  // unusual names: let the full path report
  const r = await duck.ExactDiff(con, plume_file, d.types, s.sql.replace(/;\s*$/, ''));
  return r.rows === p.rows && r.only_plume === 0 && r.only_duck === 0;
}

async function CheckRows(con, s, p, d, plume_file) {
  if (await ExactlyEqual(con, s, p, d, plume_file)) return [];
  const pr = ReadResult(plume_file, d.types);
  const dr = ReadResult(d.file, d.types);
  const problems = [];
  const names = pr.header.join(', ');
  if (names !== d.names.join(', ')) {
    problems.push(`column names: plume [${names}] duckdb [${d.names.join(', ')}]`);
  }
  if (pr.rows.length !== dr.rows.length) {
    problems.push(`row count: plume ${pr.rows.length} duckdb ${dr.rows.length}`);
  }
  if (pr.rows.length !== p.rows) {
    problems.push(`plume's report says ${p.rows} rows, its output holds ${pr.rows.length}`);
  }
  if (s.ordered) {
    problems.push(...OrderedDiff(pr.rows, dr.rows));
    return problems;
  }
  if (s.keys) {
    const pk = Column(pr.rows, pr.header, s.keys), dk = Column(dr.rows, d.names, s.keys);
    const diff = OrderedDiff(pk, dk, 3);
    if (diff.length > 0) problems.push(`ORDER BY keys (${s.keys.join(', ')}) differ:`, ...diff);
  }
  if (s.subset) {
    problems.push(...await CheckSubset(con, s, plume_file, d.types, pr.rows));
    return problems;
  }
  const {only_plume, only_duck} = MultisetDiff(pr.rows, dr.rows);
  if (only_plume.length + only_duck.length > 0) {
    problems.push(
        `rows differ: ${only_plume.length} only in plume, ${only_duck.length} only in duckdb`);
    problems.push(...only_plume.slice(0, 5).map((r) => `only in plume:  [${RowText(r)}]`));
    problems.push(...only_duck.slice(0, 5).map((r) => `only in duckdb: [${RowText(r)}]`));
  }
  return problems;
}

async function Check(con, s, p, d, plume_file) {
  if (!p) return ['plume reported no result for it'];
  if (s.error) return CheckError(s, p, d);
  if (s.random && d.error) {  // DuckDB rejects it (an overflow, a bad cast): plume must too
    return p.status === 'failed' ? [] : [`DuckDB rejected it (${d.error}), plume ${p.status} it`];
  }
  if (d.error) return [`DuckDB rejected it: ${d.error}`];
  if (p.status !== 'completed') return [`plume ${p.status}: ${p.message ?? p.error}`];
  try {
    return await CheckRows(con, s, p, d, plume_file);
  } catch (e) {
    return [`could not compare: ${e.message}`];
  }
}

function Oneline(sql) {
  return sql.replace(/\s+/g, ' ').trim();
}

async function Main() {
  const t0 = Date.now();
  const args = ParseArgs(process.argv.slice(2));
  fs.rmSync(args.work, {recursive: true, force: true});
  fs.mkdirSync(args.work, {recursive: true});
  const {con, version} = await duck.OpenDuckDB(args.modules);
  console.log(`duckdb ${version}`);
  const data = await PrepareData(args, con);
  console.log(`data ready: ${data.rows} rows (${Since(t0)})`);

  const values = await Placeholders(con);
  const statements = ParseSuite(fs.readFileSync(args.suite, 'utf8'));
  for (const s of statements) s.sql = Fill(s.template, values);
  // First: the suite ends with an unterminated string, which swallows what follows it.
  statements.unshift(...RandomStatements(kRandomSeed, kRandomCount));
  console.log(`random statements: ${kRandomCount}, seed ${kRandomSeed} (PLUME_DIFF_SEED)`);
  const plume_file = (i) => path.join(args.work, `plume_${i + 1}.csv`);
  const script = path.join(args.work, 'suite.sql');
  WritePlumeScript(script, statements, plume_file);
  console.log(`${statements.length} statements; placeholders ${JSON.stringify(values)}`);

  const opts = {...args, data: data.dir};
  const report = path.join(args.work, 'report.json');
  const [batch, answers] = await Promise.all([
    plume.RunBatch(opts, script, report, kBatchTimeoutS), RunDuckDB(con, statements, args.work)
  ]);
  console.log(`plume batch exit ${batch.code}, both engines done (${Since(t0)})`);
  if (batch.statements.length !== statements.length) {
    console.log(
        `plume ran ${batch.statements.length} statements, the suite has ${statements.length}`);
  }

  let passed = 0, failed = 0;
  for (const [i, s] of statements.entries()) {
    const t = Date.now();
    const problems = await Check(con, s, batch.statements[i], answers[i], plume_file(i));
    const slow = Date.now() - t > 1000 ? ` [compared in ${Since(t)}]` : '';
    const where = s.random ? `random, seed ${kRandomSeed}` : `suite.sql:${s.line}`;
    const head = `#${i + 1} (${where})${slow} ${Oneline(s.sql)}`;
    if (problems.length === 0) {
      ++passed;
      console.log(`ok   ${head.length > 150 ? head.slice(0, 147) + '...' : head}`);
    } else {
      ++failed;
      console.log(`FAIL ${head}\n${problems.map((x) => `     ${x}`).join('\n')}`);
    }
  }
  console.log(`time ${Since(t0)}`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

Main().then((code) => process.exit(code), (e) => {
  console.log(`differential: error: ${e.stack || e.message}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
});
