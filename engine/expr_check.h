// Checks of an expression tree that arrived in a serialized plan: every node has the arguments
// its kernel reads, of the types the kernel reads them as (the binder's typing rules), so that a
// malformed plan is rejected at decode instead of reading out of bounds. Private to engine/.
#pragma once

#include <vector>

#include "engine/expr.h"

namespace plume::engine {

inline constexpr int kMaxExprDepth = 512;

// True when `e` fits; `columns` are the types of the inputs kColumn nodes index.
bool ExprFits(const Expr& e, const std::vector<Type>& columns, int depth = 0);

}  // namespace plume::engine
