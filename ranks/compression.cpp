#include "ranks/compression.h"

#include <lz4.h>
#include <zstd.h>
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <climits>
#include <cstring>

namespace plume::ranks {
namespace {

constexpr int kZstdLevel = 1;  // the fastest level: slow links, not archives
constexpr std::size_t kSizeBytes = sizeof(std::uint64_t);
constexpr std::size_t kPrefixBytes = 2 * kSizeBytes;  // raw size, XXH3-64 of the raw bytes

[[noreturn]] void Corrupt(Codec codec, const std::string& why) {
  throw CompressionError("corrupt " + CodecName(codec) + " frame: " + why);
}

void AppendU64(std::uint64_t value, std::string* out) {
  char bytes[kSizeBytes];
  for (std::size_t i = 0; i < kSizeBytes; ++i) bytes[i] = static_cast<char>(value >> (8 * i));
  out->append(bytes, kSizeBytes);
}

std::uint64_t ReadU64(std::string_view bytes) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < kSizeBytes; ++i) {
    value |= std::uint64_t{static_cast<unsigned char>(bytes[i])} << (8 * i);
  }
  return value;
}

void CompressLz4(std::string_view raw, std::string* out) {
  if (raw.size() > static_cast<std::size_t>(LZ4_MAX_INPUT_SIZE)) {
    throw CompressionError("lz4: block of " + std::to_string(raw.size()) + " bytes is too large");
  }
  const std::size_t start = out->size();
  const int bound = LZ4_compressBound(static_cast<int>(raw.size()));
  out->resize(start + static_cast<std::size_t>(bound));
  const int n =
      LZ4_compress_default(raw.data(), out->data() + start, static_cast<int>(raw.size()), bound);
  if (n <= 0) throw CompressionError("lz4: compression failed");
  out->resize(start + static_cast<std::size_t>(n));
}

void CompressZstd(std::string_view raw, std::string* out) {
  const std::size_t start = out->size();
  const std::size_t bound = ZSTD_compressBound(raw.size());
  out->resize(start + bound);
  const std::size_t n =
      ZSTD_compress(out->data() + start, bound, raw.data(), raw.size(), kZstdLevel);
  if (ZSTD_isError(n)) throw CompressionError(std::string("zstd: ") + ZSTD_getErrorName(n));
  out->resize(start + n);
}

void DecompressLz4(std::string_view payload, std::string* out) {
  if (payload.size() > static_cast<std::size_t>(INT_MAX)) Corrupt(Codec::kLz4, "payload too large");
  const int n = LZ4_decompress_safe(payload.data(), out->data(), static_cast<int>(payload.size()),
                                    static_cast<int>(out->size()));
  if (n < 0 || static_cast<std::size_t>(n) != out->size()) {
    Corrupt(Codec::kLz4, "the payload does not decode to the " + std::to_string(out->size()) +
                             " bytes its header says");
  }
}

void DecompressZstd(std::string_view payload, std::string* out) {
  const std::size_t n = ZSTD_decompress(out->data(), out->size(), payload.data(), payload.size());
  if (ZSTD_isError(n)) Corrupt(Codec::kZstd, ZSTD_getErrorName(n));
  if (n != out->size()) {
    Corrupt(Codec::kZstd, "decoded " + std::to_string(n) + " bytes, its header says " +
                              std::to_string(out->size()));
  }
}

}  // namespace

std::optional<CompressMode> ParseCompressMode(std::string_view text) {
  if (text == "auto") return CompressMode::kAuto;
  if (text == "off") return CompressMode::kOff;
  if (text == "lz4") return CompressMode::kLz4;
  if (text == "zstd") return CompressMode::kZstd;
  return std::nullopt;
}

std::string_view ModeName(CompressMode mode) {
  switch (mode) {
    case CompressMode::kAuto:
      return "auto";
    case CompressMode::kOff:
      return "off";
    case CompressMode::kLz4:
      return "lz4";
    case CompressMode::kZstd:
      return "zstd";
  }
  return "auto";
}

std::string CodecName(Codec codec) {
  switch (codec) {
    case Codec::kNone:
      return "none";
    case Codec::kLz4:
      return "lz4";
    case Codec::kZstd:
      return "zstd";
  }
  return "codec " + std::to_string(static_cast<std::uint32_t>(codec));
}

Codec LinkCodec(CompressMode mode, bool same_host) {
  switch (mode) {
    case CompressMode::kAuto:
      return same_host ? Codec::kNone : Codec::kLz4;
    case CompressMode::kOff:
      return Codec::kNone;
    case CompressMode::kLz4:
      return Codec::kLz4;
    case CompressMode::kZstd:
      return Codec::kZstd;
  }
  return Codec::kNone;
}

void Compress(Codec codec, std::string_view raw, std::string* out) {
  if (codec != Codec::kLz4 && codec != Codec::kZstd) {
    throw CompressionError("cannot compress with " + CodecName(codec));
  }
  AppendU64(raw.size(), out);
  AppendU64(XXH3_64bits(raw.data(), raw.size()), out);
  switch (codec) {
    case Codec::kLz4:
      return CompressLz4(raw, out);
    case Codec::kZstd:
      return CompressZstd(raw, out);
    case Codec::kNone:
      break;
  }
  throw CompressionError("cannot compress with " + CodecName(codec));
}

void Decompress(Codec codec, std::string_view block, std::string* out) {
  if (codec != Codec::kLz4 && codec != Codec::kZstd) Corrupt(codec, "unknown codec");
  if (block.size() < kPrefixBytes) {
    Corrupt(codec, std::to_string(block.size()) + " bytes, shorter than its size and checksum");
  }
  const std::uint64_t size = ReadU64(block);
  if (size > kMaxRawBlock) {
    Corrupt(codec, "says it holds " + std::to_string(size) + " bytes, more than the limit of " +
                       std::to_string(kMaxRawBlock));
  }
  out->resize(static_cast<std::size_t>(size));
  const std::string_view payload = block.substr(kPrefixBytes);
  if (codec == Codec::kLz4) {
    DecompressLz4(payload, out);
  } else {
    DecompressZstd(payload, out);
  }
  if (XXH3_64bits(out->data(), out->size()) != ReadU64(block.substr(kSizeBytes))) {
    Corrupt(codec, "the decoded bytes do not match its checksum");
  }
}

}  // namespace plume::ranks
