// A Batch: a run of result rows, column-major. It is what travels between ranks and what the
// gateway hands to the output formats.
//
// Wire form (docs/PROTOCOL.md, "Batch encoding"): one contiguous byte buffer produced by
// EncodeBatch and read back by DecodeBatch; fixed-width columns are copied as arrays (no
// per-row pass), strings as an offsets array plus one character blob.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/table.h"

namespace plume::engine {

// One output column: its name as the user sees it (alias, column name, or "count_star()" etc.)
// and its type.
struct Field {
  std::string name;
  Type type = Type::kInt64;
};

// A column of a batch. Used vectors by type as in Column, except strings, which are
// materialized: value i is chars[offsets[i], offsets[i+1]) (offsets.size() == rows + 1).
// valid: empty = no NULLs, else one byte per row (1 = value, 0 = NULL).
// wide: a HUGEINT's values (one per row; `ints` empty). Also, only inside the expression
// evaluator (expr_eval.cpp), a DECIMAL of width 19-38 whose units do not all fit 64 bits holds
// them here and `ints` is empty; every DECIMAL vector ExprEvaluator::Eval returns, and so every
// DECIMAL column that is encoded, has `wide` empty.
struct BatchColumn {
  Type type = Type::kInt64;
  std::vector<std::int64_t> ints;
  std::vector<double> doubles;
  std::vector<std::uint32_t> offsets;
  std::string chars;
  std::vector<std::uint8_t> valid;
  std::vector<Int128> wide;

  bool IsNull(std::size_t row) const { return !valid.empty() && valid[row] == 0; }
  std::string_view StringAt(std::size_t row) const {
    return std::string_view(chars).substr(offsets[row], offsets[row + 1] - offsets[row]);
  }
};

struct Batch {
  std::vector<BatchColumn> columns;
  std::size_t rows = 0;
};

// Bytes the batch's vectors hold (capacity), for the memory guard.
std::size_t MemoryBytes(const Batch& batch);

// Appends the wire form of `batch` to *out (callers reuse one buffer to avoid allocations).
void EncodeBatch(const Batch& batch, std::string* out);
// Parses a wire-form batch. Throws std::runtime_error on a truncated or malformed buffer
// (never reads past `bytes`).
Batch DecodeBatch(std::string_view bytes);

}  // namespace plume::engine
