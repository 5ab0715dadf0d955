#include "io/checksum.h"

#define XXH_STATIC_LINKING_ONLY  // XXH3_state_t as a complete type (held by value)
#include <xxhash.h>

#include <bit>

namespace plume::io {

// The file types are little-endian (H5T_*LE) and the checksum is over the values as the file
// holds them; on a little-endian machine that is the memory the reader fills.
static_assert(std::endian::native == std::endian::little,
              "partition checksums hash memory as little-endian bytes");

struct Checksum::State {
  XXH3_state_t xxh{};
};

Checksum::Checksum() : state_(std::make_unique<State>()) { XXH3_64bits_reset(&state_->xxh); }
Checksum::Checksum(Checksum&&) noexcept = default;
Checksum& Checksum::operator=(Checksum&&) noexcept = default;
Checksum::~Checksum() = default;

void Checksum::Add(const void* data, std::size_t bytes) {
  if (bytes > 0) XXH3_64bits_update(&state_->xxh, data, bytes);
}

void Checksum::AddStrings(const std::vector<std::string>& strings) {
  for (const std::string& s : strings) {
    const std::uint64_t length = s.size();
    Add(&length, sizeof length);
    Add(s.data(), s.size());
  }
}

std::uint64_t Checksum::Digest() const { return XXH3_64bits_digest(&state_->xxh); }

std::uint64_t ChecksumOf(const void* data, std::size_t bytes) { return XXH3_64bits(data, bytes); }

std::uint64_t ChecksumOfStrings(const std::vector<std::string>& strings) {
  Checksum sum;
  sum.AddStrings(strings);
  return sum.Digest();
}

}  // namespace plume::io
