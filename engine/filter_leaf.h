// Compiled filter nodes and their leaf kernels. Private to engine/ (filter.cpp, filter_leaf.cpp).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "engine/expr.h"
#include "engine/filter.h"

namespace plume::engine {

// Rows given to a node: a dense range [begin, begin + n) or the listed rows.
struct Sel {
  const std::uint32_t* rows = nullptr;  // nullptr = dense
  std::size_t n = 0;
  std::uint32_t begin = 0;
};

enum class ZoneClass { kNone, kSome, kAll };

enum class LeafOp : std::uint8_t {
  kIntCmp,
  kIntIn,
  kDoubleCmp,
  kDoubleIn,
  kCodeMask,
  kIsNull,
  kIsNotNull,
  kTrue,
  kFalse,
  kExpr,  // a BOOLEAN expression, evaluated for the block's selected rows at once
};

struct CompiledFilter::Node {
  FilterNode::Kind kind = FilterNode::Kind::kLeaf;
  std::vector<std::unique_ptr<Node>> children;
  LeafOp op = LeafOp::kTrue;
  const Column* column = nullptr;
  CmpOp cmp = CmpOp::kEq;
  bool negated = false;  // kIntIn / kDoubleIn: NOT IN
  std::int64_t ivalue = 0;
  double dvalue = 0;
  std::vector<std::int64_t> ints;
  std::vector<double> doubles;
  std::vector<std::uint8_t> mask;       // kCodeMask: 1 per matching dictionary entry
  std::vector<std::uint32_t> prefix;    // kCodeMask: prefix sums of mask
  const Expr* expr = nullptr;           // kExpr (owned by the plan)
  std::unique_ptr<ExprEvaluator> eval;  // kExpr: one evaluator for every block (its cache)
  const std::vector<const Column*>* columns = nullptr;  // kExpr: the table's columns
  // Scratch for kOr (one block each).
  mutable std::vector<std::uint32_t> orig, rest, hits;
  mutable std::vector<std::uint8_t> flags;
  mutable std::vector<std::uint32_t> scratch;  // kExpr: the rows of a dense selection
};

// Builds the leaf for `f` on column `c`. Throws std::runtime_error on a type mismatch.
std::unique_ptr<CompiledFilter::Node> CompileLeaf(const FilterNode& f, const Column* c);
// Builds the leaf for an expression leaf (LeafKind::kExpr) over the table's columns.
std::unique_ptr<CompiledFilter::Node> CompileExprLeaf(const FilterNode& f,
                                                      const std::vector<const Column*>& columns);
ZoneClass LeafZone(const CompiledFilter::Node& n, std::size_t block, std::size_t block_rows);
// Writes the rows of `in` that pass to out (out may equal in.rows); returns their count.
std::size_t EvalLeaf(const CompiledFilter::Node& n, Sel in, std::uint32_t* out);

}  // namespace plume::engine
