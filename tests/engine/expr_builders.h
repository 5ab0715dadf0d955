// Test helpers for the expression evaluator's unit tests (expr_test.cpp, expr_wide_test.cpp):
// a column reference and one evaluation of an expression over a hand-built batch.
#pragma once

#include <cstddef>
#include <string>
#include <utility>

#include "engine/batch.h"
#include "engine/expr.h"

namespace plume::engine::testing {

// A reference to column `i` of the input batch, of type `t`; `text` is what error messages
// name it by.
inline Expr Col(int i, Type t, std::string text = "x") {
  Expr e;
  e.op = ExprOp::kColumn;
  e.column = i;
  e.type = t;
  e.text = std::move(text);
  return e;
}

// Evaluates `e` over the first `rows` rows of `in`. Throws what the evaluator throws.
inline BatchColumn EvaluateOn(const Expr& e, const Batch& in, std::size_t rows) {
  ExprInput input;
  input.batch = &in;
  input.n = rows;
  BatchColumn out;
  ExprEvaluator(e).Eval(input, &out);
  return out;
}

}  // namespace plume::engine::testing
