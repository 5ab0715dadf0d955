// The side-by-side run: every case through plume (batch mode, warm) and DuckDB (in-process,
// warm), then a check that both returned the same rows.
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import {kCases} from './cases.mjs';
import {CompareCsv} from './compare.mjs';
import {RunPlume, WarmStats} from './plume.mjs';

const kHere = path.dirname(path.dirname(new URL(import.meta.url).pathname));

// First line of an error, for tables; the whole text goes to stderr once.
export function Failure(what, e) {
  process.stderr.write(`bench: ${what} failed:\n${e.message}\n`);
  return {error: e.message.split('\n').slice(0, 3).join(' / ').slice(0, 300)};
}

// Warm timings of every case through plume on `dataset` with `ranks` ranks. A case that fails
// gets {error} and the others still run.
export function PlumeTimings(ctx, dataset, ranks, out, cases = kCases) {
  const timings = {};
  for (const c of cases) {
    try {
      timings[c.name] = PlumeTiming(ctx, dataset, ranks, out, c);
    } catch (e) {
      timings[c.name] = Failure(`plume ${dataset.label} n=${ranks} ${c.name}`, e);
    }
  }
  return timings;
}

// The RunPlume options shared by the timed run and its --repeat 1 baseline.
function TimingRun(ctx, dataset, ranks, out, c) {
  return {
    plume: ctx.plume,
    data: dataset.dir,
    ranks,
    sql: c.sql,
    format: c.plume,
    output: c.plume === 'csv' ? path.join(out, `plume_timing_${c.name}.csv`) : undefined,
    chunk: ctx.chunk,
    timeoutS: ctx.timeout_s,
  };
}

function PlumeTiming(ctx, dataset, ranks, out, c) {
  const run = RunPlume({
    ...TimingRun(ctx, dataset, ranks, out, c),
    repeat: ctx.repeat,
    report: path.join(out, `plume_${c.name}.report.json`),
  });
  const t = WarmStats(run.report, c.sql);
  if (ctx.cpu) t.cpu_ms = CpuPerExecution(ctx, dataset, ranks, out, c, run);
  fs.rmSync(path.join(out, `plume_timing_${c.name}.csv`), {force: true});
  process.stderr.write(
      `plume ${dataset.label} n=${ranks} ${c.name}: median ${t.total_ms?.toFixed(1)} ms\n`);
  return t;
}

// One plume execution per distinct statement, as CSV, for the row check. Returns name -> file.
export function PlumeResults(ctx, dataset, ranks, out) {
  const files = {};
  for (const c of kCases) {
    const same = kCases.find((o) => o.sql === c.sql && files[o.name]);
    if (same) {
      files[c.name] = files[same.name];
      continue;
    }
    const file = path.join(out, `plume_${c.name}.csv`);
    try {
      RunPlume({
        plume: ctx.plume,
        data: dataset.dir,
        ranks,
        sql: c.sql,
        format: 'csv',
        output: file,
        chunk: ctx.chunk,
        repeat: 1,
        report: path.join(out, `plume_${c.name}.check.json`),
        timeoutS: ctx.timeout_s,
      });
      files[c.name] = file;
    } catch (e) {
      files[c.name] = Failure(`plume ${c.name} (CSV for the row check)`, e);
    }
  }
  return files;
}

// Result files over 8 MB are only needed for the row check; --keep-outputs keeps them.
export function RemoveLargeOutputs(ctx, out) {
  if (ctx.keep_outputs) return;
  for (const f of fs.readdirSync(out)) {
    const p = path.join(out, f);
    if (f.endsWith('.csv') && fs.statSync(p).size > 8 << 20) fs.rmSync(p);
  }
}

// Runs duckdb_side.mjs in its own process (so its memory is gone afterwards). db, identity,
// scan: its --db FILE (the table kept in a file), --identity, --scan memory|file.
export function DuckdbRun(ctx, source, input, out,
                          {expected = true, cases = null, db = null, identity = null,
                           scan = null} = {}) {
  const args = [
    path.join(kHere, 'duckdb_side.mjs'), '--source', source, input, '--out', out, '--runs',
    String(ctx.runs)
  ];
  if (!expected) args.push('--no-expected');
  if (cases) args.push('--cases', cases.join(','));
  if (db) args.push('--db', db);
  if (identity) args.push('--identity', identity);
  if (scan) args.push('--scan', scan);
  const r = spawnSync(process.execPath, args, {stdio: ['ignore', 'inherit', 'inherit']});
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed (exit ${r.status})`);
  return JSON.parse(fs.readFileSync(path.join(out, 'duckdb.json'), 'utf8'));
}

// CPU of all ranks per execution: the same job with --repeat 1 measures start-up and load,
// the difference is the CPU of repeat-1 executions. Immune to other work on the machine, unlike
// wall time; 10 ms resolution (clock ticks), so only meaningful for the heavier cases.
function CpuPerExecution(ctx, dataset, ranks, out, c, run) {
  const base = RunPlume({
    ...TimingRun(ctx, dataset, ranks, out, c),
    repeat: 1,
    report: path.join(out, `plume_${c.name}.base.json`),
  });
  return Math.max(0, (run.cpu_ms - base.cpu_ms) / (ctx.repeat - 1));
}

// Plume's rows against DuckDB's for one case; a plume failure counts as a mismatch.
async function Check(c, plume_timing, plume_file, duck_case, out) {
  const failed = plume_file?.error || plume_timing.error;
  if (failed) {
    return {
      rows_match: false,
      text_match: false,
      header_match: false,
      plume_rows: null,
      duckdb_rows: duck_case.rows,
      detail: [`plume failed: ${failed}`]
    };
  }
  const check = await CompareCsv(
      plume_file, path.join(out, `duckdb_${c.name}.csv`), duck_case.types,
      {ordered: c.ordered, approx: c.approx});
  if (plume_timing.rows !== duck_case.rows) {
    check.rows_match = false;
    check.detail.push(
        `timed plume run reported ${plume_timing.rows} rows, DuckDB ${duck_case.rows}`);
  }
  return check;
}

// The whole comparison on one data set; duck_source is ['airnow', DIR] or null (load DuckDB from
// plume's own CSV export of the table, which also checks that plume's CSV reads back).
export async function RunComparison(ctx, dataset, ranks, duck_source) {
  const out = path.join(ctx.bench_dir, 'out', `${dataset.label}-n${ranks}`);
  fs.rmSync(out, {recursive: true, force: true});
  fs.mkdirSync(out, {recursive: true});
  const plume = PlumeTimings(ctx, dataset, ranks, out);
  const files = PlumeResults(ctx, dataset, ranks, out);
  if (!duck_source && files.select_all_csv.error) {
    throw new Error('no AirNow files and plume could not export the synthetic table as CSV');
  }
  const [source, input] = duck_source || ['plume-csv', files.select_all_csv];
  const duck = DuckdbRun(ctx, source, input, out);
  const cases = [];
  for (const c of kCases) {
    const d = duck.cases.find((x) => x.name === c.name);
    const p = plume[c.name];
    const check = await Check(c, p, files[c.name], d, out);
    const ratio = p.error ? null : p.total_ms / d.median_ms;
    cases.push({
      name: c.name,
      title: c.title,
      sql: c.sql,
      plume_delivery: c.plume,
      duckdb_delivery: c.duckdb,
      approx: c.approx,
      target: c.target,
      plume: p,
      duckdb_ms: d.median_ms,
      duckdb_cpu_ms: d.median_cpu_ms,
      duckdb_runs_ms: d.runs_ms,
      ratio,
      pass: c.target === null ? null : ratio !== null && ratio <= c.target,
      check
    });
  }
  RemoveLargeOutputs(ctx, out);
  const {version, threads, rows, load_ms, runs} = duck;
  return {dataset, ranks, duckdb: {version, threads, source, rows, load_ms, runs}, cases};
}
