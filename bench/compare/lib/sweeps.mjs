// Sweeps over one parameter at a time, all on plume in batch mode, warm (first execution of each
// statement dropped), medians: chunk size, statements in flight, world size, the result cache
// (the data size series is lib/size_sweep.mjs).
import fs from 'node:fs';
import path from 'node:path';

import {kCases, kSeedSql, Median} from './cases.mjs';
import {Failure, PlumeTimings} from './comparison.mjs';
import {EnsureDataSet} from './datasets.mjs';
import {Executions, RunPlume, WarmStats} from './plume.mjs';

function OutDir(ctx, name) {
  const out = path.join(ctx.bench_dir, 'out', name);
  fs.rmSync(out, {recursive: true, force: true});
  fs.mkdirSync(out, {recursive: true});
  return out;
}

// point(v) for each value; a point that throws becomes {[key]: v, ...Failure}.
function Sweep(values, key, point) {
  return values.map((v) => {
    try {
      return point(v);
    } catch (e) {
      return {[key]: v, ...Failure(`${key} sweep at ${v}`, e)};
    }
  });
}

// Seed query with --format null at each chunk size: first chunk, total, rows/s.
export function ChunkSweep(ctx, dataset, ranks, sizes) {
  const out = OutDir(ctx, 'sweep-chunk');
  return Sweep(sizes, 'chunk', (chunk) => ChunkPoint(ctx, dataset, ranks, out, chunk));
}

function ChunkPoint(ctx, dataset, ranks, out, chunk) {
  const run = RunPlume({
    plume: ctx.plume,
    data: dataset.dir,
    ranks,
    sql: kSeedSql,
    format: 'null',
    chunk,
    repeat: ctx.repeat,
    report: path.join(out, `chunk_${chunk}.json`)
  });
  const s = WarmStats(run.report, kSeedSql);
  process.stderr.write(
      `chunk ${chunk}: first ${s.first_chunk_ms?.toFixed(1)} ms, ` +
      `total ${s.total_ms?.toFixed(1)} ms\n`);
  return {
    chunk,
    first_chunk_ms: s.first_chunk_ms,
    total_ms: s.total_ms,
    rows_per_s: s.rows_per_s,
    rows: s.rows,
    chunks: s.chunks,
    warm: s.warm
  };
}

// The span of a batch from the report: totals.wall_ms (or a synonym), else the sum of the
// executions' times divided by the statements in flight (an estimate, marked as such).
function BatchSpanMs(report, executions, in_flight) {
  const t = report.totals || {};
  for (const k of ['wall_ms', 'elapsed_ms', 'span_ms', 'total_ms']) {
    if (Number.isFinite(Number(t[k])) && Number(t[k]) > 0) return {ms: Number(t[k]), from: k};
  }
  const sum = executions.reduce((a, e) => a + Number(e.total_ms), 0);
  return {ms: sum / in_flight, from: 'estimate'};
}

// The seed query with N statements in flight: latency per statement and statements per second.
export function ConcurrencySweep(ctx, dataset, ranks, levels) {
  const out = OutDir(ctx, 'sweep-concurrency');
  return Sweep(levels, 'concurrency', (n) => ConcurrencyPoint(ctx, dataset, ranks, out, n));
}

function ConcurrencyPoint(ctx, dataset, ranks, out, n) {
  const repeat = Math.max(ctx.repeat, 3 * n);
  const run = RunPlume({
    plume: ctx.plume,
    data: dataset.dir,
    ranks,
    sql: kSeedSql,
    format: 'null',
    chunk: ctx.chunk,
    repeat,
    concurrency: n,
    maxRunning: Math.max(4, n),
    report: path.join(out, `concurrency_${n}.json`)
  });
  const ex = Executions(run.report, kSeedSql);
  const span = BatchSpanMs(run.report, ex, n);
  const lat = ex.map((e) => Number(e.total_ms));
  const first = ex.map((e) => Number(e.first_chunk_ms));
  const r = {
    concurrency: n,
    statements: ex.length,
    latency_ms: Median(lat),
    first_chunk_ms: Median(first),
    span_ms: span.ms,
    span_from: span.from,
    statements_per_s: ex.length / (span.ms / 1000)
  };
  process.stderr.write(
      `concurrency ${n}: latency ${r.latency_ms?.toFixed(1)} ms, ` +
      `${r.statements_per_s.toFixed(2)} statements/s\n`);
  return r;
}

// World sizes 2..8 (1..7 partitions, one rank per partition plus the gateway).
export function WorldSweep(ctx, spec, world_sizes, case_names) {
  const cases = kCases.filter((c) => case_names.includes(c.name));
  const rows = [];
  for (const n of world_sizes) {
    const ds = EnsureDataSet(ctx.bench_dir, ctx.preprocess, {...spec, partitions: n - 1});
    const out = OutDir(ctx, `sweep-world-${n}`);
    const t = PlumeTimings(ctx, ds, n, out, cases);
    for (const c of cases) {
      rows.push({
        error: t[c.name].error ?? '',
        ranks: n,
        partitions: n - 1,
        case: c.name,
        total_ms: t[c.name].total_ms,
        first_chunk_ms: t[c.name].first_chunk_ms,
        rows_per_s: t[c.name].rows_per_s
      });
    }
  }
  return rows;
}

// The result cache: each case run --repeat times with the cache on. The first execution reaches
// the data ranks; the later ones are answered from rank 0's memory. Reports both, and checks
// that every repeat said `cached` and wrote the same number of bytes.
export function CacheSweep(ctx, dataset, ranks, names) {
  const out = OutDir(ctx, 'sweep-cache');
  const cases = kCases.filter((c) => names.includes(c.name));
  return Sweep(cases, 'case', (c) => CachePoint(ctx, dataset, ranks, out, c));
}

export function CachePoint(ctx, dataset, ranks, out, c) {
  const output = c.plume === 'csv' ? path.join(out, `cache_${c.name}.csv`) : undefined;
  const run = RunPlume({
    plume: ctx.plume,
    data: dataset.dir,
    ranks,
    sql: c.sql,
    format: c.plume,
    output,
    chunk: ctx.chunk,
    repeat: ctx.repeat,
    cacheSize: '1G',
    timeoutS: ctx.timeout_s,
    report: path.join(out, `cache_${c.name}.json`)
  });
  if (output) fs.rmSync(output, {force: true});
  const ex = Executions(run.report, c.sql);
  const [first, ...repeats] = ex;
  const pick = (k) => repeats.map((e) => Number(e[k]));
  const ok = !first.cached && repeats.every((e) => e.cached === true && e.bytes === first.bytes);
  if (!ok) throw new Error(`${c.name}: the repeats were not all cached with the same bytes`);
  const point = {
    case: c.name,
    rows: Number(first.rows),
    first_total_ms: Number(first.total_ms),
    first_first_chunk_ms: Number(first.first_chunk_ms),
    cached_total_ms: Median(pick('total_ms')),
    cached_first_chunk_ms: Median(pick('first_chunk_ms')),
    repeats: repeats.length,
  };
  process.stderr.write(
      `cache ${c.name}: first ${point.first_total_ms.toFixed(1)} ms, cached ` +
      `${point.cached_total_ms.toFixed(1)} ms (first chunk ${point.cached_first_chunk_ms.toFixed(3)} ms)\n`);
  return point;
}
