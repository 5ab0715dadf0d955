// Compression of data frames on slow links (`--compress auto|lz4|zstd|off`, docs/PROTOCOL.md).
//
// A rank sends data frames on one link only (a team member to its leader, a leader to the
// gateway), so each rank has one codec for the frames it sends: LinkCodec(mode, same_host).
// `auto` compresses with LZ4 only between ranks on different hosts (MPI processor names differ):
// on one host shared memory is faster than any compressor, so frames stay as they are and auto
// costs nothing there; between hosts LZ4 compresses faster than a 1-10 Gbit/s link carries the
// bytes it saves. `lz4` and `zstd` (level 1) compress every link, `off` none.
//
// The compressed block format is [u64 raw size][u64 XXH3-64 of the raw bytes][codec payload]
// (little endian). Decompress checks everything it reads (size limit, exact length, checksum),
// so corrupt or truncated input is a CompressionError naming the codec and what was wrong,
// never a crash, an over-read or wrong rows.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace plume::ranks {

enum class Codec : std::uint32_t { kNone = 0, kLz4 = 1, kZstd = 2 };
enum class CompressMode : std::uint8_t { kAuto, kOff, kLz4, kZstd };

class CompressionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "auto", "off", "lz4", "zstd"; nullopt for anything else.
std::optional<CompressMode> ParseCompressMode(std::string_view text);
std::string_view ModeName(CompressMode mode);
// "none", "lz4", "zstd", or "codec N" for a value no codec has.
std::string CodecName(Codec codec);

// The codec of a link between two ranks; same_host: their MPI processor names are equal.
Codec LinkCodec(CompressMode mode, bool same_host);

// The largest raw block Decompress accepts (a frame is about 160 KB; this bounds what a corrupt
// size field can make a receiver allocate).
inline constexpr std::uint64_t kMaxRawBlock = std::uint64_t{1} << 30;

// Appends the compressed block of `raw` to *out. codec must not be kNone.
void Compress(Codec codec, std::string_view raw, std::string* out);
// Replaces *out with the raw bytes of a block made by Compress(codec, ...).
void Decompress(Codec codec, std::string_view block, std::string* out);

}  // namespace plume::ranks
