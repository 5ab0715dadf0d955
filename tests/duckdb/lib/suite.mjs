// The statement suite: parsing suite.sql (statements with @annotations), filling its ${NAME}
// placeholders with values taken from the loaded data (so the same suite has non-empty answers on
// the real AirNow files and on synthetic data), and writing plume's batch script.
//
// suite.sql format: `-- @...` lines annotate the next statement; other `--` lines are comments; a
// statement runs until a line that ends with `;`. Annotations:
//   @ordered        ORDER BY orders the rows totally: rows compare in order
//   @keys a,b       ORDER BY keys (output column names): their values compare in order, the rows
//                   as a multiset (ORDER BY with ties)
//   @subset         LIMIT without a total order: same row count, plume's rows are a sub-multiset
//                   of the statement's result without its LIMIT (and @keys still compare in order)
//   @error          both engines must reject the statement; plume with a message containing Error
//   @plume-error    only plume rejects it (a documented difference from DuckDB, see docs/SQL.md)
import fs from 'node:fs';

export function ParseSuite(text) {
  const statements = [];
  let notes = {ordered: false, keys: null, subset: false, error: null};
  let lines = [];
  let first_line = 0;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trimEnd();
    const note = line.match(/^\s*--\s*@([a-z][a-z-]*)(?:\s+(.*))?$/);
    if (lines.length === 0 && note) {
      ApplyNote(notes, note[1], note[2] ?? '', i + 1);
      return;
    }
    if (lines.length === 0 && (/^\s*--/.test(line) || line.trim() === '')) return;
    if (lines.length === 0) first_line = i + 1;
    lines.push(line);
    if (line.endsWith(';')) {
      statements.push({template: lines.join('\n'), line: first_line, ...notes});
      notes = {ordered: false, keys: null, subset: false, error: null};
      lines = [];
    }
  });
  if (lines.length > 0) throw new Error(`suite: statement at line ${first_line} has no final ';'`);
  return statements;
}

function ApplyNote(notes, name, arg, line) {
  if (name === 'ordered') {
    notes.ordered = true;
  } else if (name === 'keys') {
    notes.keys = arg.split(',').map((s) => s.trim()).filter((s) => s !== '');
    if (notes.keys.length === 0) throw new Error(`suite line ${line}: @keys needs column names`);
  } else if (name === 'subset') {
    notes.subset = true;
  } else if (name === 'error' || name === 'plume-error') {
    notes.error = name;
  } else {
    throw new Error(`suite line ${line}: unknown annotation @${name}`);
  }
}

// Values for the placeholders, each found by a DuckDB query over the loaded table (first column
// of the first row). A query without a row falls back to the named placeholder.
const kPlaceholderSql = [
  ['SITE_TOP', 'SELECT site_name FROM measurements GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1'],
  [
    'SITE_COMMA',
    'SELECT site_name FROM measurements WHERE site_name LIKE \'%,%\' GROUP BY 1 ' +
        'ORDER BY count(*) DESC, 1 LIMIT 1'
  ],
  [
    'SITE_QUOTE',
    'SELECT site_name FROM measurements WHERE site_name LIKE \'%\'\'%\' GROUP BY 1 ' +
        'ORDER BY count(*) DESC, 1 LIMIT 1'
  ],
  // An OZONE monitor with one row per hour: ORDER BY utc orders its rows totally.
  [
    'AQS_TOP',
    'SELECT aqs_id FROM measurements WHERE parameter = \'OZONE\' GROUP BY 1 ' +
        'HAVING count(*) = count(DISTINCT utc) ORDER BY count(*) DESC, 1 LIMIT 1'
  ],
  [
    'AQS_ALNUM',
    'SELECT aqs_id FROM measurements WHERE NOT regexp_matches(aqs_id, \'^[0-9]+$\') GROUP BY 1 ' +
        'ORDER BY count(*) DESC, 1 LIMIT 1'
  ],
  ['AGENCY_TOP', 'SELECT agency FROM measurements GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1'],
  [
    'AGENCY_COMMA',
    'SELECT agency FROM measurements WHERE agency LIKE \'%,%\' GROUP BY 1 ' +
        'ORDER BY count(*) DESC, 1 LIMIT 1'
  ],
  // The day and hour at the middle of the time range, and the day after.
  ['DAY', 'SELECT strftime(quantile_disc(utc, 0.5), \'%Y-%m-%d\') FROM measurements'],
  [
    'DAY2',
    'SELECT strftime(quantile_disc(utc, 0.5) + INTERVAL 1 DAY, \'%Y-%m-%d\') FROM measurements'
  ],
  ['HOUR', 'SELECT strftime(quantile_disc(utc, 0.5), \'%H\') FROM measurements'],
  // A concentration value that occurs often, for equality and IN.
  [
    'CONC_TOP',
    'SELECT concentration::VARCHAR FROM measurements WHERE concentration IS NOT NULL ' +
        'AND concentration <> round(concentration) GROUP BY concentration ' +
        'ORDER BY count(*) DESC, concentration LIMIT 1'
  ],
];
const kFallback = {
  SITE_COMMA: 'SITE_TOP',
  SITE_QUOTE: 'SITE_TOP',
  AGENCY_COMMA: 'AGENCY_TOP'
};

export async function Placeholders(con) {
  const values = {};
  for (const [name, sql] of kPlaceholderSql) {
    const rows = (await con.runAndReadAll(sql)).getRows();
    values[name] = rows.length > 0 && rows[0][0] !== null ? String(rows[0][0]) : null;
  }
  for (const [name, other] of Object.entries(kFallback)) {
    if (values[name] === null) values[name] = values[other];
  }
  for (const [name, v] of Object.entries(values)) {
    if (v === null) throw new Error(`placeholder ${name}: the data has no value for it`);
  }
  return values;
}

// Placeholder values go inside SQL string literals, so their quotes are doubled.
export function Fill(template, values) {
  return template.replace(/\$\{([A-Z0-9_]+)\}/g, (m, name) => {
    if (!(name in values)) throw new Error(`unknown placeholder ${m}`);
    return values[name].replaceAll('\'', '\'\'');
  });
}

// One plume batch script: each statement's result goes to its own CSV file (\output).
export function WritePlumeScript(file, statements, output_of) {
  const parts = statements.map((s, i) => `\\output ${output_of(i)}\n${s.sql}\n`);
  fs.writeFileSync(file, parts.join(''));
}

// The statement without its final LIMIT (for @subset), or null when it has none.
export function WithoutLimit(sql) {
  const m = sql.match(/^([\s\S]*?)\s+LIMIT\s+\d+\s*;?\s*$/i);
  return m ? m[1] : null;
}
