// The side-by-side run: every case through plume (batch mode, warm) and DuckDB (in-process,
// warm), then a check that both returned the same rows.
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import {kCases} from './cases.mjs';
import {CompareCsv} from './compare.mjs';
import {RunPlume, WarmStats} from './plume.mjs';

const kHere = path.dirname(path.dirname(new URL(import.meta.url).pathname));

// Warm timings of every case through plume on `dataset` with `ranks` ranks.
export function PlumeTimings(ctx, dataset, ranks, out, cases = kCases) {
  const timings = {};
  for (const c of cases) {
    const run = RunPlume({
      plume: ctx.plume,
      data: dataset.dir,
      ranks,
      sql: c.sql,
      format: c.plume,
      output: c.plume === 'csv' ? path.join(out, `plume_timing_${c.name}.csv`) : undefined,
      chunk: ctx.chunk,
      repeat: ctx.repeat,
      report: path.join(out, `plume_${c.name}.report.json`),
    });
    timings[c.name] = WarmStats(run.report, c.sql);
    fs.rmSync(path.join(out, `plume_timing_${c.name}.csv`), {force: true});
    process.stderr.write(
        `plume ${dataset.label} n=${ranks} ${c.name}: median ` +
        `${timings[c.name].total_ms?.toFixed(1)} ms\n`);
  }
  return timings;
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
    RunPlume({
      plume: ctx.plume,
      data: dataset.dir,
      ranks,
      sql: c.sql,
      format: 'csv',
      output: file,
      chunk: ctx.chunk,
      repeat: 1,
      report: path.join(out, `plume_${c.name}.check.json`)
    });
    files[c.name] = file;
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

// Runs duckdb_side.mjs in its own process (so its memory is gone afterwards).
export function DuckdbRun(ctx, source, input, out, {expected = true, cases = null} = {}) {
  const args = [
    path.join(kHere, 'duckdb_side.mjs'), '--source', source, input, '--out', out, '--runs',
    String(ctx.runs)
  ];
  if (!expected) args.push('--no-expected');
  if (cases) args.push('--cases', cases.join(','));
  const r = spawnSync(process.execPath, args, {stdio: ['ignore', 'inherit', 'inherit']});
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed (exit ${r.status})`);
  return JSON.parse(fs.readFileSync(path.join(out, 'duckdb.json'), 'utf8'));
}

// The whole comparison on one data set; duck_source is ['airnow', DIR] or null (load DuckDB from
// plume's own CSV export of the table).
export async function RunComparison(ctx, dataset, ranks, duck_source) {
  const out = path.join(ctx.bench_dir, 'out', `${dataset.label}-n${ranks}`);
  fs.rmSync(out, {recursive: true, force: true});
  fs.mkdirSync(out, {recursive: true});
  const plume = PlumeTimings(ctx, dataset, ranks, out);
  const files = PlumeResults(ctx, dataset, ranks, out);
  const [source, input] = duck_source || ['plume-csv', files.select_all_csv];
  const duck = DuckdbRun(ctx, source, input, out);
  const cases = [];
  for (const c of kCases) {
    const d = duck.cases.find((x) => x.name === c.name);
    const check = await CompareCsv(
        files[c.name], path.join(out, `duckdb_${c.name}.csv`), d.types,
        {ordered: c.ordered, approx: c.approx});
    if (plume[c.name].rows !== d.rows) {
      check.rows_match = false;
      check.detail.push(`timed plume run reported ${plume[c.name].rows} rows, DuckDB ${d.rows}`);
    }
    const ratio = plume[c.name].total_ms / d.median_ms;
    cases.push({
      name: c.name,
      title: c.title,
      sql: c.sql,
      plume_delivery: c.plume,
      duckdb_delivery: c.duckdb,
      target: c.target,
      plume: plume[c.name],
      duckdb_ms: d.median_ms,
      duckdb_runs_ms: d.runs_ms,
      ratio,
      pass: c.target === null ? null : ratio <= c.target,
      check
    });
  }
  RemoveLargeOutputs(ctx, out);
  return {
    dataset,
    ranks,
    duckdb: {
      version: duck.version,
      threads: duck.threads,
      source,
      rows: duck.rows,
      load_ms: duck.load_ms,
      runs: duck.runs
    },
    cases
  };
}
