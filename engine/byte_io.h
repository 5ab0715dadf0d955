// Little-endian byte writer/reader for the engine's wire forms (plans and batches). The reader
// checks every length against the buffer and throws std::runtime_error instead of reading past
// its end. Private to engine/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>

#include "engine/table.h"

namespace plume::engine {

class ByteWriter {
 public:
  explicit ByteWriter(std::string* out) : out_(out) {}
  void U8(std::uint8_t v) { out_->push_back(static_cast<char>(v)); }
  void Varint(std::uint64_t v) {
    while (v >= 0x80) {
      U8(static_cast<std::uint8_t>(v | 0x80));
      v >>= 7;
    }
    U8(static_cast<std::uint8_t>(v));
  }
  void Signed(std::int64_t v) {
    Varint((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
  }
  void Raw(const void* data, std::size_t n) { out_->append(static_cast<const char*>(data), n); }
  template <typename T>
  void Fixed(T v) {
    Raw(&v, sizeof v);
  }
  void String(std::string_view s) {
    Varint(s.size());
    Raw(s.data(), s.size());
  }

 private:
  std::string* out_;
};

class ByteReader {
 public:
  ByteReader(std::string_view bytes, const char* what) : bytes_(bytes), what_(what) {}
  [[noreturn]] void Fail(const std::string& why) const {
    throw std::runtime_error(std::string(what_) + " is malformed at byte " + std::to_string(pos_) +
                             ": " + why);
  }
  std::size_t remaining() const { return bytes_.size() - pos_; }
  bool AtEnd() const { return pos_ == bytes_.size(); }
  const char* Take(std::size_t n) {
    if (n > remaining()) Fail("truncated (needs " + std::to_string(n) + " more bytes)");
    const char* p = bytes_.data() + pos_;
    pos_ += n;
    return p;
  }
  std::uint8_t U8() { return static_cast<std::uint8_t>(*Take(1)); }
  std::uint64_t Varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      const std::uint8_t b = U8();
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    Fail("varint longer than 10 bytes");
  }
  std::int64_t Signed() {
    const std::uint64_t z = Varint();
    return static_cast<std::int64_t>((z >> 1) ^ (~(z & 1) + 1));
  }
  // A count of items that each take at least `min_bytes`: bounded by the bytes left.
  std::size_t Count(std::size_t min_bytes = 1) {
    const std::uint64_t n = Varint();
    if (n > remaining() / (min_bytes == 0 ? 1 : min_bytes)) Fail("count exceeds the buffer");
    return static_cast<std::size_t>(n);
  }
  template <typename T>
  T Fixed() {
    T v;
    std::memcpy(&v, Take(sizeof v), sizeof v);
    return v;
  }
  std::string String() {
    const std::size_t n = Count();
    return std::string(Take(n), n);
  }
  std::size_t pos() const { return pos_; }

 private:
  std::string_view bytes_;
  const char* what_;
  std::size_t pos_ = 0;
};

// A Type on the wire: its code as a varint (DECIMAL(w,s) codes need two bytes).
inline void WriteType(ByteWriter& w, Type t) { w.Varint(static_cast<std::uint16_t>(t)); }
inline Type ReadType(ByteReader& r) {
  const std::uint64_t code = r.Varint();
  if (!IsTypeCode(code)) r.Fail("unknown type code " + std::to_string(code));
  return static_cast<Type>(code);
}

}  // namespace plume::engine
