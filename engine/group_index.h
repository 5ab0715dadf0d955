// GroupIndex: the open-addressing index of a group table (hash -> group id), grown in bounded
// steps. Private to engine/ (PartitionAggregator and GroupMerger).
//
// A slot holds the high half of the key's hash (a tag that spares most key comparisons) over
// group + 1 (0 = empty), probed linearly; the load stays at most 1/2. Growing doubles the slots,
// but instead of re-inserting every group in the one call that crossed the load (at a million
// groups that call took 100-200 ms, issue 12 item 2), the old slots stay readable and each
// later Insert moves kMovePerInsert of them over: a lookup probes the new slots, then the old
// ones while the move lasts. The move ends after at most capacity / (2 x kMovePerInsert)
// inserts, before the new slots can reach their own load limit. The slot arrays come from
// calloc, so a large one is mapped zeroed instead of cleared in one memset.
//
// Single-threaded; allocation failure throws std::bad_alloc.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>
#include <utility>

namespace plume::engine {

class GroupIndex {
 public:
  static constexpr std::size_t kMovePerInsert = 8;
  static constexpr std::uint64_t kNone = ~std::uint64_t{0};

  explicit GroupIndex(std::size_t capacity = 1024) : slots_(Allocate(capacity)), cap_(capacity) {}

  // The group whose key has `hash` and for which same(group) holds, or kNone; `*at` is then
  // where Insert puts the key's group. No Insert may come between Find and its Insert.
  template <class Same>
  std::uint64_t Find(std::uint64_t hash, const Same& same, std::size_t* at) const {
    std::size_t s = hash & (cap_ - 1);
    for (std::uint64_t slot = slots_[s]; slot != 0; s = (s + 1) & (cap_ - 1), slot = slots_[s]) {
      if ((slot & kTagMask) == (hash & kTagMask) && same(Group(slot))) return Group(slot);
    }
    *at = s;
    if (!old_) return kNone;
    std::size_t o = hash & (old_cap_ - 1);
    for (std::uint64_t slot = old_[o]; slot != 0; o = (o + 1) & (old_cap_ - 1), slot = old_[o]) {
      if ((slot & kTagMask) == (hash & kTagMask) && same(Group(slot))) return Group(slot);
    }
    return kNone;
  }

  // Records `group` (the table's groups-th, counting it) at the slot Find named, then moves a
  // bounded part of the old slots; hash_of(g) recomputes group g's hash for that move.
  template <class HashOf>
  void Insert(std::size_t at, std::uint64_t hash, std::uint64_t group, std::size_t groups,
              const HashOf& hash_of) {
    slots_[at] = (hash & kTagMask) | (group + 1);
    if (old_) Move(kMovePerInsert, hash_of);
    if (groups * 2 > cap_) {
      if (old_) Move(old_cap_, hash_of);  // not reached: the move ends first (see above)
      old_ = std::move(slots_);
      old_cap_ = cap_;
      moved_ = 0;
      cap_ *= 2;
      slots_ = Allocate(cap_);
    }
  }

  std::size_t capacity() const { return cap_; }
  bool growing() const { return static_cast<bool>(old_); }
  // Bytes of the slot arrays.
  std::size_t memory_bytes() const { return (cap_ + (old_ ? old_cap_ : 0)) * sizeof(Slot); }
  // Frees the slots (the table is unusable afterwards).
  void Release() {
    slots_.reset();
    old_.reset();
    cap_ = old_cap_ = 0;
  }

 private:
  using Slot = std::uint64_t;
  static constexpr std::uint64_t kTagMask = ~std::uint64_t{0xffffffff};
  struct Free {
    void operator()(Slot* p) const { std::free(p); }
  };
  using Slots = std::unique_ptr<Slot[], Free>;

  static Slots Allocate(std::size_t n) {
    auto* p = static_cast<Slot*>(std::calloc(n, sizeof(Slot)));
    if (p == nullptr) throw std::bad_alloc();
    return Slots(p);
  }
  static std::uint64_t Group(Slot slot) { return static_cast<std::uint32_t>(slot) - 1; }

  template <class HashOf>
  void Move(std::size_t n, const HashOf& hash_of) {
    for (; n > 0 && moved_ < old_cap_; --n, ++moved_) {
      const Slot slot = old_[moved_];
      if (slot == 0) continue;
      const std::uint64_t g = Group(slot);
      const std::uint64_t hash = hash_of(g);
      std::size_t s = hash & (cap_ - 1);
      while (slots_[s] != 0) s = (s + 1) & (cap_ - 1);
      slots_[s] = (hash & kTagMask) | (g + 1);
    }
    if (moved_ == old_cap_) old_.reset();
  }

  Slots slots_;
  std::size_t cap_;
  Slots old_;  // while growing: the slots before, read by Find, moved by Insert
  std::size_t old_cap_ = 0;
  std::size_t moved_ = 0;  // old slots moved so far
};

}  // namespace plume::engine
