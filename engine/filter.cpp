// The filter tree over blocks: AND narrows the selection in place, OR collects the matches of
// each child among the rows no earlier child matched. Zone maps prune at every node.
#include "engine/filter.h"

#include <algorithm>
#include <stdexcept>

#include "engine/filter_leaf.h"

namespace plume::engine {
namespace {

using Node = CompiledFilter::Node;

std::unique_ptr<Node> Compile(const FilterNode& f, const std::vector<const Column*>& columns) {
  if (f.kind == FilterNode::Kind::kLeaf && f.leaf == LeafKind::kExpr) {
    return CompileExprLeaf(f, columns);
  }
  if (f.kind == FilterNode::Kind::kLeaf) {
    const Column* c = nullptr;
    if (f.column >= 0) {
      if (static_cast<std::size_t>(f.column) >= columns.size()) {
        throw std::runtime_error("filter column index out of range");
      }
      c = columns[static_cast<std::size_t>(f.column)];
    }
    return CompileLeaf(f, c);
  }
  auto n = std::make_unique<Node>();
  n->kind = f.kind;
  for (const FilterNode& child : f.children) n->children.push_back(Compile(child, columns));
  if (n->kind == FilterNode::Kind::kAnd) {
    // The leaf kernels first, as DuckDB orders a conjunction's cheap comparisons first: an
    // expression then sees only the rows they keep, so a cast that fails on the rows it meets
    // fails only when some row reaches it (site_name = 'none' AND aqi IN ('0x10', 1.5): 0).
    std::stable_partition(n->children.begin(), n->children.end(), [](const auto& c) {
      return c->kind != FilterNode::Kind::kLeaf || c->expr == nullptr;
    });
  }
  if (n->kind == FilterNode::Kind::kOr) {
    n->orig.resize(kBlockRows);
    n->rest.resize(kBlockRows);
    n->hits.resize(kBlockRows);
    n->flags.assign(kBlockRows, 0);
  }
  return n;
}

ZoneClass Zone(const Node& n, std::size_t block, std::size_t block_rows) {
  if (n.kind == FilterNode::Kind::kLeaf) return LeafZone(n, block, block_rows);
  const bool is_and = n.kind == FilterNode::Kind::kAnd;
  bool all = true, none = true;
  for (const auto& c : n.children) {
    const ZoneClass z = Zone(*c, block, block_rows);
    all &= z == ZoneClass::kAll;
    none &= z == ZoneClass::kNone;
    if (is_and && z == ZoneClass::kNone) return ZoneClass::kNone;
    if (!is_and && z == ZoneClass::kAll) return ZoneClass::kAll;
  }
  if (n.children.empty()) return is_and ? ZoneClass::kAll : ZoneClass::kNone;
  return all ? ZoneClass::kAll : none ? ZoneClass::kNone : ZoneClass::kSome;
}

std::size_t Fill(Sel in, std::uint32_t* out) {
  if (in.rows == nullptr) {
    for (std::size_t j = 0; j < in.n; ++j) out[j] = in.begin + static_cast<std::uint32_t>(j);
  } else if (in.rows != out) {
    std::copy(in.rows, in.rows + in.n, out);
  }
  return in.n;
}

std::size_t Eval(const Node& n, std::size_t block, std::size_t block_rows, Sel in,
                 std::uint32_t* out);

std::size_t EvalOr(const Node& n, std::size_t block, std::size_t block_rows, Sel in,
                   std::uint32_t* out) {
  const std::size_t total = Fill(in, n.orig.data());
  std::copy(n.orig.begin(), n.orig.begin() + static_cast<std::ptrdiff_t>(total), n.rest.begin());
  std::size_t rest = total;
  const std::uint32_t base = static_cast<std::uint32_t>(block * kBlockRows);
  for (const auto& child : n.children) {
    if (rest == 0) break;
    const std::size_t k =
        Eval(*child, block, block_rows, Sel{n.rest.data(), rest, 0}, n.hits.data());
    if (k == 0) continue;
    for (std::size_t j = 0; j < k; ++j) n.flags[n.hits[j] - base] = 1;
    std::size_t kept = 0;
    for (std::size_t j = 0; j < rest; ++j) {
      const std::uint32_t r = n.rest[j];
      n.rest[kept] = r;
      kept += n.flags[r - base] ^ 1;
    }
    rest = kept;
  }
  std::size_t m = 0;
  for (std::size_t j = 0; j < total; ++j) {
    const std::uint32_t r = n.orig[j];
    out[m] = r;
    m += n.flags[r - base];
    n.flags[r - base] = 0;
  }
  return m;
}

std::size_t Eval(const Node& n, std::size_t block, std::size_t block_rows, Sel in,
                 std::uint32_t* out) {
  const ZoneClass z = Zone(n, block, block_rows);
  if (z == ZoneClass::kNone || in.n == 0) return 0;
  if (z == ZoneClass::kAll) return Fill(in, out);
  if (n.kind == FilterNode::Kind::kLeaf) return EvalLeaf(n, in, out);
  if (n.kind == FilterNode::Kind::kOr) return EvalOr(n, block, block_rows, in, out);
  std::size_t k = in.n;
  for (const auto& child : n.children) {
    k = Eval(*child, block, block_rows, in, out);
    if (k == 0) return 0;
    in = Sel{out, k, 0};
  }
  return k;
}

}  // namespace

CompiledFilter::CompiledFilter(const FilterNode& root, const std::vector<const Column*>& columns,
                               std::size_t rows)
    : root_(Compile(root, columns)), rows_(rows) {
  if (rows > UINT32_MAX) throw std::runtime_error("partition has more than 2^32-1 rows");
}

CompiledFilter::~CompiledFilter() = default;

std::vector<std::uint32_t> CompiledFilter::Select() const {
  std::vector<std::uint32_t> out;
  SelectBlocks(0, blocks(), &out);
  return out;
}

// Blocks the zone maps rule out cost O(1) each: a call skips up to kSkipsPerBlock of them per
// block of its budget without counting them (a selective statement over a large partition
// would otherwise take one call per `count` blocks of nothing), so a call stays bounded.
std::size_t CompiledFilter::SelectBlocks(std::size_t first, std::size_t count,
                                         std::vector<std::uint32_t>* out) const {
  constexpr std::size_t kSkipsPerBlock = 64;
  const std::size_t end = blocks();
  std::size_t block = first, evaluated = 0, skipped = 0;
  while (block < end && evaluated < count) {
    const std::size_t begin = block * kBlockRows;
    const std::size_t n = std::min(kBlockRows, rows_ - begin);
    ++block;
    if (Zone(*root_, block - 1, n) == ZoneClass::kNone) {
      if (++skipped >= count * kSkipsPerBlock) break;
      continue;
    }
    const std::size_t size = out->size();
    out->resize(size + n);
    const Sel dense{nullptr, n, static_cast<std::uint32_t>(begin)};
    out->resize(size + Eval(*root_, block - 1, n, dense, out->data() + size));
    ++evaluated;
  }
  return block;
}

}  // namespace plume::engine
