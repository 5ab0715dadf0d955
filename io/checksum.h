// Internal to io/ (never included outside it): the checksum every dataset of a partition file
// carries in its `checksum` attribute, so that a flipped byte anywhere in the data fails the
// load instead of changing an answer (docs/DATA.md, "Checksums").
//
// The checksum is XXH3-64 (libxxhash) of the dataset's values as little-endian bytes, in row
// order; for a string dataset, of each string as its length (8 bytes, little-endian) then its
// bytes, so that {"ab","c"} and {"a","bc"} differ. Streaming: Add() any number of times gives
// the same digest as one Add() of the concatenation. Not thread-safe; never throws.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace plume::io {

class Checksum {
 public:
  Checksum();
  Checksum(Checksum&&) noexcept;
  Checksum& operator=(Checksum&&) noexcept;
  Checksum(const Checksum&) = delete;
  Checksum& operator=(const Checksum&) = delete;
  ~Checksum();

  void Add(const void* data, std::size_t bytes);
  void AddStrings(const std::vector<std::string>& strings);
  std::uint64_t Digest() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// One-shot forms of the above.
std::uint64_t ChecksumOf(const void* data, std::size_t bytes);
std::uint64_t ChecksumOfStrings(const std::vector<std::string>& strings);

}  // namespace plume::io
