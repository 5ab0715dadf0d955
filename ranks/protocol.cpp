#include "ranks/protocol.h"

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <stdexcept>
#include <type_traits>

namespace plume::ranks {
namespace {

// The byte form of ControlMsg / StatusMsg (docs/PROTOCOL.md), written and read through the
// structs' serialize(): integers as their native (little-endian) bytes, enums as an int32, a
// string as a uint64 length and its bytes, fields in serialize()'s order, nothing else.
class Output {
 public:
  template <class T>
  Output& operator&(const T& value) {
    Save(value);
    return *this;
  }
  std::string Take() && { return std::move(bytes_); }

 private:
  template <class T>
  requires std::is_arithmetic_v<T>
  void Save(T value) { bytes_.append(reinterpret_cast<const char*>(&value), sizeof value); }
  template <class T>
  requires std::is_enum_v<T>
  void Save(T value) { Save(static_cast<std::int32_t>(value)); }
  void Save(const std::string& text) {
    Save(static_cast<std::uint64_t>(text.size()));
    bytes_ += text;
  }

  std::string bytes_;
};

// Reads Output's form back. It checks every length against the bytes left before it allocates
// (Boost's binary_iarchive, used before, resized a string to whatever length a corrupt message
// claimed: gigabytes allocated and zero-filled), and rejects bytes after the last field. A
// field type it does not know fails to compile.
class BoundedInput {
 public:
  BoundedInput(std::string_view bytes, const char* what) : bytes_(bytes), what_(what) {}

  template <class T>
  BoundedInput& operator&(T& value) {
    Load(value);
    return *this;
  }
  void ExpectEnd() const {
    if (pos_ != bytes_.size()) Fail(std::to_string(bytes_.size() - pos_) + " bytes after the end");
  }

 private:
  [[noreturn]] void Fail(const std::string& why) const {
    throw std::runtime_error(std::string("malformed ") + what_ + " message (" +
                             std::to_string(bytes_.size()) + " bytes): " + why);
  }
  void Take(void* out, std::size_t n) {
    if (n > bytes_.size() - pos_) {
      Fail("needs " + std::to_string(n) + " bytes at offset " + std::to_string(pos_) + ", has " +
           std::to_string(bytes_.size() - pos_));
    }
    std::memcpy(out, bytes_.data() + pos_, n);
    pos_ += n;
  }
  template <class T>
  requires std::is_arithmetic_v<T>
  void Load(T& value) { Take(&value, sizeof value); }
  template <class T>
  requires std::is_enum_v<T>
  void Load(T& value) {
    std::int32_t raw = 0;
    Load(raw);
    value = static_cast<T>(raw);
    if (static_cast<std::int32_t>(value) != raw) Fail("enum value " + std::to_string(raw));
  }
  void Load(std::string& text) {
    std::uint64_t length = 0;
    Load(length);
    if (length > bytes_.size() - pos_) {
      Fail("a string of " + std::to_string(length) + " bytes at offset " + std::to_string(pos_) +
           ", only " + std::to_string(bytes_.size() - pos_) + " left");
    }
    text.assign(bytes_.data() + pos_, length);
    pos_ += length;
  }

  std::string_view bytes_;
  const char* what_;
  std::size_t pos_ = 0;
};

template <class T>
std::string Encode(const T& msg) {
  Output out;
  const_cast<T&>(msg).serialize(out, 0);  // serialize() only reads msg when it saves
  return std::move(out).Take();
}

template <class T>
T Decode(std::string_view bytes, const char* what) {
  T msg;
  BoundedInput in(bytes, what);
  msg.serialize(in, 0);
  in.ExpectEnd();
  return msg;
}

}  // namespace

std::string EncodeControl(const ControlMsg& msg) { return Encode(msg); }
ControlMsg DecodeControl(std::string_view bytes) { return Decode<ControlMsg>(bytes, "control"); }

engine::Plan StartPlan(const ControlMsg& start) {
  if (start.row_text > static_cast<std::uint8_t>(engine::kLastRowText)) {
    throw std::runtime_error("unknown row text format " + std::to_string(start.row_text));
  }
  return engine::Plan::Deserialize(start.plan)
      .WithRowText(static_cast<engine::RowText>(start.row_text));
}
std::string EncodeStatus(const StatusMsg& msg) { return Encode(msg); }
StatusMsg DecodeStatus(std::string_view bytes) { return Decode<StatusMsg>(bytes, "status"); }

FrameHeader PeekFrame(std::string_view bytes) {
  FrameHeader header;
  if (bytes.size() < sizeof(FrameHeader)) {
    throw std::runtime_error("malformed data frame: " + std::to_string(bytes.size()) +
                             " bytes, shorter than its header");
  }
  std::memcpy(&header, bytes.data(), sizeof(header));
  if (header.magic != FrameHeader::kMagic) {
    throw std::runtime_error("malformed data frame: bad magic");
  }
  return header;
}

std::string EncodeFrame(const FrameHeader& header, const engine::Batch& batch,
                        std::size_t size_hint) {
  std::string frame;
  frame.reserve(std::max(size_hint, sizeof(FrameHeader)));
  frame.resize(sizeof(FrameHeader));
  RewriteFrame(header, &frame);
  engine::EncodeBatch(batch, &frame);
  return frame;
}

std::string FrameEncoder::Encode(const FrameHeader& header, const engine::Batch& batch) {
  std::string frame = EncodeFrame(header, batch, bytes_per_row_ * (batch.rows + 64));
  if (batch.rows > 0) bytes_per_row_ = frame.size() / batch.rows + 1;
  return frame;
}

StatusMsg CountMsg(std::uint64_t request, int rank, std::uint64_t rows) {
  StatusMsg msg;
  msg.kind = StatusKind::kCount;
  msg.request = request;
  msg.rank = rank;
  msg.rows = rows;
  return msg;
}

StatusMsg StreamDoneMsg(std::uint64_t request, int rank, std::uint64_t batches, Outcome outcome,
                        std::string error) {
  StatusMsg msg;
  msg.kind = StatusKind::kStreamDone;
  msg.request = request;
  msg.rank = rank;
  msg.batches = batches;
  msg.outcome = outcome;
  msg.error = std::move(error);
  return msg;
}

std::string EncodeCredit(const CreditMsg& msg) {
  std::string bytes(sizeof(msg), '\0');
  std::memcpy(bytes.data(), &msg, sizeof(msg));
  return bytes;
}

CreditMsg DecodeCredit(std::string_view bytes) {
  CreditMsg msg;
  if (bytes.size() != sizeof(msg)) {
    throw std::runtime_error("malformed credit message: " + std::to_string(bytes.size()) +
                             " bytes, expected " + std::to_string(sizeof(msg)));
  }
  std::memcpy(&msg, bytes.data(), sizeof(msg));
  return msg;
}

void CreditWindow::Spend(std::uint64_t frame_bytes) {
  ++used_batches_;
  used_bytes_ += frame_bytes;
}

void CreditWindow::Return(const CreditMsg& credit) {
  used_batches_ -= std::min(credit.batches, used_batches_);
  used_bytes_ -= std::min(credit.bytes, used_bytes_);
}

void CreditLedger::Consumed() {
  if (held_.empty()) throw std::logic_error("credit ledger: a frame was consumed but none is held");
  ++due_.batches;
  due_.bytes += held_.front();
  held_.pop_front();
}

CreditMsg CreditLedger::TakeDue(std::uint64_t request) {
  CreditMsg due = due_;
  due.request = request;
  due_ = CreditMsg{};
  return due;
}

bool StreamTally::OnFrame() {
  ++received_;
  return Check();
}

bool StreamTally::OnEnd(std::uint64_t batches) {
  expected_ = batches;
  return Check();
}

bool StreamTally::Check() {
  if (closed_ || !expected_ || received_ < *expected_) return false;
  closed_ = true;
  return true;
}

void RewriteFrame(const FrameHeader& header, std::string* frame) {
  if (frame->size() < sizeof(FrameHeader)) frame->resize(sizeof(FrameHeader));
  FrameHeader h = header;
  std::memcpy(&h.codec, frame->data() + offsetof(FrameHeader, codec), sizeof(h.codec));
  std::memcpy(frame->data(), &h, sizeof(h));
}

bool CompressFrame(Codec codec, std::string* frame) {
  FrameHeader header = PeekFrame(*frame);
  if (header.codec != 0) return true;
  if (codec == Codec::kNone) return false;
  std::string packed(sizeof(FrameHeader), '\0');
  packed.reserve(frame->size() / 2);
  Compress(codec, std::string_view(*frame).substr(sizeof(FrameHeader)), &packed);
  if (packed.size() >= frame->size()) return false;
  header.codec = static_cast<std::uint32_t>(codec);
  std::memcpy(packed.data(), &header, sizeof(header));
  *frame = std::move(packed);
  return true;
}

std::string_view FrameBody(std::string_view frame, std::string* scratch) {
  const FrameHeader header = PeekFrame(frame);
  const std::string_view body = frame.substr(sizeof(FrameHeader));
  if (header.codec == 0) return body;
  Decompress(static_cast<Codec>(header.codec), body, scratch);
  return *scratch;
}

std::string BuildIdentity() {
  // Lets a test (tests/ranks/build_mismatch_test.sh) start one rank that claims another build.
  if (const char* claimed = std::getenv("PLUME_BUILD_IDENTITY"); claimed && *claimed) {
    return claimed;
  }
  std::string id = "plume " PLUME_VERSION ", protocol " + std::to_string(kProtocolVersion);
  const std::string commit = PLUME_COMMIT;
  if (!commit.empty()) id += ", commit " + commit;
  return id;
}

std::vector<std::string> VersionMismatches(const std::vector<std::string>& identities) {
  std::vector<std::string> why(identities.size());
  for (std::size_t r = 1; r < identities.size(); ++r) {
    if (identities[r] == identities[0]) continue;
    why[r] = "runs " + identities[r] + " but rank 0 runs " + identities[0] +
             ": every host needs the same plume build";
  }
  return why;
}

}  // namespace plume::ranks
