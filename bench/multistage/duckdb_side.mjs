// DuckDB's medians of 3 warm runs of each statement of a file (one per line, ';'-terminated),
// the rows read into the client. Prints one line per statement: "N <median ms>".
//   node duckdb_side.mjs MODULES_DIR AIRNOW_DIR STATEMENTS.sql
import fs from 'node:fs';
import {performance} from 'node:perf_hooks';

const [modules, airnow, file] = process.argv.slice(2);
const duck = await import(new URL('../../tests/duckdb/lib/duck.mjs', import.meta.url));
const {con} = await duck.OpenDuckDB(modules);
await duck.LoadAirnow(con, airnow);
const statements = fs.readFileSync(file, 'utf8').split('\n').filter((s) => s.trim());
for (const [i, sql] of statements.entries()) {
  const times = [];
  for (let r = 0; r < 3; ++r) {
    const t0 = performance.now();
    (await con.runAndReadAll(sql)).getRows();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  console.log(`${i + 1} ${times[1].toFixed(1)}`);
}
