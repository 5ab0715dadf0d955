// libFuzzer target: every decoder of bytes that arrive over MPI. The first byte picks the
// decoder, the rest is the message: engine batches, serialized plans, the ranks credit,
// control and status messages, and data frames (header + batch). A malformed buffer must fail
// with std::runtime_error; anything else escaping, a crash or a sanitizer report is a finding.
//
// Found here and fixed: DecodeControl and DecodeStatus (then Boost's binary_iarchive) resized a
// string to whatever length a corrupted message said before reading it (ASan: "requested
// allocation size 0x1817161514131212" on the 7th input). They now check lengths first.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>

#include "engine/batch.h"
#include "engine/query.h"
#include "ranks/protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    switch (data[0] % 6) {
      case 0:
        plume::engine::DecodeBatch(bytes);
        break;
      case 1: {
        const plume::engine::Plan plan = plume::engine::Plan::Deserialize(bytes);
        (void)plan.Serialize();
        break;
      }
      case 2:
        plume::ranks::DecodeCredit(bytes);
        break;
      case 3:
        plume::ranks::DecodeControl(bytes);
        break;
      case 4:
        plume::ranks::DecodeStatus(bytes);
        break;
      default:
        plume::ranks::PeekFrame(bytes);
        plume::engine::DecodeBatch(bytes.substr(sizeof(plume::ranks::FrameHeader)));
        break;
    }
  } catch (const std::runtime_error&) {
  }
  return 0;
}
