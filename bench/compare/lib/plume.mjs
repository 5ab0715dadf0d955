// Runs the plume binary in batch mode under mpirun and reads its --report JSON.
// Every call is one mpirun job; warm figures drop each statement's first execution.
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import {Median} from './cases.mjs';

export const kMpiEnv = {
  OMPI_ALLOW_RUN_AS_ROOT: '1',
  OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1',
  OMPI_MCA_rmaps_base_oversubscribe: '1',
  OMPI_MCA_btl: 'self,vader',
  OMPI_MCA_pml: 'ob1',
  OMPI_MCA_oob_tcp_if_include: 'lo',
};

// CPU time (user + system, ms) of this process's waited-for children: mpirun and its ranks.
// /proc/self/stat fields 16 and 17 (cutime, cstime), in clock ticks of 10 ms.
export function ChildrenCpuMs() {
  const stat = fs.readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[13]) + Number(f[14])) * 10;
}

// opts: {plume, data, ranks, sql (or script: a -f FILE), format, output, chunk, repeat, concurrency, maxRunning,
//        report, timeoutS, cacheSize, extraArgs (more plume options)}. The result cache is off (--cache-size 0) unless
//        cacheSize is given: a timed --repeat must measure the engine, not the cache. Returns {report, wall_ms, cpu_ms (all ranks)}; throws with plume's
// stderr on failure.
export function RunPlume(opts) {
  const args = [
    '--allow-run-as-root', '--oversubscribe', '-n', String(opts.ranks), '--timeout',
    String(opts.timeoutS ?? 300), opts.plume, '--data', opts.data,
    ...(opts.script ? ['-f', opts.script] :
                      ['-c', opts.sql.trim().endsWith(';') ? opts.sql : `${opts.sql};`]),
    '--format', opts.format, '--report', opts.report, '--progress', 'off'
  ];
  if (opts.output) args.push('--output', opts.output);
  if (opts.chunk) args.push('--chunk', String(opts.chunk));
  if (opts.repeat) args.push('--repeat', String(opts.repeat));
  if (opts.concurrency) args.push('--concurrency', String(opts.concurrency));
  if (opts.maxRunning) args.push('--max-running', String(opts.maxRunning));
  args.push('--cache-size', String(opts.cacheSize ?? 0));
  if (opts.extraArgs) args.push(...opts.extraArgs);
  fs.rmSync(opts.report, {force: true});
  const t0 = Date.now();
  const cpu0 = ChildrenCpuMs();
  const r = spawnSync('mpirun', args, {
    env: {...process.env, ...kMpiEnv},
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const wall_ms = Date.now() - t0;
  const cpu_ms = ChildrenCpuMs() - cpu0;
  const cmd = `mpirun ${args.map((a) => (/[\s;'"*]/.test(a) ? JSON.stringify(a) : a)).join(' ')}`;
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0 || !fs.existsSync(opts.report)) {
    throw new Error(
        `${cmd}\nexit ${r.status}${r.signal ? ` (${r.signal})` : ''}\n` +
        `${(r.stderr || '').slice(-3000)}${(r.stdout || '').slice(-1000)}`);
  }
  return {report: JSON.parse(fs.readFileSync(opts.report, 'utf8')), wall_ms, cpu_ms, cmd};
}

// A wrapper that runs plume under /usr/bin/time, so that each rank writes its peak RSS (KiB)
// to DIR/rss.RANK; pass it as RunPlume's `plume`, then read PeakRss(DIR, ranks).
export function RssWrapper(plume, dir) {
  const file = path.join(dir, 'plume-rss.sh');
  fs.writeFileSync(
      file, `#!/bin/sh\nexec /usr/bin/time -f %M -o "${dir}/rss.$OMPI_COMM_WORLD_RANK" ` +
          `"${plume}" "$@"\n`);
  fs.chmodSync(file, 0o755);
  return file;
}

export function PeakRss(dir, ranks) {
  const kib = [];
  for (let r = 0; r < ranks; ++r) {
    const text = fs.readFileSync(path.join(dir, `rss.${r}`), 'utf8').trim().split('\n');
    kib.push(Number(text[text.length - 1]));
  }
  return {rank0_mib: kib[0] / 1024, data_max_mib: Math.max(...kib.slice(1)) / 1024, kib};
}

// The executions of one statement in a report, in the order they ran.
export function Executions(report, sql) {
  const norm = (s) => String(s).trim().replace(/;+\s*$/, '').replace(/\s+/g, ' ');
  const all = report.statements || [];
  const mine = all.filter((s) => norm(s.sql) === norm(sql));
  const bad = mine.find(
      (s) => s.status &&
          !['ok', 'done', 'completed', 'succeeded'].includes(String(s.status).toLowerCase()));
  if (bad) throw new Error(`plume statement failed (${bad.status}): ${bad.error || '?'}\n  ${sql}`);
  if (mine.length === 0) {
    throw new Error(`report has no execution of: ${sql}\n  (it has: ${all.map((s) => s.sql)})`);
  }
  return mine;
}

// Medians over the warm executions (the first execution of the statement dropped).
export function WarmStats(report, sql) {
  const ex = Executions(report, sql);
  const warm = ex.length > 1 ? ex.slice(1) : ex;
  const pick = (k) => warm.map((e) => Number(e[k])).filter((v) => Number.isFinite(v) && v >= 0);
  return {
    executions: ex.length,
    warm: warm.length,
    rows: Number(ex[0].rows),
    chunks: Median(pick('chunks')),
    bytes: Median(pick('bytes')),
    first_chunk_ms: Median(pick('first_chunk_ms')),
    total_ms: Median(pick('total_ms')),
    rows_per_s: Median(pick('rows_per_s')),
    total_runs_ms: pick('total_ms'),
  };
}

// Finds a built binary under BUILD (plume: ranks/plume; plume-preprocess: preprocess/...).
export function FindBinary(build, name) {
  for (const rel of [name, `ranks/${name}`, `preprocess/${name}`, `bin/${name}`]) {
    const p = path.join(build, rel);
    if (fs.existsSync(p) && fs.statSync(p).isFile()) return p;
  }
  throw new Error(`${name} not found under ${build} (build it first: bench/compare/run builds it)`);
}
