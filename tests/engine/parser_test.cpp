// Parser and binder: every construct of the language, DuckDB's column names and types, and
// every error class with its position.
#include <gtest/gtest.h>

#include <limits>
#include <tuple>

#include "engine/plan_data.h"
#include "engine/query.h"

namespace plume::engine {
namespace {

struct Named {
  std::string name;
  Type type;
  bool operator==(const Named&) const = default;
};

std::vector<Named> Output(const std::string& sql) {
  std::vector<Named> out;
  const Plan plan = Plan::Parse(sql);
  for (const Field& f : plan.output()) out.push_back({f.name, f.type});
  return out;
}

// The SqlError of `sql` as "position: message".
std::string ErrorOf(const std::string& sql) {
  try {
    Plan::Parse(sql);
  } catch (const SqlError& e) {
    return std::to_string(e.position()) + ": " + e.what();
  }
  return "no error";
}

void ExpectError(const std::string& sql, std::size_t pos, const std::string& fragment) {
  const std::string got = ErrorOf(sql);
  EXPECT_EQ(got.substr(0, got.find(':')), std::to_string(pos)) << sql << " -> " << got;
  EXPECT_NE(got.find(fragment), std::string::npos) << sql << " -> " << got;
}

TEST(Parser, SelectStarNamesAndTypes) {
  const auto out = Output("SELECT * FROM measurements;");
  ASSERT_EQ(out.size(), 13u);
  EXPECT_EQ(out[0], (Named{"latitude", Type::kFloat64}));
  EXPECT_EQ(out[2], (Named{"utc", Type::kTimestamp}));
  EXPECT_EQ(out[3], (Named{"parameter", Type::kString}));
  EXPECT_EQ(out[7], (Named{"aqi", Type::kInt64}));
  EXPECT_EQ(out[12], (Named{"full_aqs_id", Type::kString}));
}

TEST(Parser, AggregateNamesFollowDuckDb) {
  EXPECT_EQ(Output("select COUNT(*), Count(Aqi), SUM(aqi), sum(concentration), AVG(aqi), "
                   "min(utc), MAX(site_name), count(measurements.aqi) from measurements"),
            (std::vector<Named>{{"count_star()", Type::kInt64},
                                {"count(Aqi)", Type::kInt64},
                                {"sum(aqi)", Type::kHugeint},
                                {"sum(concentration)", Type::kFloat64},
                                {"avg(aqi)", Type::kFloat64},
                                {"min(utc)", Type::kTimestamp},
                                {"max(site_name)", Type::kString},
                                {"count(measurements.aqi)", Type::kInt64}}));
  EXPECT_EQ(Output("SELECT min(\"Concentration\"), sum(\"measurements\".\"aqi\"), count(\"AQI\") "
                   "FROM measurements"),
            (std::vector<Named>{{"min(Concentration)", Type::kFloat64},
                                {"sum(measurements.aqi)", Type::kHugeint},
                                {"count(AQI)", Type::kInt64}}));
}

TEST(Parser, ColumnsAndAliases) {
  EXPECT_EQ(Output("SELECT AQI, \"Site_Name\", measurements.utc, aqi AS Level, unit u FROM "
                   "MEASUREMENTS"),
            (std::vector<Named>{{"aqi", Type::kInt64},
                                {"site_name", Type::kString},
                                {"utc", Type::kTimestamp},
                                {"Level", Type::kInt64},
                                {"u", Type::kString}}));
}

TEST(Parser, ClausesAndFlags) {
  const Plan p = Plan::Parse(
      "select parameter, count(*) n from measurements where aqi between 1 and 5 group by "
      "parameter order by n desc, parameter limit 7");
  EXPECT_TRUE(p.aggregate());
  EXPECT_TRUE(p.ordered());
  EXPECT_EQ(p.limit(), 7u);
  EXPECT_EQ(p.needed_columns(), (std::vector<std::string>{"parameter", "aqi"}));
  const Plan q = Plan::Parse("SELECT latitude FROM measurements");
  EXPECT_FALSE(q.aggregate());
  EXPECT_FALSE(q.ordered());
  EXPECT_FALSE(q.limit().has_value());
}

TEST(Parser, EveryPredicateForm) {
  for (const char* where : {"aqi = 5",
                            "aqi <> 5",
                            "aqi != 5",
                            "aqi < 5",
                            "aqi <= 5",
                            "aqi > 5",
                            "aqi >= 5",
                            "5 < aqi",
                            "aqi BETWEEN 1 AND 10",
                            "aqi NOT BETWEEN 1 AND 10",
                            "aqi IN (1, 2, 3)",
                            "aqi NOT IN (1, NULL)",
                            "site_name LIKE 'San%'",
                            "site_name NOT LIKE '_a%'",
                            "aqi IS NULL",
                            "aqi IS NOT NULL",
                            "NOT aqi > 5",
                            "NOT (aqi > 5 OR aqi < 2)",
                            "(aqi > 5 AND (parameter = 'OZONE' OR parameter = 'PM2.5'))",
                            "aqi = NULL",
                            "concentration > -1.5e2",
                            "concentration < 5",
                            "aqi > 4.5",
                            "aqi = '5'",
                            "concentration = '12.5'",
                            "latitude BETWEEN 32.5 AND 42 AND longitude BETWEEN -124.5 "
                            "AND -114",
                            "aqs_id IN ('060010001', 'MMCA81008')",
                            "agency = 'O''Brien'",
                            "utc >= '2020-09-12T13:00'",
                            "utc < '2020-09-12 13:00'",
                            "utc = '2020-09-12 13:00:00'",
                            "utc > '2020-09-12'",
                            "utc <= TIMESTAMP '2020-09-12 13:00'",
                            "-- comment\n aqi > 1"}) {
    EXPECT_NO_THROW(Plan::Parse(std::string("SELECT * FROM measurements WHERE ") + where))
        << where << ": " << ErrorOf(std::string("SELECT * FROM measurements WHERE ") + where);
  }
}

TEST(Parser, UtcBoundsForPruning) {
  const Plan p = Plan::Parse(
      "SELECT * FROM measurements WHERE utc >= '2020-09-12' AND utc < '2020-09-13' AND aqi > 3");
  EXPECT_EQ(p.utc_lo(), 1599868800);
  EXPECT_EQ(p.utc_hi(), 1599955199);
  const Plan q = Plan::Parse(
      "SELECT * FROM measurements WHERE utc = '2020-09-12 01:00' OR utc BETWEEN '2020-09-14' AND "
      "'2020-09-15'");
  EXPECT_EQ(q.utc_lo(), 1599872400);
  EXPECT_EQ(q.utc_hi(), 1600128000);
  const Plan r = Plan::Parse("SELECT * FROM measurements WHERE utc > '2020-09-12' OR aqi > 3");
  EXPECT_EQ(r.utc_lo(), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(r.utc_hi(), std::numeric_limits<std::int64_t>::max());
  const Plan s = Plan::Parse("SELECT * FROM measurements WHERE NOT (utc <= '2020-09-12')");
  EXPECT_EQ(s.utc_lo(), 1599868801);
  const Plan e = Plan::Parse(
      "SELECT * FROM measurements WHERE utc < '2020-09-12' AND "
      "utc > '2020-09-13'");
  EXPECT_GT(e.utc_lo(), e.utc_hi());
}

TEST(Parser, SerializeRoundTrip) {
  for (const char* sql :
       {"SELECT * FROM measurements",
        "SELECT parameter, avg(aqi) a FROM measurements WHERE "
        "site_name NOT LIKE 'x%' AND aqi IN (1,2) OR utc IS NULL GROUP BY parameter ORDER BY a "
        "DESC NULLS FIRST LIMIT 3",
        "SELECT latitude FROM measurements ORDER BY concentration",
        // 128-bit DECIMAL constants (100.5 as DECIMAL(38,19), its units beyond 64 bits)
        "SELECT count(*) FILTER (CAST(aqi AS DECIMAL(38,19)) > -100.5) FROM measurements"}) {
    const Plan p = Plan::Parse(sql);
    const std::string bytes = p.Serialize();
    const Plan q = Plan::Deserialize(bytes);
    EXPECT_EQ(q.Serialize(), bytes);
    EXPECT_EQ(q.sql(), sql);
    EXPECT_EQ(q.needed_columns(), p.needed_columns());
    EXPECT_EQ(q.utc_lo(), p.utc_lo());
    for (std::size_t n = 0; n < bytes.size(); ++n) {
      EXPECT_THROW(Plan::Deserialize(std::string_view(bytes).substr(0, n)), std::runtime_error);
    }
    std::string bad = bytes;
    bad[0] = 99;
    EXPECT_THROW(Plan::Deserialize(bad), std::runtime_error);
  }
}

TEST(ParserErrors, Syntax) {
  ExpectError("SELEC * FROM measurements", 1, "must start with SELECT");
  ExpectError("SELECT * measurements", 10, "expected FROM");
  ExpectError("SELECT * FROM measurements WHERE", 33, "expected a column or a literal");
  ExpectError("SELECT * FROM measurements WHERE aqi >", 39, "expected a column or a literal");
  ExpectError("SELECT * FROM measurements WHERE aqi 5", 38, "unexpected '5'");
  ExpectError("SELECT * FROM measurements WHERE (aqi > 5", 42, "expected ')'");
  ExpectError("SELECT * FROM measurements WHERE site_name = 'abc", 46, "unterminated string");
  ExpectError("SELECT * FROM measurements WHERE aqi > 5 `", 42, "unexpected character '`'");
  ExpectError("SELECT * FROM measurements; SELECT 1", 29, "only one statement");
  ExpectError("SELECT * FROM measurements m extra", 30, "unexpected");
  ExpectError("SELECT * FROM measurements m JOIN x", 30, "unsupported: JOIN");
  ExpectError("", 1, "must start with SELECT");
  ExpectError("SELECT medain(aqi) FROM measurements", 8, "did you mean 'median'");
  ExpectError("SELECT sum(*) FROM measurements", 12, "only count(*)");
  ExpectError("SELECT * FROM measurements WHERE aqi IN ()", 42, "expected a column or a literal");
  ExpectError("SELECT * FROM measurements ORDER aqi", 34, "expected BY");
  ExpectError("SELECT * FROM measurements WHERE aqi > 12abc", 40, "malformed number");
  std::string deep = std::string("SELECT * FROM measurements WHERE ") + std::string(300, '(') +
                     "aqi > 1" + std::string(300, ')');
  EXPECT_NE(ErrorOf(deep).find("nested too deeply"), std::string::npos);
}

TEST(ParserErrors, UnknownNames) {
  ExpectError("SELECT aqii FROM measurements", 8, "unknown column 'aqii'");
  ExpectError("SELECT * FROM measurements WHERE parameterx = 'a'", 34, "unknown column");
  ExpectError("SELECT * FROM readings", 15, "unknown table 'readings'");
  ExpectError("SELECT other.aqi FROM measurements", 8, "unknown table 'other'");
  ExpectError("SELECT sum(nope) FROM measurements", 12, "unknown column 'nope'");
  ExpectError("SELECT aqi FROM measurements ORDER BY nope", 39, "unknown column 'nope'");
  ExpectError("SELECT aqi FROM measurements GROUP BY aqi ORDER BY 3", 52, "position 3");
}

TEST(ParserErrors, TypeMismatches) {
  ExpectError("SELECT * FROM measurements WHERE parameter = 5", 46, "type mismatch");
  ExpectError("SELECT * FROM measurements WHERE utc > 5", 40, "type mismatch");
  ExpectError("SELECT * FROM measurements WHERE aqi = TIMESTAMP '2020-09-12'", 50, "type mismatch");
  ExpectError("SELECT * FROM measurements WHERE aqi LIKE '1%'", 38, "LIKE needs a VARCHAR");
  ExpectError("SELECT sum(parameter) FROM measurements", 8, "needs a numeric column");
  ExpectError("SELECT avg(utc) FROM measurements", 8, "needs a numeric column");
  ExpectError("SELECT * FROM measurements WHERE aqi > site_name", 40, "cannot compare BIGINT");
  ExpectError("SELECT * FROM measurements WHERE aqi + 1", 34, "needs a BOOLEAN");
}

TEST(ParserErrors, BadTimeLiterals) {
  ExpectError("SELECT * FROM measurements WHERE utc < '2020-13-12'", 40, "bad time literal");
  ExpectError("SELECT * FROM measurements WHERE utc < '2020-02-30'", 40, "bad time literal");
  ExpectError("SELECT * FROM measurements WHERE utc < '2020-09-12 25:00'", 40, "bad time");
  ExpectError("SELECT * FROM measurements WHERE utc < 'yesterday'", 40, "bad time literal");
  ExpectError("SELECT * FROM measurements WHERE utc IN ('2020-09-12', 'x')", 56, "bad time");
}

TEST(ParserErrors, NumbersOutOfRange) {
  ExpectError("SELECT * FROM measurements LIMIT 99999999999999999999", 34, "out of range");
  // DuckDB's UHUGEINT (2^127 .. 2^128-1); beyond it a DOUBLE (golden/literals.test)
  ExpectError("SELECT 170141183460469231731687303715884105728", 8, "UHUGEINT");
  ExpectError("SELECT 1 + 340282366920938463463374607431768211455", 12, "UHUGEINT");
}

// A string that does not read as the number it is compared with is DuckDB's conversion error
// on the rows that reach it, not an error of the statement: these bind (golden/literals.test
// runs them: an error with rows, none without).
TEST(ParserErrors, StringsThatDoNotConvertFailOnTheirRows) {
  for (const char* sql :
       {"SELECT * FROM measurements WHERE aqi > 'x'",
        "SELECT * FROM measurements WHERE aqi = '1e30'",
        "SELECT * FROM measurements WHERE concentration = 'x'",
        "SELECT * FROM measurements WHERE aqi IN ('0x10', 34.0000000000000000001)",
        "SELECT * FROM measurements WHERE aqi BETWEEN '0x10' AND 34.5",
        "SELECT * FROM measurements WHERE aqi IN ('x', 1e0)"}) {
    EXPECT_EQ(ErrorOf(sql), "no error") << sql;
  }
}

TEST(ParserErrors, Limits) {
  ExpectError("SELECT * FROM measurements LIMIT -1", 34, "must not be negative");
  ExpectError("SELECT * FROM measurements LIMIT x", 34, "unknown column 'x'");
  ExpectError("SELECT * FROM measurements LIMIT 'x'", 34, "Could not convert string 'x'");
}

TEST(ParserErrors, AggregateMisuse) {
  ExpectError("SELECT aqi, count(*) FROM measurements", 8, "must appear in the GROUP BY");
  ExpectError("SELECT count(*) FROM measurements ORDER BY aqi", 44, "must appear in the GROUP BY");
  ExpectError("SELECT * FROM measurements GROUP BY aqi", 8, "'latitude' must appear");
  ExpectError("select   * from measurements order by count(*)", 10, "must appear in the GROUP BY");
  ExpectError("SELECT aqi FROM measurements GROUP BY count(*)", 39, "not allowed in GROUP BY");
  ExpectError("SELECT aqi FROM measurements GROUP BY aqi HAVING site_name = 'x'", 50,
              "'site_name' must appear in the GROUP BY");
  ExpectError("SELECT aqi FROM measurements WHERE count(*) > 1", 36, "not allowed in WHERE");
}

// Aggregates the aggregation layer has no state for yet are errors that name the function;
// once it has them (AggregateSupported) they bind.
TEST(ParserErrors, UnsupportedAggregatesNameTheFunction) {
  const std::pair<AggFn, const char*> calls[] = {
      {AggFn::kMedian, "median(aqi)"},          {AggFn::kQuantileCont, "quantile_cont(aqi, 0.9)"},
      {AggFn::kStddevSamp, "stddev_samp(aqi)"}, {AggFn::kArgMax, "arg_max(site_name, aqi)"},
      {AggFn::kBoolOr, "bool_or(aqi > 100)"},
  };
  for (const auto& [fn, call] : calls) {
    const std::string sql = std::string("SELECT ") + call + " FROM measurements";
    if (AggregateSupported(fn, false)) {
      EXPECT_NO_THROW(Plan::Parse(sql)) << sql;
    } else {
      ExpectError(sql, 8, "unsupported aggregate '" + std::string(AggregateName(fn)) + "'");
    }
  }
}

// Unknown names get a suggestion; the position is the first place the name is written; a
// double-quoted string gets the single-quote hint (issue 13 item 4).
TEST(ParserErrors, SuggestionsAndPositions) {
  ExpectError("SELECT site_nme FROM measurements", 8, "(did you mean 'site_name'?)");
  ExpectError("SELECT * FROM measurement", 15, "(did you mean 'measurements'?)");
  ExpectError("SELECT uper(site_name) FROM measurements", 8, "(did you mean 'upper'?)");
  ExpectError("SELECT count(*) FROM measurements WHERE parameter = \"PM2.5\"", 53,
              "use single quotes for a string literal");
  // The select list comes first in the text, though WHERE is bound first.
  ExpectError("SELECT nope1 FROM measurements WHERE nope2 > 1", 8, "unknown column 'nope1'");
  ExpectError("SELECT aqi FROM measurements m WHERE x.aqi > 1", 38, "unknown table 'x'");
  ExpectError("SELECT * FROM measurements LIMIT 5 WHERE aqi > 1", 36, "out of order");
  // Subqueries parse as statements of their own (engine/staged.h).
  ExpectError("SELECT aqi FROM measurements WHERE aqi IN (SELECT 1 FROM)", 57,
              "expected a table name");
  ExpectError("SELECT aqi FROM measurements WHERE aqi IN (SELECT 1)", 0, "runs in 2 stages");
  // Windows are stages too (engine/staged.h); Plan::Parse says so.
  ExpectError("SELECT max(aqi) OVER () FROM measurements", 0, "runs in 2 stages");
  // Named windows (WINDOW clause): DuckDB's rules and messages, positioned at the name.
  ExpectError("SELECT max(aqi) OVER w FROM measurements", 22, "window \"w\" does not exist");
  ExpectError("SELECT max(aqi) OVER w FROM measurements WINDOW v AS (ORDER BY utc)", 22,
              "window \"w\" does not exist");
  ExpectError("SELECT 1 FROM measurements WINDOW w AS (), W AS (ORDER BY utc)", 44,
              "window \"w\" is already defined");
  ExpectError("SELECT max(aqi) OVER (w ORDER BY aqi) FROM measurements WINDOW w AS (ORDER BY utc)",
              23, "Cannot override ORDER BY clause of window \"w\"");
  ExpectError(
      "SELECT max(aqi) OVER (w PARTITION BY aqi) FROM measurements WINDOW w AS (PARTITION BY utc)",
      23, "Cannot override PARTITION BY clause of window \"w\"");
  ExpectError("SELECT max(aqi) OVER (w) FROM measurements WINDOW w AS (ROWS 1 PRECEDING)", 23,
              "cannot copy window \"w\" because it has a frame clause");
  ExpectError("SELECT max(aqi) OVER (v) FROM measurements WINDOW w AS (ORDER BY utc), v AS (w)", 23,
              "unsupported: building on window \"v\", which builds on another named window");
  ExpectError("SELECT 1 FROM measurements WINDOW w AS (ORDER BY utc), v AS (x)", 62,
              "window \"x\" does not exist");
  ExpectError("SELECT max(aqi) OVER w FROM measurements ORDER BY 1 WINDOW w AS ()", 53,
              "the WINDOW clause is out of order");
  ExpectError("SELECT max(aqi) OVER 1 FROM measurements", 22,
              "expected '(' or a window name after OVER");
  // Frames that cannot frame anything are DuckDB's errors; EXCLUDE takes four forms.
  ExpectError("SELECT max(aqi) OVER (ROWS BETWEEN CURRENT ROW AND 1 PRECEDING) FROM measurements",
              28, "frame starting from current row cannot have preceding rows");
  ExpectError("SELECT max(aqi) OVER (ROWS 1 FOLLOWING) FROM measurements", 28,
              "frame starting from following row cannot end with current row");
  ExpectError("SELECT max(aqi) OVER (GROUPS UNBOUNDED FOLLOWING) FROM measurements", 30,
              "frame start cannot be UNBOUNDED FOLLOWING");
  ExpectError("SELECT max(aqi) OVER (ROWS 1 PRECEDING EXCLUDE OTHERS) FROM measurements", 48,
              "expected CURRENT ROW, GROUP, TIES or NO OTHERS after EXCLUDE");
  ExpectError("SELECT lag(aqi IGNORE NULLS) FROM measurements", 16,
              "RESPECT/IGNORE NULLS is not supported for non-window functions");
  // A subquery's named windows are its own.
  ExpectError("SELECT (SELECT max(aqi) OVER w FROM measurements) FROM measurements WINDOW w AS ()",
              30, "window \"w\" does not exist");
}

// "Did you mean" for functions wherever they are called, and for misspelt keywords: the word
// at the error, or the word before it that the misspelling made an alias (issue 13 item 4).
TEST(ParserErrors, FunctionAndKeywordSuggestions) {
  // The function's name is checked before its arguments: not "'*' is only allowed in count(*)".
  ExpectError("SELECT coutn(*) FROM measurements", 8,
              "unknown function 'coutn' (did you mean 'count'?)");
  ExpectError("SELECT cont(*) FROM measurements", 8, "(did you mean 'count'?)");
  ExpectError("SELECT rnk() OVER (ORDER BY aqi) FROM measurements", 8,
              "unknown window function 'rnk' (did you mean 'rank'?)");
  ExpectError("SELECT count(*) FROM measurements WHERE parameter = \"OZONE\"", 53,
              "(double quotes make a column name: use single quotes for a string literal, "
              "'OZONE')");
  ExpectError("SELEC 1", 1, "found 'SELEC' (did you mean 'SELECT'?)");
  ExpectError("WTIH t AS (SELECT aqi FROM measurements) SELECT * FROM t", 1,
              "(did you mean 'WITH'?)");
  ExpectError("select * frm measurements", 10, "found 'frm' (did you mean 'FROM'?)");
  ExpectError("SELECT aqi FROM measurements ORDER BY aqi DSC LIMIT 1", 43,
              "(did you mean 'DESC'?)");
  ExpectError("SELECT count(*) FROM measurements WHER aqi > 1", 40,
              "(did you mean 'WHERE' instead of 'WHER'?)");
  ExpectError("SELECT aqi FROM measurements GRUP BY aqi", 35,
              "(did you mean 'GROUP' instead of 'GRUP'?)");
  ExpectError("SELECT 1 AS a FROM measurements LIMT 1", 38,
              "(did you mean 'LIMIT' instead of 'LIMT'?)");
  // No keyword near: no suggestion (a name of one or two letters is never taken for one).
  EXPECT_EQ(ErrorOf("SELECT aqi FROM measurements m x").find("did you mean"), std::string::npos);
  EXPECT_EQ(ErrorOf("SELECT aqi FROM measurements mm + 1").find("did you mean"), std::string::npos);
}

// A double-quoted identifier is one name, dots and doubled quotes included (issue 10); names
// quoted or not are case-insensitive, and keywords may be quoted (as DuckDB).
TEST(ParserErrors, QuotedIdentifiersAreOneName) {
  ExpectError("SELECT count(*) FROM measurements WHERE parameter = \"PM2.5\"", 53,
              "unknown column \"PM2.5\" in table measurements (double quotes make a column "
              "name: use single quotes for a string literal, 'PM2.5')");
  ExpectError(
      "SELECT 1 FROM measurements WHERE site_name = \"it's \"\"x\"\"\"", 46,
      "unknown column \"it's \"\"x\"\"\" in table measurements (double quotes make a column "
      "name: use single quotes for a string literal, 'it''s \"x\"')");
  ExpectError("SELECT m.\"PM2.5\" FROM measurements m", 8, "unknown column \"PM2.5\"");
  ExpectError("SELECT \"aqii\" FROM measurements", 8,
              "unknown column \"aqii\" in table measurements (did you mean 'aqi'?)");
  EXPECT_EQ(
      Output("SELECT \"AQI\", \"Site_Name\", m.\"utc\" AS \"select\" FROM \"Measurements\" "
             "AS \"m\" WHERE \"m\".\"aqi\" > 0 LIMIT 1"),
      (std::vector<Named>{
          {"aqi", Type::kInt64}, {"site_name", Type::kString}, {"select", Type::kTimestamp}}));
  EXPECT_EQ(Output("SELECT \"measurements\".aqi FROM measurements")[0],
            (Named{"aqi", Type::kInt64}));
  EXPECT_EQ(Output("SELECT \"AQI\" AS \"a.b\" FROM measurements")[0], (Named{"a.b", Type::kInt64}));
  EXPECT_EQ(Output("SELECT aqi AS \"x\"\"y\" FROM measurements")[0], (Named{"x\"y", Type::kInt64}));
}

// SELECT without FROM (issue 10): one row of constants, with DuckDB's names.
TEST(Parser, SelectWithoutFrom) {
  EXPECT_EQ(Output("SELECT 1 + 1"), (std::vector<Named>{{"(1 + 1)", Type::kInt32}}));
  EXPECT_EQ(Output("select 'a' || 'b' AS s, 2.5 > 1 WHERE true ORDER BY 1 LIMIT 3 OFFSET 0;"),
            (std::vector<Named>{{"s", Type::kString}, {"(2.5 > 1)", Type::kBool}}));
  ExpectError("SELECT aqi", 8, "unknown column 'aqi': a SELECT without FROM has no columns");
  ExpectError("SELECT *", 8, "SELECT * needs a FROM clause");
  ExpectError("SELECT count(*)", 8, "unsupported: aggregates in a SELECT without FROM");
  ExpectError("SELECT 1 GROUP BY 1", 10, "unsupported: GROUP BY in a SELECT without FROM");
  ExpectError("SELECT 1 HAVING true", 17, "unsupported: HAVING in a SELECT without FROM");
  ExpectError("SELECT 1 WHERE aqi > 1", 16, "a SELECT without FROM has no columns");
  ExpectError("SELECT row_number() OVER ()", 8, "window functions in a SELECT without FROM");
  ExpectError("SELECT 1 2", 10, "expected FROM after the select list, found '2'");
}

// INTEGER (issue 10): the result types of a SELECT as DuckDB's, where typeof() (golden/
// integer.test) cannot show them against DuckDB; sum of an INTEGER is HUGEINT, as DuckDB's.
TEST(Parser, IntegerResultTypes) {
  EXPECT_EQ(Output("SELECT 1, 2147483648, -5, 1 + 1, aqi + 1, 7 // 2, 1::INT4, aqi::INT * 2 "
                   "FROM measurements"),
            (std::vector<Named>{{"1", Type::kInt32},
                                {"2147483648", Type::kInt64},
                                {"-5", Type::kInt32},
                                {"(1 + 1)", Type::kInt32},
                                {"(aqi + 1)", Type::kInt64},
                                {"(7 // 2)", Type::kInt32},
                                {"CAST(1 AS INTEGER)", Type::kInt32},
                                {"(CAST(aqi AS INTEGER) * 2)", Type::kInt32}}));
  EXPECT_EQ(Output("SELECT sum(aqi::INT), sum(1), min(1), avg(1), count(1) FROM measurements"),
            (std::vector<Named>{{"sum(CAST(aqi AS INTEGER))", Type::kHugeint},
                                {"sum(1)", Type::kHugeint},
                                {"min(1)", Type::kInt32},
                                {"avg(1)", Type::kFloat64},
                                {"count(1)", Type::kInt64}}));
  EXPECT_EQ(Output("SELECT CASE WHEN aqi > 1 THEN 1 ELSE 0 END AS c, coalesce(aqi, 0) AS d "
                   "FROM measurements")[0],
            (Named{"c", Type::kInt32}));
}

// SMALLINT, TINYINT and the unsigned types (issue 10): the result types golden/small_int.test's
// typeof() shows against DuckDB, and sum, which is BIGINT here (DuckDB: HUGEINT).
TEST(Parser, SmallIntegerResultTypes) {
  EXPECT_EQ(
      Output("SELECT 1::TINYINT, 1::INT2, 1::UTINYINT, 1::USMALLINT, 1::UINTEGER, "
             "1::TINYINT + 1, 1::UTINYINT + 1::TINYINT, aqi::SMALLINT * 2 FROM measurements"),
      (std::vector<Named>{{"CAST(1 AS \"TINYINT\")", Type::kInt8},
                          {"CAST(1 AS SMALLINT)", Type::kInt16},
                          {"CAST(1 AS \"UTINYINT\")", Type::kUInt8},
                          {"CAST(1 AS \"USMALLINT\")", Type::kUInt16},
                          {"CAST(1 AS \"UINTEGER\")", Type::kUInt32},
                          {"(CAST(1 AS \"TINYINT\") + 1)", Type::kInt8},
                          {"(CAST(1 AS \"UTINYINT\") + CAST(1 AS \"TINYINT\"))", Type::kInt64},
                          {"(CAST(aqi AS SMALLINT) * 2)", Type::kInt16}}));
  EXPECT_EQ(Output("SELECT sum(aqi::TINYINT), sum(aqi::UINTEGER), min(aqi::USMALLINT), "
                   "avg(aqi::SMALLINT) FROM measurements"),
            (std::vector<Named>{{"sum(CAST(aqi AS \"TINYINT\"))", Type::kHugeint},
                                {"sum(CAST(aqi AS \"UINTEGER\"))", Type::kHugeint},
                                {"min(CAST(aqi AS \"USMALLINT\"))", Type::kUInt16},
                                {"avg(CAST(aqi AS SMALLINT))", Type::kFloat64}}));
  EXPECT_EQ(Output("SELECT coalesce(aqi::UTINYINT, category::TINYINT) AS c FROM measurements")[0],
            (Named{"c", Type::kInt16}));
  ExpectError("SELECT CAST(utc AS TINYINT) FROM measurements", 8, "cannot cast");
}

// DuckDB constructs plume lacks are errors that name them (issue 10), at the construct.
TEST(ParserErrors, UnsupportedConstructsAreNamed) {
  const std::tuple<const char*, std::size_t, const char*> cases[] = {
      {"SELECT * FROM measurements a JOIN measurements b ON a.aqi = b.aqi", 30, "JOIN"},
      {"SELECT * FROM measurements m LEFT JOIN measurements n USING (aqi)", 30, "JOIN"},
      {"SELECT * FROM measurements CROSS JOIN measurements", 28, "JOIN"},
      {"SELECT * FROM measurements ASOF JOIN measurements USING (utc)", 28, "JOIN"},
      {"SELECT count(*) FROM measurements m1, measurements m2", 37, "more than one table"},
      {"SELECT * FROM measurements, LATERAL (SELECT 1)", 27, "LATERAL"},
      {"SELECT 1 UNION SELECT 2", 10, "UNION (set operations)"},
      {"SELECT aqi FROM measurements UNION ALL SELECT aqi FROM measurements", 30, "UNION"},
      {"SELECT aqi FROM measurements EXCEPT SELECT aqi FROM measurements", 30, "EXCEPT"},
      {"SELECT aqi FROM measurements INTERSECT SELECT 1", 30, "INTERSECT"},
      {"PIVOT measurements ON parameter USING avg(aqi)", 1, "PIVOT"},
      {"SELECT * FROM measurements PIVOT (avg(aqi) FOR parameter IN ('PM2.5'))", 28, "PIVOT"},
      {"SELECT [1, 2, 3]", 8, "lists, arrays"},
      {"SELECT ARRAY[1, 2]", 13, "lists, arrays"},
      {"SELECT aqi::INTEGER[] FROM measurements", 20, "lists, arrays"},
      {"SELECT {'a': 1}", 8, "STRUCT and MAP literals"},
      {"SELECT struct_pack(a := 1)", 22, "named arguments (':=')"},
      {"SELECT row(1, 2)", 8, "ROW(...) (STRUCT and MAP values)"},
      {"SELECT list_transform(l, x -> x + 1) FROM measurements", 28, "lambda functions"},
      {"SELECT aqi FROM measurements WHERE EXISTS (SELECT 1)", 36, "EXISTS"},
      {"SELECT aqi > ANY (SELECT aqi FROM measurements) FROM measurements", 14, "ANY (subquery)"},
      {"SELECT * EXCLUDE (aqi) FROM measurements", 10, "* EXCLUDE"},
      {"SELECT * REPLACE (aqi + 1 AS aqi) FROM measurements", 10, "* REPLACE"},
      {"SELECT COLUMNS('a.*') FROM measurements", 8, "COLUMNS(...)"},
      {"SELECT aqi FROM measurements TABLESAMPLE 10%", 30, "TABLESAMPLE"},
      {"SELECT aqi FROM measurements USING SAMPLE 10", 30, "USING SAMPLE"},
      {"FROM measurements LIMIT 1", 1, "FROM-first statements"},
      {"INSERT INTO measurements VALUES (1)", 1, "INSERT (plume answers SELECT"},
      {"VALUES (1, 2)", 1, "VALUES lists"},
      {"(SELECT 1)", 1, "a parenthesized statement"},
      {"SELECT aqi FROM measurements GROUP BY ROLLUP (aqi)", 39, "ROLLUP"},
      {"SELECT aqi FROM measurements GROUP BY GROUPING SETS ((aqi))", 39, "GROUPING SETS"},
      {"SELECT aqi FROM measurements ORDER BY ALL", 39, "ORDER BY ALL"},
      {"SELECT aqi FROM read_csv('x.csv')", 17, "table functions (read_csv(...))"},
      {"SELECT * FROM generate_series(1, 3)", 15, "table functions"},
      {"SELECT $1", 8, "prepared-statement parameters"},
      {"SELECT ?", 8, "prepared-statement parameters"},
      {"SELECT aqi FROM measurements LIMIT 10%", 36, "LIMIT with a percentage"},
      {"SELECT aqi COLLATE nocase FROM measurements", 12, "COLLATE"},
      {"SELECT 'a' SIMILAR TO 'b'", 12, "SIMILAR TO"},
      {"SELECT 'a' GLOB 'b'", 12, "GLOB"},
      {"SELECT aqi FROM measurements FETCH FIRST 5 ROWS ONLY", 30, "FETCH FIRST"},
      {"SELECT #1 FROM measurements", 8, "positional column references"},
      {"SELECT e'abc'", 9, "escape and blob string literals"},
      {"SELECT 2 ^ 3", 10, "unsupported operator '^' (write power(x, y))"},
      {"SELECT 1 FROM measurements WHERE site_name ~ 'a'", 44, "unsupported operator '~'"},
      {"SELECT DISTINCT ON (aqi) aqi FROM measurements", 17, "DISTINCT ON"},
      {"SELECT aqi FROM measurements ORDER BY aqi USING <", 43, "ORDER BY ... USING"},
      {"SELECT aqi FROM measurements m(a, b)", 31, "column aliases after a table alias"},
  };
  for (const auto& [sql, pos, what] : cases) ExpectError(sql, pos, "unsupported");
  for (const auto& [sql, pos, what] : cases) ExpectError(sql, pos, what);
  // What the issue found rejected works: a table alias, GROUP BY ALL, keywords as aliases.
  EXPECT_EQ(
      Output("SELECT m.site_name, min(utc) AS first, max(m.utc) last FROM measurements m "
             "GROUP BY ALL"),
      (std::vector<Named>{
          {"site_name", Type::kString}, {"first", Type::kTimestamp}, {"last", Type::kTimestamp}}));
}

}  // namespace
}  // namespace plume::engine
