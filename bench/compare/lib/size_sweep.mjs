// The size series (issue 14 item 2): synthetic data of 1x, 10x, 100x the default set, every case
// through plume and DuckDB interleaved (rounds of: one plume job per delivery, then DuckDB's
// runs of the same cases), each case checked for the same rows as DuckDB, plus what a size costs
// before the first statement: ingest, start-up to ready, memory per rank, DuckDB's load.
// Where DuckDB cannot run (not enough scratch disk for plume's CSV export) the rows say so.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {kCases, kSelectiveCases, Median} from './cases.mjs';
import {CompareCsv} from './compare.mjs';
import {DuckdbRun, Failure} from './comparison.mjs';
import {EnsureDataSet, kDefaultRows} from './datasets.mjs';
import {PeakRss, RssWrapper, RunPlume} from './plume.mjs';
import {CachePoint} from './sweeps.mjs';

export const kSizeCases = [...kCases, ...kSelectiveCases];

const kCsvBytesPerRow = 138;  // plume's CSV export of the synthetic rows (1.609 GB at 10x)
// The targets at 10x (GROUP BY parameter <= 0.5x DuckDB) and 100x (selective statements
// within 3x of their 1x time), checked by Targets() below.
const kTargets = {10: {group_by: 0.5}};

// How many executions a size affords: big sets take minutes per execution.
function Budget(ctx, f, c) {
  if (f <= 1) return {repeat: ctx.repeat, runs: ctx.runs};
  if (f <= 10) return {repeat: 6, runs: 5};
  return c && c.name === 'select_all_csv' ? {repeat: 2, runs: 3} : {repeat: 4, runs: 3};
}

function FreeBytes(dir) {
  const s = fs.statfsSync(dir);
  return s.bavail * s.bsize;
}

// Start-up: mpirun to the end of a one-`count(*)` job (needs no column), peak RSS per rank.
function Ready(ctx, ds, ranks, out) {
  const t0 = Date.now();
  RunPlume({
    plume: RssWrapper(ctx.plume, out),
    data: ds.dir,
    ranks,
    sql: 'SELECT count(*) FROM measurements',
    format: 'null',
    report: path.join(out, 'ready.json'),
    timeoutS: ctx.timeout_s,
  });
  return {ready_ms: Date.now() - t0, ...PeakRss(out, ranks)};
}

// DuckDB's table for a size: plume's CSV export loaded into a database file once (reused while
// the data set is unchanged). Returns {db, identity, export_ms} or {note} when it cannot run.
function DuckdbTable(ctx, opts, ds, ranks, out) {
  const db = path.join(ctx.bench_dir, 'data', `${ds.label}.duckdb`);
  const identity = JSON.stringify({label: ds.label, stamp: fs.readFileSync(
                                                            path.join(ds.dir, '.bench-stamp'),
                                                            'utf8')});
  const need = ds.rows * kCsvBytesPerRow;
  const free = FreeBytes(ctx.bench_dir);
  const marker = `${db}.identity`;  // written once the table holds this data set
  const have = fs.existsSync(db) && fs.existsSync(marker) &&
      fs.readFileSync(marker, 'utf8') === identity;
  const slow = have ? null :
                      TooLong(opts, ds.rows / kDefaultRows, 'select_all_csv', 'plume_ms', 1,
                              opts.duckdb_budget_s, 'DuckDB');
  if (slow) {
    return {note: `${slow.replace(/ executions? would/, ' export of its table would')}`};
  }
  if (!fs.existsSync(db) && free < need * 1.3) {
    return {
      note: `DuckDB not run: its table is loaded from plume's CSV export ` +
          `(${(need / 1e9).toFixed(1)} GB), ${(free / 1e9).toFixed(1)} GB free in ${ctx.bench_dir}`
    };
  }
  if (have) {
    return {db, identity, export_ms: null, load_ms: null, reused: true};
  }
  fs.rmSync(db, {force: true});
  const exported = path.join(out, 'export.csv');
  try {
    const t0 = Date.now();
    RunPlume({
      plume: ctx.plume,
      data: ds.dir,
      ranks,
      sql: 'SELECT * FROM measurements',
      format: 'csv',
      output: exported,
      report: path.join(out, 'export.json'),
      timeoutS: ctx.timeout_s
    });
    const export_ms = Date.now() - t0;
    const loaded = DuckdbRun({...ctx, runs: 3}, 'plume-csv', exported, out,
                             {expected: false, cases: ['filtered_count'], db, identity, scan: 'file'});
    fs.writeFileSync(marker, identity);
    return {db, identity, export_ms, load_ms: loaded.load_ms, reused: false};
  } finally {
    fs.rmSync(exported, {force: true});
  }
}

// The expected time (ms) of one execution of `name` at factor f, by `key` (plume_ms,
// duckdb_ms): its time at the largest smaller factor measured (this run or results/size.json)
// scaled by the rows; null when nothing smaller was measured.
function Estimate(opts, f, name, key) {
  const prev = opts.previous.filter((r) => r.case === name && r.factor < f && r[key])
                   .sort((a, b) => b.factor - a.factor)[0];
  return prev ? {ms: prev[key] * (f / prev.factor), from: prev} : null;
}

// A note when `times` executions of a case would take longer than `budget_s` (so the row says
// why it did not run rather than leaving it out), else null.
function TooLong(opts, f, name, key, times, budget_s, who) {
  const e = Estimate(opts, f, name, key);
  if (!e || (e.ms * times) / 1000 <= budget_s) return null;
  return `${who} not run: ${times} executions would take ~${Math.round((e.ms * times) / 1000)} s ` +
      `here (${e.from.factor}x: ${(e.from[key] / 1000).toFixed(1)} s each, scaled by the rows; ` +
      `budget ${budget_s} s, PLUME_BENCH_${who === 'plume' ? 'PLUME' : 'DUCKDB'}_BUDGET_S)`;
}

// One plume job per delivery (null cases in one script, each csv case alone, as its output
// file holds every execution), --repeat times each; returns name -> warm total_ms samples.
function PlumeRound(ctx, ds, ranks, out, f, cases, rss) {
  const samples = {};
  const jobs = [cases.filter((c) => c.plume === 'null'), ...cases.filter((c) => c.plume !== 'null')
                                                                .map((c) => [c])];
  for (const group of jobs.filter((g) => g.length > 0)) {
    const c0 = group[0];
    const script = path.join(out, 'round.sql');
    fs.writeFileSync(script, group.map((c) => `${c.sql};\n`).join(''));
    const output = c0.plume === 'csv' ? path.join(out, `timed_${c0.name}.csv`) : undefined;
    const {repeat} = Budget(ctx, f, c0);
    try {
      const run = RunPlume({
        plume: RssWrapper(ctx.plume, out),
        data: ds.dir,
        ranks,
        script,
        format: c0.plume,
        output,
        repeat,
        report: path.join(out, 'round.json'),
        timeoutS: ctx.timeout_s,
      });
      const peak = PeakRss(out, ranks);
      rss.rank0_mib = Math.max(rss.rank0_mib, peak.rank0_mib);
      rss.data_max_mib = Math.max(rss.data_max_mib, peak.data_max_mib);
      for (const c of group) {
        const ex = run.report.statements.filter((s) => s.sql.trim().replace(/;$/, '') === c.sql);
        samples[c.name] = {rows: Number(ex[0]?.rows), warm: ex.slice(1).map((e) => e.total_ms)};
      }
    } catch (e) {
      for (const c of group) samples[c.name] = Failure(`plume ${ds.label} ${c.name}`, e);
    } finally {
      if (output) fs.rmSync(output, {force: true});
    }
  }
  return samples;
}

// Each case's result once through plume as CSV (one job, \output per statement) for the check.
function PlumeResultFiles(ctx, ds, ranks, out, cases) {
  const script = path.join(out, 'check.sql');
  const files = Object.fromEntries(cases.map((c) => [c.name, path.join(out, `plume_${c.name}.csv`)]));
  fs.writeFileSync(script, cases.map((c) => `\\output ${files[c.name]}\n${c.sql};\n`).join(''));
  RunPlume({
    plume: ctx.plume,
    data: ds.dir,
    ranks,
    script,
    format: 'csv',
    report: path.join(out, 'check.json'),
    timeoutS: ctx.timeout_s,
  });
  return files;
}

// Same rows as DuckDB: plume's CSV against DuckDB's. `SELECT *` is DuckDB's own table (loaded
// from plume's export), so there the check is the row count against the data set's.
async function CheckRows(c, plume_file, duck_dir, duck_case, ds, plume_rows) {
  if (c.name === 'select_all_csv') {
    const ok = duck_case.table_rows === ds.rows && plume_rows === ds.rows;
    const detail = `plume ${plume_rows} rows, DuckDB's table ${duck_case.table_rows}, data set ${ds.rows}`;
    return {rows_match: ok, detail: ok ? [] : [detail]};
  }
  return CompareCsv(plume_file, path.join(duck_dir, `duckdb_${c.name}.csv`), duck_case.types,
                    {ordered: c.ordered, approx: c.approx});
}

// opts: {partitions, factors, cases (names or null), rounds(f), duckdb_scan, duckdb_budget_s,
// plume_budget_s, previous (rows of earlier runs, for TooLong)}. Returns {rows, facts}.
export async function SizeSweep(ctx, opts) {
  const rows = [], facts = [];
  for (const f of opts.factors) {
    try {
      const r = await SizePoint(ctx, {...opts, previous: [...opts.previous, ...rows]}, f);
      rows.push(...r.rows);
      facts.push(r.facts);
    } catch (e) {
      facts.push({factor: f, ...Failure(`size ${f}x`, e)});
    }
  }
  return {rows, facts};
}

async function SizePoint(ctx, opts, f) {
  const cases = kSizeCases.filter((c) => !opts.cases || opts.cases.includes(c.name));
  const ds = EnsureDataSet(ctx.bench_dir, ctx.preprocess,
                           {kind: 'synthetic', rows: kDefaultRows * f, partitions: opts.partitions});
  const ranks = opts.partitions + 1;
  const out = path.join(ctx.bench_dir, 'out', `size-${f}x`);
  fs.rmSync(out, {recursive: true, force: true});
  fs.mkdirSync(out, {recursive: true});
  const big = {...ctx, timeout_s: ctx.timeout_s * Math.max(1, f)};
  const ready = Ready(big, ds, ranks, out);
  process.stderr.write(`size ${f}x: ready in ${ready.ready_ms} ms\n`);
  const duck = DuckdbTable(big, opts, ds, ranks, out);
  if (duck.note) process.stderr.write(`size ${f}x: ${duck.note}\n`);
  const rss = {rank0_mib: 0, data_max_mib: 0};
  const plume = {}, duck_ms = {}, duck_case = {}, skipped = {};
  const plume_skipped = {};
  for (const c of cases) {
    const note = TooLong(opts, f, c.name, 'plume_ms', Budget(ctx, f, c).repeat,
                         opts.plume_budget_s, 'plume');
    if (note) plume_skipped[c.name] = {error: note};
  }
  for (let round = 0; round < opts.rounds(f); ++round) {
    const p = {...plume_skipped,
               ...PlumeRound(big, ds, ranks, out, f, cases.filter((c) => !plume_skipped[c.name]), rss)};
    for (const [k, v] of Object.entries(p)) {
      plume[k] = plume[k]?.error ? plume[k] : v.error ? v : {
        rows: v.rows,
        warm: [...(plume[k]?.warm || []), ...v.warm]
      };
    }
    if (duck.note) continue;
    for (const c of cases) {  // one DuckDB process per case: select_all's budget differs
      const runs = Budget(ctx, f, c).runs;
      const skip = round === 0 ?
          TooLong(opts, f, c.name, 'duckdb_ms', runs + 1, opts.duckdb_budget_s, 'DuckDB') :
          skipped[c.name];
      if (skip) {
        skipped[c.name] = skip;
        continue;
      }
      const d = DuckdbRun({...big, runs}, 'plume-csv', '-', out, {
        expected: round === 0 && c.name !== 'select_all_csv',
        cases: [c.name],
        db: duck.db,
        identity: duck.identity,
        scan: opts.duckdb_scan,
      });
      duck_ms[c.name] = [...(duck_ms[c.name] || []), ...d.cases[0].runs_ms];
      if (round === 0) duck_case[c.name] = {...d.cases[0], table_rows: d.rows};
      duck.load_ms ??= d.load_ms;
    }
  }
  const checked = cases.filter((c) => duck_case[c.name] && c.name !== 'select_all_csv');
  const files = checked.length ? PlumeResultFiles(big, ds, ranks, out, checked) : {};
  const result_rows = [];
  for (const c of cases) {
    const p = plume[c.name];
    const d = duck_ms[c.name] ? Median(duck_ms[c.name]) : null;
    const pm = p.error ? null : Median(p.warm);
    let check = {rows_match: null, detail: []};
    if (duck_case[c.name] && !p.error) {
      check = await CheckRows(c, files[c.name], out, duck_case[c.name], ds, p.rows);
      if (c.name !== 'select_all_csv' && p.rows !== duck_case[c.name].rows) {
        check.rows_match = false;
        check.detail.push(`timed plume run: ${p.rows} rows`);
      }
    }
    for (const line of check.detail) process.stderr.write(`size ${f}x ${c.name}: ${line}\n`);
    const target = kTargets[f]?.[c.name] ?? null;
    result_rows.push({
      factor: f,
      rows: ds.rows,
      case: c.name,
      result_rows: p.rows ?? null,
      plume_ms: pm,
      plume_runs: p.warm?.length ?? 0,
      duckdb_ms: d,
      duckdb_runs: duck_ms[c.name]?.length ?? 0,
      ratio: d && pm !== null ? pm / d : null,
      target,
      same_rows: check.rows_match === null ? '-' : check.rows_match ? 'yes' : 'NO',
      note: p.error ?? duck.note ?? skipped[c.name] ?? '',
    });
  }
  for (const f2 of fs.readdirSync(out)) {
    if (f2.endsWith('.csv')) fs.rmSync(path.join(out, f2));
  }
  const cache = CacheFacts(big, ds, ranks, out);
  const facts = {
    factor: f,
    rows: ds.rows,
    ingest_s: ds.ingest ? ds.ingest.ms / 1000 : null,
    ingest_cpu_s: ds.ingest ? ds.ingest.cpu_ms / 1000 : null,
    ingest_rss_mib: ds.ingest?.peak_rss_mib ?? null,
    files_mib: ds.ingest?.files_mib ?? null,
    ready_ms: ready.ready_ms,
    ready_rank0_mib: ready.rank0_mib,
    ready_data_max_mib: ready.data_max_mib,
    peak_rank0_mib: rss.rank0_mib,
    peak_data_max_mib: rss.data_max_mib,
    duckdb_export_s: duck.export_ms ? duck.export_ms / 1000 : null,
    duckdb_load_s: duck.load_ms ? duck.load_ms / 1000 : null,
    duckdb_db_mib: duck.db && fs.existsSync(duck.db) ? fs.statSync(duck.db).size / 2 ** 20 : null,
    duckdb_scan: duck.note ? null : opts.duckdb_scan,
    ...cache,
    loadavg_1m: os.loadavg()[0],
    note: duck.note ?? '',
  };
  return {rows: result_rows, facts};
}

// The result cache at this size: GROUP BY parameter's first run and its cached repeats.
function CacheFacts(ctx, ds, ranks, out) {
  try {
    const c = kCases.find((x) => x.name === 'group_by');
    const p = CachePoint({...ctx, repeat: 6}, ds, ranks, out, c);
    return {
      cache_first_ms: p.first_total_ms,
      cache_cached_ms: p.cached_total_ms,
      cache_cached_first_chunk_ms: p.cached_first_chunk_ms
    };
  } catch (e) {
    return {cache_error: Failure('cache case', e).error};
  }
}

// The size targets from the rows: 10x ratios, 100x selective within 3x of 1x.
export function Targets(rows) {
  const lines = [];
  for (const r of rows.filter((x) => x.target !== null && x.ratio !== null)) {
    lines.push(`${r.case} at ${r.factor}x: ${r.ratio.toFixed(2)}x DuckDB (target <= ` +
               `${r.target}x): ${r.ratio <= r.target ? 'met' : 'MISSED'}`);
  }
  for (const name of kSelectiveCases.map((c) => c.name)) {
    const one = rows.find((r) => r.case === name && r.factor === 1);
    for (const r of rows.filter((x) => x.case === name && x.factor > 1)) {
      if (!one?.plume_ms || r.plume_ms === null) continue;
      const g = r.plume_ms / one.plume_ms;
      lines.push(`${name} at ${r.factor}x: ${g.toFixed(2)}x its 1x time (target <= 3x): ` +
                 `${g <= 3 ? 'met' : 'MISSED'}`);
    }
  }
  return lines;
}

