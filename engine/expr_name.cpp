// DuckDB's names for result columns that are expressions: the text DuckDB's ToString gives the
// parsed expression (checked against DuckDB 1.5 for each shape; docs/SQL.md lists them).
#include <algorithm>
#include <cmath>
#include <string>

#include "engine/scalar_cast.h"
#include "engine/sql_ast.h"
#include "engine/table.h"
#include "engine/value_format.h"

namespace plume::engine {
namespace {

// Concatenation that GCC 12 does not misreport (-Wrestrict on "(" + std::string).
std::string Cat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view p : parts) out.append(p);
  return out;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    out.push_back(c);
    if (c == '\'') out.push_back('\'');
  }
  return out + "'";
}

// DuckDB names a number literal by its value: 00012 is 12, 0012.50 is 12.50, 5. is 5, -0 is 0,
// -0.00 is 0.00 (a DECIMAL has no negative zero).
std::string NumberName(const std::string& text, bool decimal) {
  const bool minus = !text.empty() && text[0] == '-';
  std::string digits = text.substr(minus ? 1 : 0);
  const std::size_t point = decimal ? digits.find('.') : std::string::npos;
  std::string whole = digits.substr(0, point);
  std::string fraction = point == std::string::npos ? "" : digits.substr(point + 1);
  const std::size_t first = whole.find_first_not_of('0');
  whole = first == std::string::npos ? (whole.empty() ? "" : "0") : whole.substr(first);
  std::string out = whole + (fraction.empty() ? "" : "." + fraction);
  if (out.empty()) out = "0";
  const bool zero = out.find_first_not_of("0.") == std::string::npos;
  return (minus && !zero ? "-" : "") + out;
}

// A DOUBLE constant's name, as DuckDB's: its text (1.5e10 is 15000000000.0), and infinity 1e1000
// (the SQL text that reads back as it).
std::string DoubleName(double d) {
  if (std::isinf(d)) return d > 0 ? "1e1000" : "-1e1000";
  std::string out;
  AppendDouble(out, d);
  return out;
}

std::string LiteralName(const LiteralAst& l) {
  switch (l.kind) {
    case LiteralAst::Kind::kNull:
      return "NULL";
    case LiteralAst::Kind::kInteger: {  // beyond HUGEINT a DOUBLE, named by its value
      double d = 0;
      return IntegerLiteralIsDouble(l.text, &d) ? DoubleName(d) : NumberName(l.text, false);
    }
    case LiteralAst::Kind::kDecimal: {  // beyond 38 digits a DOUBLE, named by its value
      const auto digits =
          std::count_if(l.text.begin(), l.text.end(), [](char c) { return c >= '0' && c <= '9'; });
      double d = 0;
      if (digits <= kMaxDecimalWidth || !StringToDouble(l.text, &d))
        return NumberName(l.text, true);
      return DoubleName(d);
    }
    case LiteralAst::Kind::kBool:  // DuckDB: CAST('t' AS BOOLEAN)
      return l.text == "true" ? "CAST('t' AS BOOLEAN)" : "CAST('f' AS BOOLEAN)";
    case LiteralAst::Kind::kString:
      return Quote(l.text);
    case LiteralAst::Kind::kTimestamp:
      return "CAST(" + Quote(l.text) + " AS TIMESTAMP)";
    case LiteralAst::Kind::kDate:
      return "CAST(" + Quote(l.text) + " AS \"DATE\")";
    case LiteralAst::Kind::kDouble: {  // DuckDB names it by its value: 1e-400 is 0.0
      double d = 0;
      return StringToDouble(l.text, &d) ? DoubleName(d) : l.text;
    }
    default:
      return l.text;
  }
}

}  // namespace

std::int64_t IntervalUnitSeconds(std::string unit) {
  if (unit.size() > 1 && unit.back() == 's') unit.pop_back();
  return unit == "second"   ? 1
         : unit == "minute" ? 60
         : unit == "hour"   ? 3600
         : unit == "day"    ? 86400
         : unit == "week"   ? 7 * 86400
                            : 0;
}

bool IsIntegerTypeName(const std::string& type) {
  return type == "integer" || type == "int" || type == "int4" || type == "int32" ||
         type == "signed";
}

Type SmallIntegerType(const std::string& type) {
  if (type == "tinyint" || type == "int1") return Type::kInt8;
  if (type == "smallint" || type == "int2" || type == "short") return Type::kInt16;
  if (type == "utinyint" || type == "uint8") return Type::kUInt8;
  if (type == "usmallint" || type == "uint16") return Type::kUInt16;
  if (type == "uinteger" || type == "uint32") return Type::kUInt32;
  return Type::kInt64;
}

namespace {

// DuckDB's spelling of a cast target in names.
std::string CastTypeName(const std::string& type) {
  const std::string base = type.substr(0, type.find('('));
  if (base == "decimal" || base == "numeric" || base == "dec") {  // DECIMAL(38, 20), as written
    std::string out = "DECIMAL";
    for (char c : type.substr(base.size())) {
      if (c != ' ') out += c == ',' ? std::string(", ") : std::string(1, c);
    }
    return out;
  }
  if (type == "double" || type == "float8" || type == "float" || type == "real" ||
      type == "float4") {
    return "\"DOUBLE\"";
  }
  if (type == "varchar" || type == "text" || type == "string" || type == "char") return "VARCHAR";
  if (type == "date") return "\"DATE\"";
  if (type == "bool" || type == "boolean") return "BOOLEAN";
  if (type == "timestamp" || type == "datetime") return "TIMESTAMP";
  if (IsIntegerTypeName(type)) return "INTEGER";
  if (type == "hugeint" || type == "int128") return "\"HUGEINT\"";
  if (type == "ubigint" || type == "uint64") return "\"UBIGINT\"";
  const Type small = SmallIntegerType(type);  // DuckDB quotes all but SMALLINT
  if (small == Type::kInt16) return "SMALLINT";
  if (small != Type::kInt64) return "\"" + std::string(TypeName(small)) + "\"";
  return "BIGINT";
}

std::string Args(const std::vector<ExprAst>& args, std::size_t from) {
  std::string out;
  for (std::size_t i = from; i < args.size(); ++i) {
    if (i > from) out += ", ";
    out += ExprName(args[i]);
  }
  return out;
}

std::string OpName(const ExprAst& e) {
  const std::string& op = e.op;
  if (op == "neg") return "-(" + ExprName(e.args[0]) + ")";
  if (op == "pos") return "+(" + ExprName(e.args[0]) + ")";
  if (op == "not") return "(NOT " + ExprName(e.args[0]) + ")";
  std::string symbol = op == "and"               ? "AND"
                       : op == "or"              ? "OR"
                       : op == "<>"              ? "!="
                       : op == "is distinct"     ? "IS DISTINCT FROM"
                       : op == "is not distinct" ? "IS NOT DISTINCT FROM"
                                                 : op;
  return Cat({"(", ExprName(e.args[0]), " ", symbol, " ", ExprName(e.args[1]), ")"});
}

std::string FunctionName(const ExprAst& e) {
  if (e.op == "count" && e.args.size() == 1 && e.args[0].kind == ExprAst::Kind::kStar) {
    if (!e.filter.empty()) return "count_star() FILTER (WHERE " + ExprName(e.filter[0]) + ")";
    return "count_star()";
  }
  std::string name = e.op;
  if (name == "substring" || name == "trim") name = Cat({"main.\"", name, "\""});
  if (name == "nullif" || name == "replace") name = Cat({"\"", name, "\""});
  if (e.from_extract) name = "main." + name;
  if (name == "coalesce") name = "COALESCE";
  std::string out = name + "(" + (e.distinct ? "DISTINCT " : "") + Args(e.args, 0) + ")";
  if (!e.filter.empty()) out += " FILTER (WHERE " + ExprName(e.filter[0]) + ")";
  return out;
}

std::string CaseName(const ExprAst& e) {
  std::string out = "CASE ";
  const std::size_t first = e.has_operand ? 1 : 0;
  const std::size_t end = e.args.size() - (e.has_else ? 1 : 0);
  for (std::size_t k = first; k + 1 < end + 1 && k < end; k += 2) {
    std::string cond = ExprName(e.args[k]);
    if (e.has_operand) cond = Cat({"(", ExprName(e.args[0]), " = ", cond, ")"});
    out += Cat({" WHEN (", cond, ") THEN (", ExprName(e.args[k + 1]), ")"});
  }
  return out + " ELSE " + (e.has_else ? ExprName(e.args.back()) : "NULL") + " END";
}

}  // namespace

std::string ExprName(const ExprAst& e) {
  switch (e.kind) {
    case ExprAst::Kind::kColumn:
      return e.column.written;
    case ExprAst::Kind::kLiteral:
      return LiteralName(e.literal);
    case ExprAst::Kind::kStar:
      return "*";
    case ExprAst::Kind::kOp:
      return OpName(e);
    case ExprAst::Kind::kFunction:
      return FunctionName(e);
    case ExprAst::Kind::kCase:
      return CaseName(e);
    case ExprAst::Kind::kCast:
      return Cat({"CAST(", ExprName(e.args[0]), " AS ", CastTypeName(e.op), ")"});
    case ExprAst::Kind::kBetween:
      return Cat({"(", ExprName(e.args[0]), e.negated ? " NOT BETWEEN " : " BETWEEN ",
                  ExprName(e.args[1]), " AND ", ExprName(e.args[2]), ")"});
    case ExprAst::Kind::kSubquery:
      return Cat({"(", e.op, ")"});
    case ExprAst::Kind::kIn:
      if (!e.op.empty()) return e.op;  // an IN (subquery) whose values were substituted
      if (e.args.size() == 2 && e.args[1].kind == ExprAst::Kind::kSubquery) {
        return Cat({e.negated ? "(NOT (" : "(", ExprName(e.args[0]), " = ANY(", e.args[1].op,
                    e.negated ? ")))" : "))"});
      }
      return Cat(
          {"(", ExprName(e.args[0]), e.negated ? " NOT IN (" : " IN (", Args(e.args, 1), "))"});
    case ExprAst::Kind::kLike:
      return Cat({"(", ExprName(e.args[0]), e.negated ? " !~~" : " ~~", e.ilike ? "* " : " ",
                  ExprName(e.args[1]), ")"});
    case ExprAst::Kind::kIsNull:
      return Cat({"(", ExprName(e.args[0]), e.negated ? " IS NOT NULL)" : " IS NULL)"});
    case ExprAst::Kind::kInterval: {
      const std::string unit = e.op.back() == 's' ? e.op : e.op + "s";
      const bool small = unit == "days" || unit == "weeks" || unit == "months" || unit == "years";
      return Cat({"to_", unit, "(CAST(trunc(CAST(", ExprName(e.args[0]), " AS DOUBLE)) AS ",
                  small ? "INTEGER" : "BIGINT", "))"});
    }
  }
  return Upper(e.op);
}

}  // namespace plume::engine
