// WindowStage (window_stage.h): the common partition keys, the split by their hash, and the
// wire form (the input plan, then the window calls).
#include "engine/window_stage.h"

#include <algorithm>
#include <stdexcept>

#include "engine/byte_io.h"
#include "engine/partial.h"
#include "engine/plan_data.h"
#include "engine/staged.h"
#include "engine/window.h"

namespace plume::engine {

struct WindowStage::Data {
  Plan input;
  std::vector<WindowCall> calls;
  std::vector<std::size_t> keys;
  std::string name;
  bool local = false;
  std::vector<std::pair<Plan, std::string>> between;
  std::optional<Plan> pre;
  std::vector<std::size_t> pre_keys;
};

namespace {

constexpr std::uint8_t kWindowStageVersion = 4;
constexpr std::size_t kBetweenBatchRows = 8192;

// The PARTITION BY columns every call has (each a column of `fields`), in the first call's order.
std::vector<std::size_t> CommonKeys(const std::vector<WindowCall>& calls,
                                    const std::vector<Field>& fields) {
  std::vector<std::size_t> keys;
  if (calls.empty()) return keys;
  for (const std::string& key : calls[0].partition) {
    const bool everywhere = std::all_of(calls.begin(), calls.end(), [&](const WindowCall& c) {
      return std::find(c.partition.begin(), c.partition.end(), key) != c.partition.end();
    });
    if (!everywhere) continue;
    for (std::size_t f = 0; f < fields.size(); ++f) {
      if (fields[f].name == key && std::find(keys.begin(), keys.end(), f) == keys.end()) {
        keys.push_back(f);
      }
    }
  }
  return keys;
}

void WriteBound(ByteWriter& w, const FrameBound& b) {
  w.U8(static_cast<std::uint8_t>(b.kind));
  w.Signed(b.offset);
  w.U8(static_cast<std::uint8_t>(b.scale | (b.is_interval ? 0x80 : 0)));
}

FrameBound ReadBound(ByteReader& r) {
  FrameBound b;
  const std::uint8_t kind = r.U8();
  if (kind > static_cast<std::uint8_t>(FrameBound::Kind::kUnboundedFollowing)) {
    r.Fail("bad frame bound");
  }
  b.kind = static_cast<FrameBound::Kind>(kind);
  b.offset = r.Signed();
  const std::uint8_t unit = r.U8();
  b.scale = unit & 0x7f;
  b.is_interval = (unit & 0x80) != 0;
  if (b.scale > 18 || (b.is_interval && b.scale != 0)) r.Fail("bad frame offset");
  return b;
}

void WriteCall(ByteWriter& w, const WindowCall& c) {
  w.U8(static_cast<std::uint8_t>(c.fn));
  w.String(c.arg);
  w.Signed(c.param);
  w.String(c.fallback);
  w.String(c.nth);
  w.Varint(c.partition.size());
  for (const std::string& p : c.partition) w.String(p);
  w.Varint(c.order.size());
  for (const WindowKey& k : c.order) {
    w.String(k.column);
    w.U8(static_cast<std::uint8_t>(k.desc | (k.nulls_first << 1)));
  }
  w.U8(static_cast<std::uint8_t>(c.rows | (c.groups << 1) |
                                 (static_cast<unsigned>(c.exclude) << 2) | (c.ignore_nulls << 4)));
  WriteBound(w, c.start);
  WriteBound(w, c.end);
  w.String(c.name);
  WriteType(w, c.result);
}

WindowCall ReadCall(ByteReader& r) {
  WindowCall c;
  const std::uint8_t fn = r.U8();
  if (fn > static_cast<std::uint8_t>(WindowFn::kNthValue)) r.Fail("bad window function");
  c.fn = static_cast<WindowFn>(fn);
  c.arg = r.String();
  c.param = r.Signed();
  c.fallback = r.String();
  c.nth = r.String();
  for (std::size_t i = 0, n = r.Count(1); i < n; ++i) c.partition.push_back(r.String());
  for (std::size_t i = 0, n = r.Count(2); i < n; ++i) {
    WindowKey k;
    k.column = r.String();
    const std::uint8_t flags = r.U8();
    k.desc = flags & 1;
    k.nulls_first = flags & 2;
    c.order.push_back(std::move(k));
  }
  const std::uint8_t frame = r.U8();
  if (frame >> 5 != 0 || (frame & 3) == 3) r.Fail("bad window frame");
  c.ignore_nulls = (frame & 16) != 0;
  c.rows = (frame & 1) != 0;
  c.groups = (frame & 2) != 0;
  c.exclude = static_cast<FrameExclude>((frame >> 2) & 3);
  c.start = ReadBound(r);
  c.end = ReadBound(r);
  c.name = r.String();
  c.result = ReadType(r);
  return c;
}

// Every column a call names is a column of the input, and its result type fits its function.
void CheckCall(ByteReader& r, const WindowCall& c, const std::vector<Field>& fields) {
  auto type_of = [&](const std::string& name) -> const Field* {
    for (const Field& f : fields) {
      if (f.name == name) return &f;
    }
    r.Fail("window column '" + name + "' is not a column of its input");
  };
  std::vector<std::string> names = c.partition;
  for (const WindowKey& k : c.order) names.push_back(k.column);
  for (const std::string& n : names) type_of(n);
  try {
    const Type arg = c.arg.empty() ? Type::kInt64 : type_of(c.arg)->type;
    if (!c.fallback.empty() && type_of(c.fallback)->type != arg) {
      r.Fail("a window default is not of its argument's type");
    }
    if ((c.fn == WindowFn::kNthValue) == c.nth.empty() ||
        (!c.nth.empty() && type_of(c.nth)->type != Type::kInt64)) {
      r.Fail("nth_value's n is not a BIGINT column of its input");
    }
    const bool no_arg = c.fn == WindowFn::kRowNumber || c.fn == WindowFn::kRank ||
                        c.fn == WindowFn::kDenseRank || c.fn == WindowFn::kNtile ||
                        c.fn == WindowFn::kPercentRank || c.fn == WindowFn::kCumeDist ||
                        c.fn == WindowFn::kCountStar;
    if (!no_arg && c.arg.empty()) r.Fail("window function without its argument");
    if ((c.fn == WindowFn::kNtile && c.param < 1) || c.param < 0) r.Fail("bad window parameter");
    if (WindowResultType(c.fn, arg) != c.result) r.Fail("window result type does not fit");
  } catch (const std::invalid_argument&) {
    r.Fail("window function does not take its argument");
  }
}

// A row-wise plan (no aggregate, order, LIMIT or OFFSET: its rows are its partitions' rows
// together) over `fields` with these columns, else `r` fails.
void CheckBetween(ByteReader& r, const Plan& plan, const std::vector<Field>& fields) {
  if (plan.aggregate() || plan.ordered() || plan.limit() || plan.data().offset != 0) {
    r.Fail("a stage between the windows and their reader is not row-wise");
  }
  const std::vector<InputColumn>& input = plan.data().input;
  bool same = input.size() == fields.size();
  for (std::size_t k = 0; same && k < fields.size(); ++k) {
    same = input[k].name == fields[k].name && input[k].type == fields[k].type;
  }
  if (!same) r.Fail("a stage between the windows and their reader reads other columns");
}

// An aggregate with GROUP BY through the exchange whose output is `input`'s input, hashed by
// `keys` (GROUP BY key indices), else `r` fails.
void CheckPre(ByteReader& r, const Plan& pre, const std::vector<std::size_t>& keys,
              const Plan& input) {
  if (!pre.aggregate() || pre.data().group_columns.empty() || pre.merge() != MergePlan::kExchange ||
      pre.limit() || pre.data().offset != 0) {
    r.Fail("the aggregate before a window stage does not go through the exchange");
  }
  for (std::size_t k : keys) {
    if (k >= pre.data().group_columns.size()) r.Fail("bad aggregate key of a window stage");
  }
  const std::vector<InputColumn>& in = input.data().input;
  bool same = in.size() == pre.output().size();
  for (std::size_t k = 0; same && k < in.size(); ++k) {
    same = in[k].name == pre.output()[k].name && in[k].type == pre.output()[k].type;
  }
  if (!same) r.Fail("a window stage reads other columns than its aggregate's");
}

}  // namespace

WindowStage::WindowStage(Plan input, std::vector<WindowCall> calls, std::string name, bool local,
                         std::vector<std::pair<Plan, std::string>> between, std::optional<Plan> pre,
                         std::vector<std::size_t> pre_keys) {
  auto d = std::make_shared<Data>(Data{std::move(input),
                                       std::move(calls),
                                       {},
                                       std::move(name),
                                       local,
                                       std::move(between),
                                       std::move(pre),
                                       std::move(pre_keys)});
  d->keys = CommonKeys(d->calls, d->input.output());
  data_ = std::move(d);
}

const Plan* WindowStage::pre() const { return data_->pre ? &*data_->pre : nullptr; }
const std::vector<std::size_t>& WindowStage::pre_keys() const { return data_->pre_keys; }

const Plan& WindowStage::input() const { return data_->input; }
const std::vector<std::size_t>& WindowStage::keys() const { return data_->keys; }
const std::string& WindowStage::name() const { return data_->name; }
bool WindowStage::local() const { return data_->local; }
const std::vector<std::pair<Plan, std::string>>& WindowStage::between() const {
  return data_->between;
}

std::string WindowStage::Serialize() const {
  std::string out;
  ByteWriter w(&out);
  w.U8(kWindowStageVersion);
  w.String(data_->name);
  w.String(data_->input.Serialize());
  w.Varint(data_->calls.size());
  for (const WindowCall& c : data_->calls) WriteCall(w, c);
  w.U8(data_->local);
  w.Varint(data_->between.size());
  for (const auto& [plan, name] : data_->between) {
    w.String(name);
    w.String(plan.Serialize());
  }
  w.U8(data_->pre ? 1 : 0);
  if (data_->pre) {
    w.String(data_->pre->Serialize());
    w.Varint(data_->pre_keys.size());
    for (std::size_t k : data_->pre_keys) w.Varint(k);
  }
  return out;
}

WindowStage WindowStage::Deserialize(std::string_view bytes) {
  ByteReader r(bytes, "serialized window stage");
  if (r.U8() != kWindowStageVersion) r.Fail("unsupported window stage version");
  std::string name = r.String();
  Plan input = Plan::Deserialize(r.String());
  std::vector<WindowCall> calls;
  for (std::size_t i = 0, n = r.Count(8); i < n; ++i) {
    calls.push_back(ReadCall(r));
    CheckCall(r, calls.back(), input.output());
  }
  if (calls.empty()) r.Fail("no window calls");
  const std::uint8_t local = r.U8();
  if (local > 1) r.Fail("bad partition-local flag");
  std::vector<std::pair<Plan, std::string>> between;
  std::vector<Field> fields = input.output();
  for (const WindowCall& c : calls) fields.push_back({c.name, c.result});
  for (std::size_t i = 0, n = r.Count(2); i < n; ++i) {
    std::string stage = r.String();
    Plan plan = Plan::Deserialize(r.String());
    CheckBetween(r, plan, fields);
    fields = plan.output();
    between.emplace_back(std::move(plan), std::move(stage));
  }
  const std::uint8_t has_pre = r.U8();
  if (has_pre > 1) r.Fail("bad aggregate flag");
  std::optional<Plan> pre;
  std::vector<std::size_t> pre_keys;
  if (has_pre == 1) {
    pre = Plan::Deserialize(r.String());
    for (std::size_t i = 0, n = r.Count(1); i < n; ++i) pre_keys.push_back(r.Varint());
    CheckPre(r, *pre, pre_keys, input);
  }
  if (!r.AtEnd()) r.Fail("trailing bytes");
  return WindowStage(std::move(input), std::move(calls), std::move(name), local == 1,
                     std::move(between), std::move(pre), std::move(pre_keys));
}

void WindowStage::Split(const Batch& batch, std::size_t parts, std::vector<Batch>* out) const {
  if (parts == 0) throw std::invalid_argument("WindowStage::Split: no parts");
  std::vector<Type> types;
  for (const BatchColumn& c : batch.columns) types.push_back(c.type);
  out->assign(parts, EmptyBatch(types));
  if (data_->keys.empty()) {
    (*out)[0] = batch;
    return;
  }
  for (std::size_t r = 0; r < batch.rows; ++r) {
    AppendRow(batch, r, &(*out)[ColumnsKeyHash(batch, r, data_->keys) % parts]);
  }
  for (Batch& b : *out) DropAllValid(&b);
}

void WindowStage::SplitBuckets(const Batch& batch, std::size_t buckets,
                               std::vector<Batch>* out) const {
  if (buckets == 0 || data_->keys.empty()) {
    throw std::invalid_argument("WindowStage::SplitBuckets: no buckets or no partition keys");
  }
  std::vector<Type> types;
  for (const BatchColumn& c : batch.columns) types.push_back(c.type);
  out->assign(buckets, EmptyBatch(types));
  for (std::size_t r = 0; r < batch.rows; ++r) {
    std::uint64_t h = ColumnsKeyHash(batch, r, data_->keys);
    h = (h ^ (h >> 31)) * 0x7fb5d329728ea185ULL;  // a different hash of the same keys
    h ^= h >> 27;
    AppendRow(batch, r, &(*out)[h % buckets]);
  }
  for (Batch& b : *out) DropAllValid(&b);
}

namespace {

// The columns of `fields` named in `keep`, as indices.
std::vector<std::size_t> Kept(const std::vector<Field>& fields,
                              const std::vector<std::string>& keep) {
  std::vector<std::size_t> kept;
  for (std::size_t k = 0; k < fields.size(); ++k) {
    if (std::find(keep.begin(), keep.end(), fields[k].name) != keep.end()) kept.push_back(k);
  }
  return kept;
}

// `plan` run over `table` to the end, only the output columns `kept` made into the result.
Table RunKeeping(const Plan& plan, const Table& table, const std::vector<std::size_t>& kept,
                 std::uint64_t limit_bytes, const std::string& where) {
  std::vector<Field> fields;
  fields.reserve(kept.size());
  for (std::size_t k : kept) fields.push_back(plan.output()[k]);
  GatheredTable rows(fields, limit_bytes == 0 ? UINT64_MAX : limit_bytes, where);
  try {
    PartitionExecution exec(plan, table);
    exec.set_memory_limit(limit_bytes);
    while (exec.Step()) {
    }
    Batch batch, part;
    while (exec.Next(kBetweenBatchRows, &batch)) {
      part.columns.clear();
      for (std::size_t k : kept) part.columns.push_back(std::move(batch.columns.at(k)));
      part.rows = batch.rows;
      rows.Append(part);
    }
  } catch (const MemoryLimitExceeded& e) {
    throw StageMemoryError(where + ": " + e.what());
  }
  return rows.Finish();
}

}  // namespace

Table WindowStage::Compute(Table share, const std::vector<std::string>& reader,
                           std::uint64_t limit_bytes, const std::string& rank) const {
  ComputeWindows(data_->calls, &share);
  return Between(std::move(share), reader, limit_bytes, rank);
}

const std::vector<WindowCall>& WindowStage::calls() const { return data_->calls; }

Table WindowStage::Between(Table share, const std::vector<std::string>& reader,
                           std::uint64_t limit_bytes, const std::string& rank) const {
  const auto& between = data_->between;
  for (std::size_t i = 0; i < between.size(); ++i) {
    const Plan& plan = between[i].first;
    const std::vector<std::string> keep =
        i + 1 < between.size() ? between[i + 1].first.needed_columns() : reader;
    share = RunKeeping(plan, share, Kept(plan.output(), keep), limit_bytes,
                       "the rows of '" + between[i].second + "' on " + rank);
  }
  return share;
}

WindowStageSteps::WindowStageSteps(const WindowStage& stage, Table share,
                                   std::vector<std::string> reader, std::uint64_t limit_bytes,
                                   std::string rank)
    : stage_(stage),
      windows_(std::make_unique<WindowComputation>(stage.calls(), std::move(share))),
      reader_(std::move(reader)),
      limit_(limit_bytes),
      rank_(std::move(rank)) {}

WindowStageSteps::~WindowStageSteps() = default;

bool WindowStageSteps::Step() {
  if (!windows_) return false;
  ++steps_;
  if (windows_->Step()) return true;
  result_ = stage_.Between(windows_->Take(), reader_, limit_, rank_);
  windows_.reset();
  return true;
}

}  // namespace plume::engine
