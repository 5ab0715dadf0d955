// The wire protocol between the gateway, team leaders and data ranks (docs/PROTOCOL.md).
//
// Every message is one contiguous byte buffer sent with one isend:
//   - control/status messages: the fields of the structs below in serialize()'s order
//     (docs/PROTOCOL.md), decoded with every length checked against the buffer;
//   - batch frames (Tag::kData): a fixed 32-byte FrameHeader followed by engine::EncodeBatch
//     bytes, so no per-row serialization pass is paid;
//   - credits (Tag::kCredit): a fixed 24-byte CreditMsg (EncodeCredit / DecodeCredit).
// A cancel goes both ways: directly from rank 0 to every data rank (Tag::kCancel, world comm),
// each of which confirms its stop directly (Tag::kStopped), and through the leaders (kControl),
// which is ordered after the start it cancels and so stops a run the direct one arrived before.
// The protocol's rules are value types here, used by every role: CreditWindow (a sender's
// share of its receiver's window), CreditLedger (a receiver's credits due back), StreamTally
// (how many frames precede an end), CountMsg / StreamDoneMsg (the status messages).
// MPI orders messages only per (source, tag, communicator). Start and Cancel travel on the
// same tag (kControl), so a Cancel never overtakes its Start; StatusMsg::batches says how many
// frames precede an end-of-stream, so a status that overtakes data is still correct.
// Nothing here blocks. Decode* throw std::runtime_error on a malformed buffer.
#pragma once

#include <cstdint>
#include <deque>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/batch.h"
#include "engine/query.h"
#include "ranks/compression.h"

namespace plume::ranks {

enum class Tag : int {
  kControl = 1,    // gateway -> leaders -> team: ControlMsg (start, cancel, shutdown)
  kStatus = 2,     // team -> leader -> gateway: StatusMsg (count, rank done, stream done)
  kData = 3,       // team -> leader -> gateway: FrameHeader + encoded batch
  kCredit = 4,     // receiver -> sender: CreditMsg (batches consumed)
  kHeartbeat = 5,  // rank 0 <-> every other rank (world comm): one byte, "still here"
  // data rank <-> data rank (world comm), the hash exchange (exchange.h):
  kExchangeData = 6,    // ExchangeHeader + encoded batch
  kExchangeEnd = 7,     // ExchangeHeader: the sender's stream ends after `a` frames
  kExchangeCredit = 8,  // ExchangeHeader: `a` frames of `b` bytes consumed
  kStartup = 9,         // every rank <-> rank 0 (world comm) before ready: startup.h
  // rank 0 <-> every data rank (world comm), the direct cancel (docs/PROTOCOL.md "Cancel"):
  kCancel = 10,   // gateway -> data rank: ControlMsg kCancel {request, stage}
  kStopped = 11,  // data rank -> gateway: StatusMsg kRankDone {request, stage, kCancelled}
};
inline constexpr int kTagCount = 12;  // tags are 1 .. kTagCount - 1

inline int TagValue(Tag tag) { return static_cast<int>(tag); }

enum class ControlKind : std::uint8_t { kStart, kCancel, kShutdown };

struct ControlMsg {
  ControlKind kind = ControlKind::kStart;
  std::uint64_t request = 0;
  std::string plan;              // kStart: engine::Plan::Serialize()
  std::uint32_t batch_rows = 0;  // kStart: rows per batch a data rank produces
  std::uint32_t window = 0;      // kStart: unacknowledged batches allowed per sender
  std::uint64_t window_bytes = std::numeric_limits<std::uint64_t>::max();  // and bytes
  // kStart: engine::RowText: the data ranks send the rows' csv/json lines (Plan::WithRowText).
  std::uint8_t row_text = 0;
  // kStart: engine::WindowStage::Serialize() when `plan` reads the windows of a stage the data
  // ranks compute after a hash exchange (ranks/window_run.h); empty otherwise. Only data ranks
  // read it: leaders and the gateway merge `plan`'s streams as for any plan.
  std::string window_stage{};
  // kStart: the statement's stage this start runs (a multi-stage statement reuses its request
  // id); kCancel: the stage to stop. A direct cancel (Tag::kCancel, world comm) may overtake
  // the start of the next stage, which travels through the leader: the stage tells them apart.
  std::uint32_t stage = 0;

  template <class Archive>
  void serialize(Archive& ar, unsigned /*version*/) {
    ar& kind& request& plan& batch_rows& window& window_bytes& row_text& window_stage& stage;
  }
};

// The plan a kStart carries, as every rank runs it: Plan::Deserialize then WithRowText.
// Throws std::runtime_error for a malformed plan or an unknown row_text.
engine::Plan StartPlan(const ControlMsg& start);

enum class StatusKind : std::uint8_t {
  kCount,       // `rank` will emit `rows` rows for `request` (sent before any of its frames)
  kRankDone,    // `rank` stopped producing: sent `rows` rows; outcome + error
  kStreamDone,  // the sender's stream to this receiver ends after `batches` frames
};

enum class Outcome : std::uint8_t { kOk, kCancelled, kFailed };

struct StatusMsg {
  StatusKind kind = StatusKind::kCount;
  std::uint64_t request = 0;
  std::int32_t rank = 0;  // world rank the figures are about
  std::uint64_t rows = 0;
  std::uint64_t batches = 0;
  Outcome outcome = Outcome::kOk;
  std::string error;  // kFailed: "rank N: what went wrong"
  // Tag::kStopped only: the stage (ControlMsg::stage) the data rank stopped; 0 elsewhere.
  std::uint32_t stage = 0;

  template <class Archive>
  void serialize(Archive& ar, unsigned /*version*/) {
    ar& kind& request& rank& rows& batches& outcome& error& stage;
  }
};

// Prefix of every data frame. `origin` is the world rank whose partition produced the rows
// when the frame is forwarded unchanged, or the leader when it holds merged rows.
struct FrameHeader {
  std::uint64_t request = 0;
  std::uint64_t sequence = 0;  // 0-based per (request, sender)
  std::uint32_t rows = 0;
  std::int32_t origin = 0;
  std::uint32_t magic = kMagic;
  std::uint32_t codec = 0;  // Codec (compression.h) of the bytes after the header; 0 = none

  static constexpr std::uint32_t kMagic = 0x504c4d46;  // "PLMF" as a number; "FMLP" in LE bytes
};
static_assert(sizeof(FrameHeader) == 32);

// `rank` (a world rank) will emit `rows` rows for `request`; sent before any of its frames.
StatusMsg CountMsg(std::uint64_t request, int rank, std::uint64_t rows);
// The sender `rank` ends its stream of `request` after `batches` frames.
StatusMsg StreamDoneMsg(std::uint64_t request, int rank, std::uint64_t batches, Outcome outcome,
                        std::string error);

// Returns `batches` frames of `bytes` bytes in total to the sender's window for `request`.
struct CreditMsg {
  std::uint64_t request = 0;
  std::uint64_t batches = 0;
  std::uint64_t bytes = 0;
};
static_assert(sizeof(CreditMsg) == 24);
std::string EncodeCredit(const CreditMsg& msg);
// Throws std::runtime_error unless `bytes` is exactly one CreditMsg.
CreditMsg DecodeCredit(std::string_view bytes);

// A sender's view of its receiver's window for one request: it may send while fewer than
// `batches` frames and fewer than `bytes` bytes are unacknowledged (so one frame larger than
// the byte window still goes, alone). Credits return what the receiver consumed.
class CreditWindow {
 public:
  CreditWindow() = default;  // no credit at all
  CreditWindow(std::uint64_t batches, std::uint64_t bytes) : batches_(batches), bytes_(bytes) {}
  explicit CreditWindow(const ControlMsg& start) : CreditWindow(start.window, start.window_bytes) {}

  bool open() const { return used_batches_ < batches_ && used_bytes_ < bytes_; }
  // A frame of `frame_bytes` bytes went out.
  void Spend(std::uint64_t frame_bytes);
  // The receiver consumed what `credit` says (never more than is in flight).
  void Return(const CreditMsg& credit);
  std::uint64_t in_flight_batches() const { return used_batches_; }
  std::uint64_t in_flight_bytes() const { return used_bytes_; }

 private:
  std::uint64_t batches_ = 0, bytes_ = 0;
  std::uint64_t used_batches_ = 0, used_bytes_ = 0;
};

// A receiver's record of one sender's frames for one request: frames are consumed in the order
// they arrived, and what was consumed is due back to the sender as one CreditMsg.
class CreditLedger {
 public:
  void Received(std::uint64_t frame_bytes) { held_.push_back(frame_bytes); }
  // The oldest frame still held left this receiver. Throws std::logic_error if none is held.
  void Consumed();
  bool due() const { return due_.batches > 0; }
  // The credit due, and resets it.
  CreditMsg TakeDue(std::uint64_t request);
  std::size_t held() const { return held_.size(); }

 private:
  std::deque<std::uint64_t> held_;
  CreditMsg due_;
};

// End-of-stream accounting for one sender's stream: the end (kStreamDone) may overtake the
// frames before it, so the stream closes only once the end arrived and all the frames it
// announced are in. OnFrame/OnEnd return true on the call that closed the stream.
class StreamTally {
 public:
  bool OnFrame();
  bool OnEnd(std::uint64_t batches);
  bool closed() const { return closed_; }
  std::uint64_t received() const { return received_; }

 private:
  bool Check();
  std::uint64_t received_ = 0;
  std::optional<std::uint64_t> expected_;
  bool closed_ = false;
};

std::string EncodeControl(const ControlMsg& msg);
ControlMsg DecodeControl(std::string_view bytes);
std::string EncodeStatus(const StatusMsg& msg);
StatusMsg DecodeStatus(std::string_view bytes);

// Reads the header of a frame; throws if the buffer is shorter than a header or the magic is
// wrong. The batch bytes start at bytes.substr(sizeof(FrameHeader)).
FrameHeader PeekFrame(std::string_view bytes);
// Builds a frame: header + EncodeBatch(batch). `size_hint` (e.g. the previous frame's size
// scaled to this batch) is reserved up front so encoding does not reallocate as it grows.
std::string EncodeFrame(const FrameHeader& header, const engine::Batch& batch,
                        std::size_t size_hint);
// One sender's frame builder: sizes each frame's buffer from the previous frame's bytes per row,
// so a stream of similar batches encodes without reallocating.
class FrameEncoder {
 public:
  std::string Encode(const FrameHeader& header, const engine::Batch& batch);

 private:
  std::size_t bytes_per_row_ = 0;
};
// Overwrites the header of an already-built frame (used by leaders that forward unchanged). The
// frame keeps its own codec (its body is not touched): header.codec is ignored.
void RewriteFrame(const FrameHeader& header, std::string* frame);
// Compresses the body of an uncompressed frame with `codec` (and sets its header's codec). Leaves
// the frame as it is for kNone, for a frame already compressed, and when compressing would not
// make it smaller. Returns whether the frame is compressed now.
bool CompressFrame(Codec codec, std::string* frame);
// The encoded batch of a frame: its body, or the body decompressed into *scratch. Throws
// std::runtime_error (CompressionError) for a corrupt compressed body.
std::string_view FrameBody(std::string_view frame, std::string* scratch);

// Startup compatibility (Runtime's collective startup): every rank sends rank 0 its
// BuildIdentity(); ranks whose identity differs from rank 0's are refused, so ranks built from
// different plume versions never exchange a message they might read differently.
// kProtocolVersion goes up whenever a message's layout or meaning changes.
// 3: batch format 3 (HUGEINT columns), sum(INTEGER/BIGINT) results are HUGEINT.
// 4: the direct cancel: Tag::kCancel / Tag::kStopped between rank 0 and every data rank, and
//    the stage in ControlMsg and StatusMsg.
inline constexpr std::uint32_t kProtocolVersion = 4;
// "plume 0.1.0, protocol 1, commit 1a2b3c4" (the commit cmake was configured at, when known);
// $PLUME_BUILD_IDENTITY instead when set (for tests).
std::string BuildIdentity();
// One entry per world rank: "" when `identities[r]` equals rank 0's, else why rank r is
// refused ("runs plume ... but rank 0 runs plume ...").
std::vector<std::string> VersionMismatches(const std::vector<std::string>& identities);

}  // namespace plume::ranks
