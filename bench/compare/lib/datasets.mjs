// The data sets the benchmark runs on, made once by plume-preprocess into a cache directory
// outside the repository ($PLUME_BENCH_DIR, default /tmp/plume-bench) and reused while the
// command that made them is unchanged (a stamp file holds it).
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const kDefaultRows = 1167525;  // the default synthetic data set (scripts/run)
export const kSeed = 1;

// The AirNow folder (airnow-2020fire, holding data/YYYYMMDD/*.csv), or null when absent.
export function AirnowDir(repo) {
  const d =
      process.env.PLUME_AIRNOW_DIR || path.join(repo, '..', 'shared', 'data', 'airnow-2020fire');
  return fs.existsSync(d) ? path.resolve(d) : null;
}

// spec: {kind: 'airnow'|'synthetic', partitions, rows (synthetic), input (airnow)}.
// Returns {dir, label, kind, partitions, rows, made_ms (0 when reused), ingest: {ms, cpu_ms,
// peak_rss_mib, files_mib} (measured when the set was made, kept beside it in .bench-ingest)}.
export function EnsureDataSet(bench_dir, preprocess, spec) {
  const label = spec.kind === 'airnow' ? `airnow-p${spec.partitions}` :
                                         `synthetic-${spec.rows}-p${spec.partitions}`;
  const dir = path.join(bench_dir, 'data', label);
  const args = spec.kind === 'airnow' ?
      ['--input', spec.input, '--out', dir, '--partitions', String(spec.partitions)] :
      [
        '--synthetic', String(spec.rows), '--seed', String(kSeed), '--out', dir, '--partitions',
        String(spec.partitions)
      ];
  const stamp = path.join(dir, '.bench-stamp');
  const ingest_file = path.join(dir, '.bench-ingest');
  const want = JSON.stringify({args, binary_mtime: fs.statSync(preprocess).mtimeMs});
  const result = {dir, label, kind: spec.kind, partitions: spec.partitions, rows: spec.rows};
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === want) {
    const ingest =
        fs.existsSync(ingest_file) ? JSON.parse(fs.readFileSync(ingest_file, 'utf8')) : null;
    return {...result, made_ms: 0, ingest};
  }
  fs.rmSync(dir, {recursive: true, force: true});
  fs.mkdirSync(path.dirname(dir), {recursive: true});
  process.stderr.write(`bench: making ${label} (plume-preprocess ${args.join(' ')})\n`);
  const ingest = Ingest(preprocess, args, dir);
  fs.writeFileSync(ingest_file, JSON.stringify(ingest) + '\n');
  fs.writeFileSync(stamp, want);
  return {...result, made_ms: ingest.ms, ingest};
}

// Runs plume-preprocess under /usr/bin/time: wall and CPU time, peak RSS, bytes written.
function Ingest(preprocess, args, dir) {
  const times = `${dir}.time`;
  const t0 = Date.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S %M', '-o', times, preprocess, ...args],
                      {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']});
  const ms = Date.now() - t0;
  if (r.error) throw new Error(`/usr/bin/time ${preprocess}: ${r.error.message}`);
  if (r.status !== 0) {
    throw new Error(`plume-preprocess ${args.join(' ')} failed (exit ${r.status}):\n${r.stderr}`);
  }
  const [user, sys, kib] = fs.readFileSync(times, 'utf8').trim().split('\n').pop().split(' ');
  fs.rmSync(times);
  const bytes = fs.readdirSync(dir).reduce((a, f) => a + fs.statSync(path.join(dir, f)).size, 0);
  return {
    ms,
    cpu_ms: (Number(user) + Number(sys)) * 1000,
    peak_rss_mib: Number(kib) / 1024,
    files_mib: bytes / 2 ** 20
  };
}
