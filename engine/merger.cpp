// Merger: three strategies behind one interface.
//  - unordered plain SELECT: batches stream through in arrival order, cut at LIMIT;
//  - ordered plain SELECT, and the gather after a hash exchange: k-way merge of sorted inputs,
//    one buffered batch per open input;
//  - aggregates: partial states are folded as they arrive and emitted once all inputs closed.
#include <deque>
#include <stdexcept>

#include "engine/group_final.h"
#include "engine/merge_groups.h"
#include "engine/partial.h"
#include "engine/query.h"

namespace plume::engine {

struct Merger::Impl {
  struct Input {
    std::deque<Batch> queue;
    std::size_t pos = 0;  // next row of queue.front()
    bool closed = false;
  };

  Plan plan;
  const PlanData& d;
  MergeStage stage;
  bool final;  // kFinal or kExchangeGather: output() columns only
  StreamLayout layout;
  std::vector<SortKey> order;  // of the ordered merge
  std::vector<Input> inputs;
  std::size_t open;
  std::uint64_t emitted = 0;
  std::deque<Batch> ready;  // unordered: batches as they came; aggregate: the result
  std::size_t ready_pos = 0;
  std::unique_ptr<GroupMerger> groups;
  // A partition-local plan's final stage: its one input is one partition's aggregator, whose
  // groups are distinct and all there is of them.
  bool distinct = false;
  std::unique_ptr<GroupFinal> result;  // the final stages' result, built in Step()s
  bool produced = false;               // aggregate result started (kPartial: emitted in slices)
  std::size_t partial_next = 0;
  std::uint64_t memory_limit = 0;  // 0 = none
  std::size_t held_bytes = 0;      // of the batches in ready and the input queues

  Impl(const Plan& p, std::size_t n, MergeStage s)
      : plan(p),
        d(plan.data()),
        stage(s),
        final(s == MergeStage::kFinal || s == MergeStage::kExchangeGather),
        layout(MakeStreamLayout(d)),
        order(d.order),
        inputs(n),
        open(n) {
    const bool gather = s == MergeStage::kExchangeGather || s == MergeStage::kExchangeRelay;
    const bool exchange = gather || s == MergeStage::kExchangeFinal;
    if (exchange && (!d.aggregate || d.group_columns.empty())) {
      throw std::invalid_argument("Merger: a hash-exchange stage needs a plan with GROUP BY");
    }
    if (gather) {  // sorted exchange-form streams
      layout = StreamLayout{ExchangeTypes(d), {}, 0};
      order = ExchangeOrder(d);
    } else if (d.aggregate) {
      groups = std::make_unique<GroupMerger>(d);
      distinct = s == MergeStage::kExchangeFinal && d.merge == MergePlan::kLocal && n == 1;
    }
  }
  // Plain statements (and the gather after a hash exchange) pass LIMIT + OFFSET rows up to
  // the gateway, which skips OFFSET of them.
  bool LimitReached() const { return !groups && d.limit && emitted >= *d.limit + d.offset; }
  std::size_t Budget(std::size_t max_rows) const {
    std::uint64_t b = std::max<std::size_t>(max_rows, 1);
    if (d.limit && !groups) b = std::min<std::uint64_t>(b, *d.limit + d.offset - emitted);
    return static_cast<std::size_t>(b);
  }
  // Final ordered or streaming merge: drops the first OFFSET rows of the output.
  void SkipOffset(Batch* out) {
    if (!final || groups || skipped >= d.offset || out->rows == 0) return;
    const std::size_t n =
        static_cast<std::size_t>(std::min<std::uint64_t>(d.offset - skipped, out->rows));
    skipped += n;
    *out = SliceBatch(*out, n, out->rows);
  }
  std::uint64_t skipped = 0;
  // Also drops all-valid NULL masks, so that equal rows have equal bytes however they came.
  void Finish(Batch* out) const {
    if (final && !groups) out->columns.resize(d.output.size());
    DropAllValid(out);
  }
  bool PopReady(std::size_t max_rows, Batch* out);
  bool PopPartial(std::size_t max_rows, Batch* out);
  std::size_t MemoryBytes() const {
    if (!groups) return held_bytes;
    return groups->memory_bytes() + (result ? result->memory_bytes() : 0);
  }
  void CheckMemory() const {
    if (memory_limit != 0 && MemoryBytes() > memory_limit) {
      throw MemoryLimitExceeded(groups ? "group table" : "merge", memory_limit);
    }
  }
  void Release(const Batch& b) { held_bytes -= std::min(held_bytes, engine::MemoryBytes(b)); }
  bool PopOrdered(std::size_t max_rows, Batch* out);
  int Smallest(int except, bool* stalled);
  void Produce();
};

bool Merger::Impl::PopReady(std::size_t max_rows, Batch* out) {
  while (!ready.empty() && ready_pos >= ready.front().rows) {
    Release(ready.front());
    ready.pop_front();
    ready_pos = 0;
  }
  if (ready.empty() || LimitReached()) return false;
  Batch& front = ready.front();
  const std::size_t n = std::min(Budget(max_rows), front.rows - ready_pos);
  if (ready_pos == 0 && n == front.rows) {
    Release(front);
    *out = std::move(front);
    ready.pop_front();
  } else {
    *out = SliceBatch(front, ready_pos, ready_pos + n);
    ready_pos += n;
  }
  emitted += n;
  Finish(out);
  return true;
}

// The input whose head row is smallest, skipping `except`; -1 when none has rows. Sets
// *stalled when an open input has no buffered row (its next row is unknown).
int Merger::Impl::Smallest(int except, bool* stalled) {
  int best = -1;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    Input& in = inputs[i];
    while (!in.queue.empty() && in.pos >= in.queue.front().rows) {
      Release(in.queue.front());
      in.queue.pop_front();
      in.pos = 0;
    }
    if (static_cast<int>(i) == except) continue;
    if (in.queue.empty()) {
      *stalled |= !in.closed;
      continue;
    }
    const Input& b = inputs[static_cast<std::size_t>(best < 0 ? 0 : best)];
    if (best < 0 || CompareRows(order, in.queue.front(), in.pos, b.queue.front(), b.pos) < 0) {
      best = static_cast<int>(i);
    }
  }
  return best;
}

// Copies runs: from the smallest input, every row up to the next input's head at once.
bool Merger::Impl::PopOrdered(std::size_t max_rows, Batch* out) {
  *out = EmptyBatch(layout.types);
  const std::size_t budget = LimitReached() ? 0 : Budget(max_rows);
  while (out->rows < budget) {
    bool stalled = false;
    const int best = Smallest(-1, &stalled);
    if (stalled || best < 0) break;
    Input& in = inputs[static_cast<std::size_t>(best)];
    const int next = Smallest(best, &stalled);
    if (stalled) break;
    const Batch& batch = in.queue.front();
    std::size_t end = in.pos + 1;
    const std::size_t limit = std::min(batch.rows, in.pos + (budget - out->rows));
    if (next < 0) {
      end = limit;
    } else {
      const Input& other = inputs[static_cast<std::size_t>(next)];
      while (end < limit && CompareRows(order, batch, end, other.queue.front(), other.pos) <= 0) {
        ++end;
      }
    }
    AppendRows(batch, in.pos, end, out);
    in.pos = end;
  }
  emitted += out->rows;
  Finish(out);
  return out->rows > 0;
}

// kPartial emits the groups in slices (PopPartial); the final stages build the result in
// bounded steps (GroupFinal: Merger::Step, or all at once in the first Pop).
void Merger::Impl::Produce() {
  produced = true;
  if (stage == MergeStage::kFinal) groups->EnsureOneGroup();
  if (stage != MergeStage::kPartial) {
    result = std::make_unique<GroupFinal>(*groups, stage == MergeStage::kExchangeFinal);
  }
}

bool Merger::Impl::PopPartial(std::size_t max_rows, Batch* out) {
  if (partial_next >= groups->groups()) return false;
  const std::size_t end =
      std::min(groups->groups(), partial_next + std::max<std::size_t>(max_rows, 1));
  *out = groups->Partial(partial_next, end);
  partial_next = end;
  Finish(out);
  return true;
}

Merger::Merger(const Plan& plan, std::size_t inputs, bool final)
    : Merger(plan, inputs, final ? MergeStage::kFinal : MergeStage::kPartial) {}

Merger::Merger(const Plan& plan, std::size_t inputs, MergeStage stage)
    : impl_(std::make_unique<Impl>(plan, inputs, stage)) {}

Merger::~Merger() = default;

void Merger::Push(std::size_t input, Batch batch) {
  Impl& m = *impl_;
  if (input >= m.inputs.size()) throw std::out_of_range("Merger::Push: no such input");
  if (m.inputs[input].closed) throw std::logic_error("Merger::Push: input already closed");
  CheckStreamBatch(m.layout, batch, "Merger::Push");
  if (batch.rows == 0 || m.LimitReached()) return;
  if (m.groups && m.distinct) {
    m.groups->AddDistinct(batch);
  } else if (m.groups) {
    m.groups->Add(batch);
  } else {
    m.held_bytes += MemoryBytes(batch);
    (m.order.empty() ? m.ready : m.inputs[input].queue).push_back(std::move(batch));
  }
  m.CheckMemory();
}

void Merger::Close(std::size_t input) {
  Impl& m = *impl_;
  if (input >= m.inputs.size()) throw std::out_of_range("Merger::Close: no such input");
  if (m.inputs[input].closed) return;
  m.inputs[input].closed = true;
  --m.open;
}

int Merger::Waiting() const {
  const Impl& m = *impl_;
  if (m.groups || m.order.empty() || m.LimitReached()) return -1;
  for (std::size_t i = 0; i < m.inputs.size(); ++i) {
    const Impl::Input& in = m.inputs[i];
    bool has_rows = false;
    for (const Batch& b : in.queue) has_rows |= b.rows > (&b == &in.queue.front() ? in.pos : 0);
    if (!in.closed && !has_rows) return static_cast<int>(i);
  }
  return -1;
}

bool Merger::Pop(std::size_t max_rows, Batch* out) {
  Impl& m = *impl_;
  if (m.groups) {
    if (m.open > 0) return false;
    if (!m.produced) m.Produce();
    if (m.stage == MergeStage::kPartial) return m.PopPartial(max_rows, out);
    while (m.result->Step()) m.CheckMemory();
    if (!m.result->Pop(max_rows, out)) return false;
    m.emitted += out->rows;
    m.Finish(out);
    return true;
  }
  while (m.order.empty() ? m.PopReady(max_rows, out) : m.PopOrdered(max_rows, out)) {
    m.SkipOffset(out);
    if (out->rows > 0) return true;
  }
  return false;
}

bool Merger::Done() const {
  const Impl& m = *impl_;
  if (m.groups) {
    if (m.open > 0 || !m.produced) return false;
    if (m.stage == MergeStage::kPartial) return m.partial_next >= m.groups->groups();
    return m.result->ready() && m.result->rows() == m.emitted;
  } else if (!m.LimitReached()) {
    if (m.open > 0) return false;
    for (const Impl::Input& in : m.inputs) {
      for (const Batch& b : in.queue) {
        if (b.rows > (&b == &in.queue.front() ? in.pos : 0)) return false;
      }
    }
  }
  if (m.LimitReached()) return true;
  std::size_t pending = 0;
  for (const Batch& b : m.ready) pending += b.rows;
  return pending <= m.ready_pos;
}

bool Merger::Step() {
  Impl& m = *impl_;
  if (!m.groups || m.open > 0 || m.stage == MergeStage::kPartial) return false;
  if (!m.produced) m.Produce();
  if (m.result->ready()) return false;
  const bool more = m.result->Step();
  m.CheckMemory();
  return more;
}

void Merger::ReserveGroups(std::uint64_t groups) {
  Impl& m = *impl_;
  if (!m.groups) return;
  if (m.memory_limit != 0) groups = std::min(groups, m.memory_limit / m.groups->BytesPerGroup());
  m.groups->Reserve(static_cast<std::size_t>(groups));
}

void Merger::set_memory_limit(std::uint64_t bytes) { impl_->memory_limit = bytes; }

std::uint64_t Merger::memory_bytes() const { return impl_->MemoryBytes(); }

}  // namespace plume::engine
