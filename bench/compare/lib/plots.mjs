// PNG plots for docs/ with gnuplot, from the CSV and JSON files in the results directory. Each plot is
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

// The size series from results/size.json: one panel per case, time against rows, log-log,
// plume and DuckDB (a case DuckDB did not run at a size has no DuckDB point there).
function SizeSeriesScript(size, png) {
  const cases = [...new Set(size.rows.map((r) => r.case))];
  const cols = 4, rows = Math.ceil(cases.length / cols);
  const data = (name, key) => size.rows.filter((r) => r.case === name && r[key] > 0)
                                  .map((r) => `${r.rows} ${r[key]}`).join('\n');
  const lines = [`set terminal pngcairo size 1200,${300 * rows} font ",9"`, `set output '${png}'`,
                 'set termoption noenhanced', 'set logscale xy', 'set format x "%.0s%c"',
                 'set grid', 'set key top left', 'set xlabel "rows"', 'set ylabel "ms"',
                 `set xrange [${Math.min(...size.rows.map((r) => r.rows)) / 2}:` +
                     `${Math.max(...size.rows.map((r) => r.rows)) * 2}]`,
                 `set multiplot layout ${rows},${cols} title "plume (6 ranks) vs DuckDB by data ` +
                 'size: warm median per case, log-log (lower is better)"'];
  for (const name of cases) {
    const blocks = [['plume', data(name, 'plume_ms'), '#1f77b4'],
                    ['DuckDB', data(name, 'duckdb_ms'), '#ff7f0e']].filter((b) => b[1]);
    lines.push(`set title '${name}'`);
    lines.push('plot ' + blocks.map((b) => `'-' using 1:2 with linespoints lw 2 pt 7 ` +
                                      `lc rgb '${b[2]}' title '${b[0]}'`).join(', '));
    for (const b of blocks) lines.push(b[1], 'e');
  }
  lines.push('unset multiplot');
  return lines.join('\n') + '\n';
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
  if (have('size.json')) {
    const size = JSON.parse(fs.readFileSync(path.join(res, 'size.json'), 'utf8'));
    Gnuplot(SizeSeriesScript(size, `${docs}/bench_size.png`), 'bench_size.png');
  } else
    skip('size.json');
  if (have('world.csv')) {
    const n = Widen(
        ReadCsv(path.join(res, 'world.csv')), 'ranks', 'case', 'total_ms',
        path.join(res, 'world_wide.csv'));
    Gnuplot(WorldScript(res, `${docs}/bench_world.png`, n), 'bench_world.png');
  } else
    skip('world.csv');
}
