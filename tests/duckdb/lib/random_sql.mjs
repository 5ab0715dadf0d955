// Random statements for the DuckDB differential test: expressions (arithmetic, CASE, COALESCE,
// NULLIF, casts, the narrow integer types, HUGEINT, DECIMAL up to 38 digits), scalar functions (time, numeric, string), GROUP BY expressions, SELECT
// DISTINCT, HAVING, DISTINCT on every aggregate, median and (negative) quantiles, FILTER, CTEs, subqueries in
// FROM, scalar and IN subqueries, window functions (every function, ROWS and RANGE frames,
// QUALIFY; summarised per parameter), and literals at the
// edges DuckDB reads exactly (near-integer decimals against BIGINT, strings in mixed IN lists and
// BETWEEN, underflow like 1e-400, 'inf'/'nan' strings). DuckDB is the oracle, so no reference
// evaluator is needed; a statement DuckDB rejects must be rejected by plume too. Seeded (a small
// xorshift), so a failing statement reproduces: PLUME_DIFF_SEED picks another seed.
//
// Results stay small (groups of low-cardinality keys, DISTINCT of bucketed values) and avoid
// what two correct engines may answer differently: sums of DOUBLE expressions (plume's sums are
// exact, DuckDB's are not), LIMIT without a total order, and ORDER BY on computed doubles.

export function Rng(seed) {
  let s = (seed >>> 0) || 1;
  const next = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
  return {
    next,
    below: (n) => Math.floor(next() * n),
    pick: (xs) => xs[Math.floor(next() * xs.length)],
    chance: (p) => next() < p,
  };
}

const kInts = ['aqi', 'category'];
const kDoubles = ['concentration', 'raw_concentration', 'latitude', 'longitude'];
const kStrings = ['parameter', 'site_name', 'agency', 'aqs_id', 'unit'];

// Literals DuckDB reads exactly where a double would not.
function IntEdgeLiteral(r) {
  const n = r.below(200);
  switch (r.below(7)) {
    case 0: return `${n}.${'0'.repeat(15 + r.below(6))}1`;         // n + a hair
    case 1: return `${Math.max(n - 1, 0)}.${'9'.repeat(17 + r.below(5))}`;  // n - a hair
    case 2: return `'${n}.${r.pick(['5', '49999999999999999', '50000000000000001'])}'`;
    case 3: return `'${r.pick([' ', ''])}${n}${r.pick([' ', ''])}'`;
    case 4: return `${n}.5`;
    case 5: return `'${r.pick(['1_000', '0x10', '1e2', '0'])}'`;
    default:
      if (r.chance(0.15)) {  // beyond BIGINT: a HUGEINT, beyond INT128 a DOUBLE
        return r.pick(['99999999999999999999', '-99999999999999999999',
                       '-340282366920938463463374607431768211457', '1e400']);
      }
      return String(n);
  }
}

function DoubleEdgeLiteral(r) {
  switch (r.below(6)) {
    case 0: return r.pick(['1e-400', '-1e-400', '2.5e-320', '1e400', '-1e999',
                           '340282366920938463463374607431768211456']);
    case 1: return `'${r.pick(['inf', '-inf', 'infinity', '-Infinity', 'nan', 'NaN'])}'`;
    case 2: return `'${r.pick(['1e-400', '-0.0', '12.5'])}'`;
    case 3: return `${r.below(300)}.${r.below(10)}`;
    case 4: return String(r.below(100) - 20);
    default: return `${r.below(500)}e-1`;
  }
}

function Condition(r, depth = 1) {
  if (depth > 0 && r.chance(0.3)) {
    return `(${Condition(r, depth - 1)} ${r.pick(['AND', 'OR'])} ${Condition(r, depth - 1)})`;
  }
  const op = r.pick(['=', '<>', '<', '<=', '>', '>=']);
  switch (r.below(9)) {
    case 0: return `aqi ${op} ${IntEdgeLiteral(r)}`;
    case 1: return `aqi ${r.chance(0.3) ? 'NOT ' : ''}IN (${IntEdgeLiteral(r)}, ${IntEdgeLiteral(r)}, ${IntEdgeLiteral(r)})`;
    case 2: return `aqi BETWEEN ${IntEdgeLiteral(r)} AND ${IntEdgeLiteral(r)}`;
    case 3: return `concentration ${op} ${DoubleEdgeLiteral(r)}`;
    case 4: return `raw_concentration ${op} concentration ${r.pick(['*', '+'])} ${r.below(3) + 1}`;
    case 5: return `site_name ${r.pick(['LIKE', 'ILIKE', 'NOT LIKE'])} '${r.pick(['%a%', 'S%', '%e_%', '%park%', '_a%'])}'`;
    case 6: return `parameter IN ('PM2.5', 'OZONE'${r.chance(0.5) ? ", 'NO2'" : ''})`;
    case 7: return `utc ${op} TIMESTAMP '2020-09-${String(1 + r.below(24)).padStart(2, '0')} ${String(2 * r.below(12) + 1).padStart(2, '0')}:00:00'`;
    default: return `${r.pick(['aqi', 'concentration'])} IS ${r.chance(0.5) ? 'NOT ' : ''}NULL`;
  }
}

function IntExpr(r) {
  const c = r.pick(kInts);
  switch (r.below(10)) {
    case 0: return `${c} ${r.pick(['+', '-', '*'])} ${r.below(10)}`;
    case 1: return `${c} // ${r.below(60) + 1}`;
    case 2: return `${c} % ${r.below(7) + 1}`;
    case 3: return `abs(${c} - ${r.below(100)})`;
    case 4: return `CASE WHEN ${c} = 0 THEN NULL ELSE 1000 // ${c} END`;
    case 5: return `coalesce(${c}, -1)`;
    case 6: return `nullif(${c}, ${r.below(5)})`;
    case 7: return `greatest(${c}, ${r.below(50)})`;
    case 8: {  // the narrow integer types: range-checked casts, DuckDB's result types
      const t = r.pick(['SMALLINT', 'TINYINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'INT2']);
      const other = r.pick([`${r.below(300) - 20}`, `${r.pick(kInts)}::${r.pick(['TINYINT', 'UTINYINT', 'SMALLINT'])}`]);
      return `${c}::${t} ${r.pick(['+', '-', '*', '//', '%'])} ${other}`;
    }
    default: return `CASE WHEN ${c} <= 50 THEN 1 WHEN ${c} <= 100 THEN 2 ELSE 3 END`;
  }
}

function DoubleExpr(r) {
  const c = r.pick(kDoubles);
  switch (r.below(8)) {
    case 0: return `round(${c}, ${r.below(3)})`;
    case 1: return `floor(${c})`;
    case 2: return `ceil(${c} / ${r.below(9) + 1})`;
    case 3: return `${c} * ${r.below(5) + 1}.5`;
    case 4: return `abs(${c})`;
    case 5: return `least(${c}, ${r.below(100)})`;
    case 6: return `CAST(${c} AS BIGINT)`;
    default: return `CASE WHEN ${c} > ${r.below(50)} THEN ${c} ELSE 0 END`;
  }
}

function StringExpr(r) {
  const c = r.pick(kStrings);
  switch (r.below(8)) {
    case 0: return `lower(${c})`;
    case 1: return `substring(${c}, ${r.below(3) + 1}, ${r.below(4) + 1})`;
    case 2: return `${c} || '/' || unit`;
    case 3: return `upper(substring(${c}, 1, 2))`;
    case 4: return `replace(${c}, 'a', '')`;
    case 5: return `CAST(length(${c}) AS VARCHAR)`;
    case 6: return `concat(${c}, NULL, '!')`;
    default: return `trim(${c})`;
  }
}

// HUGEINT: integer literals beyond BIGINT, casts, and arithmetic with them (a sum's type is
// HUGEINT too, see Aggregate); results stay far inside INT128.
function HugeExpr(r) {
  const c = r.pick(kInts);
  const big = r.pick(['9223372036854775808', '-9223372036854775809', '170141183460469231731687303715884105727',
                      '18446744073709551616', '99999999999999999999']);
  switch (r.below(7)) {
    // abs and round keep HUGEINT (round half away from zero, far inside INT128)
    case 6: return r.pick([`abs(${c}::HUGEINT - ${r.pick(['9223372036854775808', '99999999999999999999'])})`,
                           `round(${c}::HUGEINT * 1000000000000000000000, ${r.pick(['-1', '-2', '-22', '0', '3'])})`]);
    // UBIGINT: exact to 2^64-1, DuckDB's errors below 0 (its arithmetic: suite.sql)
    case 5: return `CAST(${r.pick(["'18446744073709551615'", `abs(${c})`, c, "'0x10'", '18446744073709551615', '2.5'])} AS ${r.pick(['UBIGINT', 'UINT64'])})`;
    case 0: return `${c}::HUGEINT ${r.pick(['+', '-', '*', '//', '%'])} ${r.below(50) - 10}`;
    case 1: return `${big} ${r.pick(['-', '//', '%'])} (${c} + 1)`;
    case 2: return `CAST(${c} AS INT128) * ${r.pick(['1000000000000', '9223372036854775807', '-3'])}`;
    case 3: return `CASE WHEN ${c} > ${r.below(200)} THEN ${c}::HUGEINT ELSE ${big} // 1000 END`;
    default: return `CAST(${r.pick([`'${big}'`, `${c}::HUGEINT * 7`])} AS ${r.pick(['HUGEINT', 'DOUBLE', 'VARCHAR'])})`;
  }
}

// DECIMAL of widths 1-38: casts, literals of up to 38 digits (39: DOUBLE), exact arithmetic and
// comparisons, in 128 bits wherever a DECIMAL of width 19-38 goes (result columns, keys,
// aggregates), as DuckDB's.
function DecimalType(r) {
  const p = r.pick([3, 5, 9, 18, 19, 20, 28, 38]);
  const s = Math.min(p - 3, r.pick([0, 1, 2, 4, 10]));
  return `DECIMAL(${p},${Math.max(s, 0)})`;
}

// Decimal literals of 1 to 39 digits (DECIMAL(38,37) and, beyond 38, DOUBLE among them); `small`
// ones keep literal arithmetic within a few digits.
function DecimalLiteral(r, small = false) {
  if (small) return r.pick(['0.1', '-2.50', '1.005', '.5', '7.25', '-0.05']);
  return r.pick(['0.1', '-2.50', '1.005', '.5', '123456789.123456789', '0.000000000000000000000000000001',
                 '-0.999999999999999999', '99999999999999.9999', '12345678901234567890.5',
                 '-0.99999999999999999999', '1.0000000000000000000000000000000000001',
                 '1.00000000000000000000000000000000000001']);
}

function DecimalExpr(r) {
  const c = r.pick(kInts);
  const d = r.pick(['concentration', 'raw_concentration']);
  switch (r.below(10)) {
    case 7: return `CAST(${c} AS DECIMAL(38,20)) * ${r.pick(['3', c, '1.5', '-0.25'])}`;
    case 8: return `${c} ${r.pick(['+', '-', '*'])} ${r.pick(['0.99999999999999999999', '12345678901234567890.5', '-0.00000000000000000001'])}`;
    case 9: return `CASE WHEN ${c} > ${r.below(200)} THEN ${c} * 0.99999999999999999999 ELSE ${r.pick([c, '0.5', '1.0000000000000000001'])} END`;
    case 0: return `CAST(${c} AS ${DecimalType(r)}) ${r.pick(['+', '-', '*'])} ${r.pick(['0.5', '1.25', '-3', c])}`;
    case 1: return `CAST(CAST(${c} AS DECIMAL(38,20)) * ${r.pick(['3', c, '1.5'])} AS ${r.pick(['DECIMAL(18,4)', 'DECIMAL(9,2)', 'BIGINT', 'DOUBLE'])})`;
    case 2: return `CAST(${d} AS ${r.pick(['DECIMAL(9,2)', 'DECIMAL(18,1)', 'DECIMAL(20,3)', 'DECIMAL(38,5)'])})`;
    case 3: return `round(CAST(${d} AS DECIMAL(18,3)), ${r.below(3)})`;
    case 4: return `CASE WHEN CAST(${c} AS DECIMAL(38,10)) ${r.pick(['>', '<=', '='])} ${DecimalLiteral(r)} THEN 1.5 ELSE ${c} END`;
    case 5: return `${c} * 0.1 ${r.pick(['+', '-', '%'])} ${r.pick(['0.05', '1', '7.5'])}`;
    default: return `coalesce(CAST(${c} AS DECIMAL(${r.pick(['4,1', '19,2', '38,0'])})), ${r.pick(['0.5', '-1', '2.25'])})`;
  }
}

// Literal edges of every kind in select items (constant folding, names, types).
function LiteralItem(r) {
  return r.pick([
    DecimalLiteral(r), `${DecimalLiteral(r, true)} + ${DecimalLiteral(r, true)}`, `${DecimalLiteral(r, true)} * 2`,
    `typeof(${DecimalLiteral(r)})`, `typeof(${r.pick(['2147483648', '9223372036854775808', '-2147483648', '127'])})`,
    `${r.pick(['1e-400', '1e308 * 10', "'inf'::DOUBLE", '-0.0', '00012', '0012.50'])}`,
    `CAST(${r.pick(["'0x10'", "'1_000'", "' 12 '", "'1e2'", "'-0'"])} AS ${r.pick(['BIGINT', 'INTEGER', 'SMALLINT', 'HUGEINT', 'DOUBLE'])})`,
    `${r.below(300)}::${r.pick(['TINYINT', 'UTINYINT', 'SMALLINT', 'USMALLINT', 'UINTEGER'])} ${r.pick(['+', '-', '*', '//'])} ${r.below(130)}`,
    `-(${r.pick(['1', '128', '255'])})::${r.pick(['UTINYINT', 'TINYINT'])}`,
    `'${r.pick(['é', 'ÉCOLE', 'straße', 'aé', 'Σ'])}' ${r.pick(['LIKE', 'ILIKE', 'NOT LIKE', 'NOT ILIKE'])} '${r.pick(['_', '__', 'é%', '%_', 'école', 'STRASSE', '_é', 'σ'])}'`,
  ]);
}

function KeyExpr(r) {
  switch (r.below(8)) {
    case 0: return 'parameter';
    case 1: return `date_trunc('${r.pick(['day', 'week', 'month'])}', utc)`;
    case 2: return `date_part('${r.pick(['hour', 'dow', 'day'])}', utc)`;
    case 3: return 'aqi // 50';
    case 4: return `CAST(utc - INTERVAL ${r.below(12)} HOUR AS DATE)`;
    case 5: return `strftime(utc, '%Y-%m-%d')`;
    case 6: return `substring(site_name, 1, 1)`;
    default: return `CASE WHEN concentration IS NULL THEN 'none' WHEN concentration > 35 THEN 'high' ELSE 'low' END`;
  }
}

function Aggregate(r) {
  const i = IntExpr(r), d = DoubleExpr(r), s = StringExpr(r);
  const x = r.pick([i, i, DecimalExpr(r)]);  // DECIMAL aggregates keep the type (or DECIMAL(38,s))
  const filter = r.chance(0.2) ? ` FILTER (${r.chance(0.5) ? 'WHERE ' : ''}${Condition(r, 0)})` : '';
  const distinct = r.chance(0.3) ? 'DISTINCT ' : '';
  const q = r.pick(['0.1', '0.5', '0.98', '-0.25', '-0.9', '-1']);
  const arg = r.pick(['aqi', 'category']);
  return r.pick([
    `count(*)${filter}`, `count(DISTINCT ${r.pick([i, s])})`, `sum(${x})${filter}`,
    `sum(DISTINCT ${x})`, `avg(${i})`, `avg(DISTINCT ${i})`, `min(${d})`, `max(${s})`,
    `median(${distinct}${r.pick([i, d, x])})`, `quantile_cont(${distinct}${r.pick([i, d, x])}, ${q})`,
    `quantile_disc(${distinct}${r.pick([i, d, 'utc', s])}, ${r.pick(['0', '0.25', '0.9', '1', '-0.5'])})`,
    `max(${r.pick([i, x, HugeExpr(r)])})`, `min(${HugeExpr(r)})`,
    // sum and avg over a HUGEINT (sums far inside INT128, so no order-dependent overflow)
    `${r.pick(['sum', 'avg'])}(${r.pick([`${i}::HUGEINT * ${r.pick(['1000000000000000000000', '-3'])}`, `CAST(abs(${i}) AS UBIGINT)`])})${filter}`, `sum(${i}) ${r.pick(['+', '*', '//'])} ${r.pick(['1', '9223372036854775807', '-2'])}`,
    `typeof(sum(${i}))`, `stddev_samp(${distinct}${i})`, `var_pop(DISTINCT ${r.pick([i, 'concentration'])})`,
    `arg_max(${distinct}${arg}, ${arg})`,  // one column twice: ties of b would pick any a in DuckDB
    `bool_or(${Condition(r, 0)})`, `bool_and(${distinct}${Condition(r, 0)})`, `count(${d})${filter}`,
  ]);
}

// Rows of computed values, bucketed by a key so results stay small: every value kind of the
// typing rules (narrow integers, HUGEINT, DECIMAL up to 38 digits, literal edges).
function TypedStatement(r) {
  const items = [];
  for (let k = 1 + r.below(3); k > 0; --k) {
    const kind = r.pick([HugeExpr, DecimalExpr, IntExpr, LiteralItem]);
    let e = kind(r);
    // plume's UBIGINT is a HUGEINT (docs/SQL.md, "Differences from DuckDB"): typeof would differ
    if (kind === HugeExpr && /AS (UBIGINT|UINT64)\)$/.test(e)) e = `CAST(${e} AS VARCHAR)`;
    items.push(r.chance(0.3) ? `typeof(${e}) AS v${items.length}` : `${e} AS v${items.length}`);
  }
  return `SELECT DISTINCT ${items.join(', ')} FROM measurements WHERE parameter IN ('SO2', 'CO', 'NO2') AND ${Condition(r)};`;
}

function GroupStatement(r) {
  const key = KeyExpr(r);
  const aggs = [];
  for (let k = 1 + r.below(3); k > 0; --k) aggs.push(`${Aggregate(r)} AS a${aggs.length}`);
  const where = r.chance(0.6) ? ` WHERE ${Condition(r)}` : '';
  const having = r.chance(0.4) ?
      ` HAVING ${r.pick(['count(*) > ' + r.below(5000), 'max(aqi) > ' + r.below(300), 'min(concentration) <= ' + r.below(20), 'count(DISTINCT site_name) >= ' + r.below(50)])}` :
      '';
  return `SELECT ${key} AS k, ${aggs.join(', ')} FROM measurements${where} GROUP BY k${having};`;
}

function DistinctStatement(r) {
  const e = r.pick([KeyExpr(r), `${r.pick(kInts)} // ${r.below(40) + 10}`, 'unit', 'round(latitude)']);
  const where = r.chance(0.7) ? ` WHERE ${Condition(r)}` : '';
  return `SELECT DISTINCT ${e} AS d FROM measurements${where};`;
}

function TotalsStatement(r) {
  const aggs = [];
  for (let k = 2 + r.below(3); k > 0; --k) aggs.push(`${Aggregate(r)} AS t${aggs.length}`);
  return `SELECT ${aggs.join(', ')} FROM measurements WHERE ${Condition(r, 2)};`;
}

// A window call. Position-dependent functions (row_number, ntile, lag, lead, first/last_value,
// nth_value, ROWS frames) order by (full_aqs_id, parameter, utc), unique per row, so both engines see one
// order; rank, dense_rank, percent_rank, cume_dist and RANGE frames are defined on ties.
function WindowCall(r) {
  const total = 'PARTITION BY full_aqs_id, parameter ORDER BY utc';
  const key = r.pick(['parameter', 'utc', 'site_name', 'CAST(utc AS DATE)', 'aqi // 50']);
  const n = r.below(4), m = r.below(3);
  const frame = r.pick([
    `ROWS BETWEEN ${n} PRECEDING AND CURRENT ROW`, `ROWS BETWEEN ${n} PRECEDING AND ${m} FOLLOWING`,
    `ROWS BETWEEN UNBOUNDED PRECEDING AND ${m} FOLLOWING`, 'ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING',
    'RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW', 'RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING',
    `GROUPS BETWEEN ${n} PRECEDING AND ${m} FOLLOWING`,
    `ROWS BETWEEN ${n} PRECEDING AND ${m} FOLLOWING EXCLUDE ${r.pick(['CURRENT ROW', 'GROUP', 'TIES', 'NO OTHERS'])}`,
  ]);
  const arg = r.pick(['aqi', 'category']);
  return r.pick([
    `row_number() OVER (${total})`, `ntile(${2 + r.below(4)}) OVER (${total})`,
    `lag(${r.pick(['aqi', 'concentration'])}${r.chance(0.5) ? ', ' + (1 + r.below(3)) : ''}) OVER (${total})`,
    `lead(${r.pick(['aqi', 'raw_concentration'])}) OVER (${total})`,
    `${r.pick(['lag', 'lead'])}(${r.pick(['aqi', 'raw_concentration'])}, ${r.below(3)} IGNORE NULLS) OVER (${total})`,
    `${r.pick(['first_value', 'last_value'])}(${r.pick(['aqi', 'concentration'])} IGNORE NULLS) OVER (${total} ${frame})`,
    `first_value(aqi) OVER (${total} ${frame})`, `last_value(concentration) OVER (${total} ${frame})`,
    `rank() OVER (PARTITION BY ${key} ORDER BY aqi DESC)`, `dense_rank() OVER (ORDER BY ${key})`,
    `percent_rank() OVER (PARTITION BY ${key} ORDER BY aqi)`, `cume_dist() OVER (ORDER BY ${key})`,
    `nth_value(${r.pick(['aqi', 'concentration', 'site_name'])}, ${r.pick(['1', '2', '0', 'aqi % 3'])}) OVER (${total} ${frame})`,
    `sum(${arg}) OVER (${total} ${frame})`, `avg(${arg}) OVER (PARTITION BY ${key})`,
    `min(concentration) OVER (PARTITION BY ${key} ORDER BY utc)`, `max(${arg}) OVER (${total} ${frame})`,
    `count(concentration) OVER (PARTITION BY ${key} ORDER BY aqi)`, `count(*) OVER (PARTITION BY ${key})`,
  ]);
}

// Windows, summarised per parameter (one row per input row would be too many to compare), over
// SO2 and CO rows only, so that the suites that append these statements keep their time.
function WindowStatement(r) {
  const where = ` WHERE parameter IN ('SO2', 'CO') AND ${Condition(r)}`;
  if (r.chance(0.3)) {
    const k = 1 + r.below(3);
    return `SELECT count(*) AS n, max(aqi) AS top FROM (SELECT aqi FROM measurements${where} ` +
        `QUALIFY rank() OVER (PARTITION BY ${r.pick(['utc', 'site_name', 'parameter'])} ORDER BY aqi DESC) <= ${k});`;
  }
  return `SELECT parameter, count(*) AS n, count(w) AS c, max(w) AS hi, min(w) AS lo FROM ` +
      `(SELECT parameter, ${WindowCall(r)} AS w FROM measurements${where}) GROUP BY parameter;`;
}

// CTEs, subqueries in FROM, scalar and IN subqueries.
function StagedStatement(r) {
  const key = KeyExpr(r);
  switch (r.below(4)) {
    case 0:
      return `WITH g AS (SELECT ${key} AS k, ${Aggregate(r)} AS a FROM measurements WHERE ` +
          `${Condition(r)} GROUP BY k) SELECT count(*) AS n, count(a) AS c, max(a) AS hi FROM g;`;
    case 1:
      return `SELECT count(*) AS n, max(concentration) AS hi FROM measurements WHERE aqi > ` +
          `(SELECT ${r.pick(['avg(aqi)', 'median(aqi)', 'max(aqi) - 50'])} FROM measurements WHERE ${Condition(r)});`;
    case 2:
      return `SELECT parameter, count(*) AS n FROM measurements WHERE site_name ` +
          `${r.chance(0.3) ? 'NOT ' : ''}IN (SELECT site_name FROM measurements WHERE ${Condition(r)}) GROUP BY parameter;`;
    default:
      return `SELECT k, count(*) AS n FROM (SELECT ${key} AS k, aqi FROM measurements WHERE ` +
          `${Condition(r)}) AS s WHERE aqi IS NOT NULL GROUP BY k;`;
  }
}

export function RandomStatements(seed, count) {
  const r = Rng(seed);
  const out = [];
  const kinds = [GroupStatement, DistinctStatement, TotalsStatement, WindowStatement, StagedStatement,
                 TypedStatement];
  for (let i = 0; i < count; ++i) {
    const sql = r.pick(kinds)(r);
    out.push({template: sql, sql, line: 0, random: true, ordered: false, keys: null, subset: false,
              error: null});
  }
  return out;
}
