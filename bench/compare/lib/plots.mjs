// PNG plots for docs/ with gnuplot, from the CSV files in the results directory. Each plot is
// skipped (with a note) when its CSV is absent, so a partial run still plots what it has.
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

function ReadCsv(file) {
  const [head, ...lines] = fs.readFileSync(file, 'utf8').trim().split('\n');
  const cols = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
}

// Long rows (key, series, value) -> a wide CSV with one column per series.
function Widen(rows, key, series, value, file) {
  const keys = [...new Set(rows.map((r) => r[key]))];
  const names = [...new Set(rows.map((r) => r[series]))];
  const lines = [[key, ...names].join(',')];
  for (const k of keys) {
    lines.push([
      k, ...names.map((n) => rows.find((r) => r[key] === k && r[series] === n)?.[value] ?? '')
    ].join(','));
  }
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return names.length;
}

const kHead = (png, title) => `set terminal pngcairo size 900,520 font ",10"
set output '${png}'
set datafile separator ','
set datafile columnheaders
set termoption noenhanced
set key top left Left reverse
set grid ytics
set title '${title}'
`;

// Clustered bars of milliseconds on a log axis, one cluster per case (n cases).
function Histogram(n) {
  return `
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y
set ylabel 'milliseconds (log scale)'
set xtics rotate by -20
set xrange [-0.6:${n - 0.4}]
`;
}

function CompareScript(res, png, n) {
  return kHead(png, 'plume vs DuckDB, warm median per case (lower is better)') + Histogram(n) +
      `plot '${res}/compare.csv' using 2:xtic(1) title 'plume' lc rgb '#1f77b4', \\
     '' using 4 title 'DuckDB' lc rgb '#ff7f0e'
`;
}

function ChunkScript(res, png) {
  return kHead(png, 'Chunk size: seed query, --format null') + `
set logscale x
set xlabel 'rows per chunk'
set ylabel 'milliseconds'
set y2label 'rows per second'
set y2tics
set format y2 '%.1s%c'
set yrange [0:*]
set y2range [0:*]
set ytics nomirror
plot '${res}/chunk.csv' using 1:3 with linespoints lw 2 title 'total ms', \\
     '' using 1:2 with linespoints lw 2 title 'time to first chunk ms', \\
     '' using 1:4 axes x1y2 with linespoints lw 2 dt 2 title 'rows/s (right)'
`;
}

function ConcurrencyScript(res, png) {
  return kHead(png, 'Statements in flight: seed query, --format null') + `
set xlabel 'statements in flight (--concurrency)'
set ylabel 'median latency per statement, ms'
set y2label 'statements per second'
set y2tics
set yrange [0:*]
set y2range [0:*]
set ytics nomirror
set xtics (1, 2, 5, 8)
plot '${res}/concurrency.csv' using 1:3 with linespoints lw 2 title 'latency ms', \\
     '' using 1:7 axes x1y2 with linespoints lw 2 dt 2 title 'statements/s (right)'
`;
}

function SizeScript(res, png, n, cases) {
  return kHead(png, 'Data size: synthetic 1x vs 10x rows, plume vs DuckDB') + Histogram(cases) +
      `plot for [i=2:${n + 1}] '${res}/size_wide.csv' using i:xtic(1) title columnheader(i)
`;
}

function WorldScript(res, png, n) {
  return kHead(png, 'World size: ranks (1 gateway + 1 rank per partition)') +
      `
set xlabel 'ranks (mpirun -n)'
set ylabel 'median total ms (log scale)'
set logscale y
set key top right Right noreverse
set yrange [0:*]
plot for [i=2:${n + 1}] '${
             res}/world_wide.csv' using 1:i with linespoints lw 2 title columnheader(i)
`;
}

function Gnuplot(script, png) {
  const r = spawnSync('gnuplot', [], {input: script, encoding: 'utf8'});
  if (r.error) throw new Error(`gnuplot: ${r.error.message} (apt-get install gnuplot-nox)`);
  if (r.status !== 0) throw new Error(`gnuplot failed for ${png}:\n${r.stderr}`);
  process.stderr.write(`plot: ${png}\n`);
}

export function MakePlots(res, docs) {
  fs.mkdirSync(docs, {recursive: true});
  const have = (f) => fs.existsSync(path.join(res, f));
  const skip = (f) => process.stderr.write(`plot: no ${res}/${f}, skipped\n`);
  if (have('compare.csv')) {
    const n = ReadCsv(path.join(res, 'compare.csv')).length;
    Gnuplot(CompareScript(res, `${docs}/bench_compare.png`, n), 'bench_compare.png');
  } else
    skip('compare.csv');
  if (have('chunk.csv'))
    Gnuplot(ChunkScript(res, `${docs}/bench_chunk.png`), 'bench_chunk.png');
  else
    skip('chunk.csv');
  if (have('concurrency.csv')) {
    Gnuplot(ConcurrencyScript(res, `${docs}/bench_concurrency.png`), 'bench_concurrency.png');
  } else
    skip('concurrency.csv');
  if (have('size.csv')) {
    const long = [];
    for (const r of ReadCsv(path.join(res, 'size.csv'))) {
      long.push({case: r.case, series: `plume ${r.factor}x`, v: r.plume_ms});
      if (r.duckdb_ms) long.push({case: r.case, series: `DuckDB ${r.factor}x`, v: r.duckdb_ms});
    }
    const n = Widen(long, 'case', 'series', 'v', path.join(res, 'size_wide.csv'));
    const cases = new Set(long.map((r) => r.case)).size;
    Gnuplot(SizeScript(res, `${docs}/bench_size.png`, n, cases), 'bench_size.png');
  } else
    skip('size.csv');
  if (have('world.csv')) {
    const n = Widen(
        ReadCsv(path.join(res, 'world.csv')), 'ranks', 'case', 'total_ms',
        path.join(res, 'world_wide.csv'));
    Gnuplot(WorldScript(res, `${docs}/bench_world.png`, n), 'bench_world.png');
  } else
    skip('world.csv');
}
