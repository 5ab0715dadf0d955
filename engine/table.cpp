#include "engine/table.h"

#include <algorithm>
#include <stdexcept>

#include "engine/schema.h"

namespace plume::engine {

namespace {

// "DECIMAL(w,s)" for every width and scale, made once.
const std::vector<std::string>& DecimalNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v(static_cast<std::size_t>(kMaxDecimalWidth + 1) * 64);
    for (int w = 1; w <= kMaxDecimalWidth; ++w) {
      for (int s = 0; s <= w; ++s) {
        v[static_cast<std::size_t>(w) * 64 + static_cast<std::size_t>(s)] =
            "DECIMAL(" + std::to_string(w) + "," + std::to_string(s) + ")";
      }
    }
    return v;
  }();
  return names;
}

}  // namespace

bool IsTypeCode(std::uint64_t code) {
  if (code <= static_cast<std::uint64_t>(kLastType)) return true;
  if (code < kDecimalBase || code >= kDecimalBase + 64 * (kMaxDecimalWidth + 1)) return false;
  const Type t = static_cast<Type>(code);
  return DecimalWidth(t) >= 1 && DecimalScale(t) <= DecimalWidth(t);
}

std::string_view TypeName(Type type) {
  if (IsDecimal(type)) {
    return DecimalNames()[static_cast<std::size_t>(DecimalWidth(type)) * 64 +
                          static_cast<std::size_t>(DecimalScale(type))];
  }
  switch (type) {
    case Type::kBool:
      return "BOOLEAN";
    case Type::kInt64:
      return "BIGINT";
    case Type::kInt32:
      return "INTEGER";
    case Type::kInt16:
      return "SMALLINT";
    case Type::kInt8:
      return "TINYINT";
    case Type::kUInt8:
      return "UTINYINT";
    case Type::kUInt16:
      return "USMALLINT";
    case Type::kUInt32:
      return "UINTEGER";
    case Type::kFloat64:
      return "DOUBLE";
    case Type::kTimestamp:
      return "TIMESTAMP";
    case Type::kString:
      return "VARCHAR";
    case Type::kDate:
      return "DATE";
    case Type::kHugeint:
      return "HUGEINT";
    case Type::kUbigint:
      return "UBIGINT";
  }
  return "?";
}

std::string_view PhysicalName(Type type) {
  switch (type) {
    case Type::kInt64:
      return "INT64";
    case Type::kInt32:
      return "INT32";
    case Type::kInt16:
      return "INT16";
    case Type::kInt8:
      return "INT8";
    case Type::kUInt8:
      return "UINT8";
    case Type::kUInt16:
      return "UINT16";
    case Type::kUInt32:
      return "UINT32";
    case Type::kHugeint:
      return "INT128";
    case Type::kUbigint:
      return "UINT64";
    default:
      return TypeName(type);
  }
}

std::size_t Column::size() const {
  switch (type) {
    case Type::kFloat64:
      return doubles.size();
    case Type::kString:
      return codes.size();
    default:
      return IsWidePhysical(type) ? wide.size() : ints.size();
  }
}

int Table::Find(std::string_view name) const {
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

namespace {

template <typename T>
void BuildStats(Column& c, const std::vector<T>& values, std::size_t first, std::size_t count) {
  const std::size_t n = values.size();
  if (first == 0) c.blocks.assign((n + kBlockRows - 1) / kBlockRows, BlockStats{});
  const std::size_t last = std::min(c.blocks.size(), first + count);
  for (std::size_t b = first; b < last; ++b) {
    BlockStats& s = c.blocks[b];
    const std::size_t end = std::min(n, (b + 1) * kBlockRows);
    for (std::size_t i = b * kBlockRows; i < end; ++i) {
      if (c.IsNull(i)) {
        ++s.nulls;
        continue;
      }
      const double v = static_cast<double>(values[i]);
      s.min = std::min(s.min, v);
      s.max = std::max(s.max, v);
    }
  }
}

}  // namespace

void BuildZoneMaps(Column& c, std::size_t first, std::size_t count) {
  switch (c.type) {
    case Type::kFloat64:
      return BuildStats(c, c.doubles, first, count);
    case Type::kString:
      return BuildStats(c, c.codes, first, count);
    default:
      return IsWidePhysical(c.type) ? BuildStats(c, c.wide, first, count)
                                    : BuildStats(c, c.ints, first, count);
  }
}

void Table::BuildZoneMaps() {
  for (Column& c : columns) engine::BuildZoneMaps(c, 0, static_cast<std::size_t>(-1));
}

void Table::Validate() const {
  for (const Column& c : columns) ValidateColumn(c, rows);
}

void IntSummary::Add(const std::int64_t* values, const std::uint8_t* valid, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    if (valid != nullptr && valid[i] == 0) continue;
    const std::int64_t v = values[i];
    const std::int64_t r = ((v % kGridStep) + kGridStep) % kGridStep;
    if (!any) {
      any = true;
      lo = hi = v;
      residue = r;
      continue;
    }
    lo = std::min(lo, v);
    hi = std::max(hi, v);
    on_grid &= r == residue;
  }
}

void ValidateColumn(const Column& c, std::size_t rows) {
  auto fail = [&](const std::string& what) {
    throw std::runtime_error("column '" + c.name + "': " + what);
  };
  if (c.size() != rows) {
    fail("has " + std::to_string(c.size()) + " values, table has " + std::to_string(rows) +
         " rows");
  }
  if (!c.valid.empty() && c.valid.size() != rows) fail("validity length differs from rows");
  if (c.blocks.size() != (rows + kBlockRows - 1) / kBlockRows) fail("zone map count is wrong");
  if (c.type == Type::kString) {
    for (std::size_t i = 1; i < c.dict.size(); ++i) {
      if (!(c.dict[i - 1] < c.dict[i])) fail("dictionary is not sorted and unique");
    }
    for (std::uint32_t code : c.codes) {
      if (code >= c.dict.size()) fail("string code out of dictionary range");
    }
  }
}

Table MakeMeasurementsTable() {
  Table t;
  t.columns.reserve(kSchema.size());
  for (const ColumnSpec& spec : kSchema) {
    Column c;
    c.name = std::string(spec.name);
    c.type = spec.type;
    t.columns.push_back(std::move(c));
  }
  return t;
}

const std::vector<InputColumn>& MeasurementsInput() {
  static const std::vector<InputColumn> kInput = [] {
    std::vector<InputColumn> v;
    v.reserve(kSchema.size());
    for (const ColumnSpec& spec : kSchema)
      v.push_back({std::string(spec.name), spec.type, spec.nullable});
    return v;
  }();
  return kInput;
}

}  // namespace plume::engine
