// A nonblocking all-to-all between the data ranks (docs/PROTOCOL.md "Hash exchange"): each data
// rank hands batches (any rows: partial groups, plain rows, window partitions) to the part that
// owns them, and receives from every data rank the batches meant for its own part.
//
// Parts: the n data ranks of the world, part p = world rank p + 1 (the gateway takes no part).
// One Exchange is one stream per (sender, receiver) for one ExchangeKey (request, stage): a
// statement may run several exchanges, one per stage, and each is independent.
//
// Use, from a data rank's loop (single-threaded; no call blocks; nothing waits in MPI):
//   Exchange& x = hub.Open(key, window);            // on kStart, on every data rank
//   while (have rows) if (x.CanOffer(p)) x.Offer(p, batch);   // within p's credit window
//   x.FinishSending();                              // after the last Offer: ends all n streams
//   each pass: hub.Poll();                          // messages in; credits due go out
//              while (x.Receive(&from, &batch)) ... // batches in arrival order per sender
//              x.Closed(from) / x.AllClosed()       // sender's stream ended, all of it taken
//   hub.Forget(key.request);                        // the request ended here (any outcome)
// A batch offered to the rank's own part never touches MPI (it is queued for Receive at once).
//
// Flow control: per (key, sender, receiver) a CreditWindow of `window` frames / bytes
// (protocol.h); a frame's credit goes back once Receive handed it over, so a rank holds at most
// n x window frames of one exchange that it has not taken. A receiver that takes everything it
// is given (an aggregate merge) can therefore never deadlock the all-to-all.
// Ordering: per sender, batches are received in the order offered; the end of a stream may
// overtake its frames (StreamTally). Messages for a key not open yet (a peer that started the
// request sooner) are held until Open; messages for a forgotten request are dropped.
// Failure and cancel are the request's business: the statement's cancel reaches every data
// rank through the tree, which then Forgets; a lost peer is named by the gateway's liveness.
// Errors: a malformed message throws std::runtime_error from Poll (a protocol violation);
// Offer after FinishSending, or to a part out of range, throws std::logic_error.
#pragma once

#include <compare>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engine/batch.h"
#include "ranks/outbox.h"
#include "ranks/protocol.h"

namespace plume::ranks {

struct ExchangeKey {
  std::uint64_t request = 0;
  std::uint32_t stage = 0;  // 0 for the first exchange of a statement, then 1, 2, ...
  // clang-tidy 14 flags the 0 of the synthesized comparison (llvm/llvm-project#53961, fixed in
  // 18). The suppression must be on the line right above the declaration, not above this note.
  // NOLINTNEXTLINE(modernize-use-nullptr): false positive, see above
  auto operator<=>(const ExchangeKey&) const = default;
};

// The wire form of the three exchange messages (world communicator, tags kExchangeData,
// kExchangeEnd, kExchangeCredit), each a fixed little-endian header; a frame's header is
// followed by engine::EncodeBatch bytes.
struct ExchangeHeader {
  std::uint64_t request = 0;
  std::uint32_t stage = 0;
  std::uint32_t magic = kMagic;
  std::uint64_t a = 0;  // frame: sequence; end: frames sent before it; credit: frames
  std::uint64_t b = 0;  // frame: rows; end: 0; credit: bytes

  static constexpr std::uint32_t kMagic = 0x584d4c50;  // "PLMX" in little-endian bytes
};
static_assert(sizeof(ExchangeHeader) == 32);
std::string EncodeExchangeHeader(const ExchangeHeader& header);
// Throws std::runtime_error when `bytes` is shorter than a header or the magic is wrong.
ExchangeHeader DecodeExchangeHeader(std::string_view bytes);

class Exchange {
 public:
  // `self`: this rank's part; `parts`: the number of data ranks; `out` on the world
  // communicator (part p is world rank p + 1). Use ExchangeHub::Open rather than this.
  Exchange(ExchangeKey key, int self, int parts, Outbox& out, CreditWindow window);
  Exchange(const Exchange&) = delete;
  Exchange& operator=(const Exchange&) = delete;

  const ExchangeKey& key() const { return key_; }
  int self() const { return self_; }
  int parts() const { return static_cast<int>(peers_.size()); }

  // True when a batch may be offered to `part` now (its credit window is open; always for
  // self).
  bool CanOffer(int part) const;
  // Sends `batch` to `part` (owned by the outbox until sent). Empty batches are not sent.
  void Offer(int part, const engine::Batch& batch);
  // Ends this rank's stream to every part; call once, after the last Offer.
  void FinishSending();
  bool finished_sending() const { return finished_sending_; }

  // The next batch received from any sender (round-robin over senders); its credit becomes due.
  bool Receive(int* from, engine::Batch* batch);
  // The stream from `part` ended and every batch of it was handed over by Receive.
  bool Closed(int part) const;
  bool AllClosed() const;
  // Frames received and not handed over yet (all senders).
  std::size_t held() const;

  // Called by ExchangeHub with the messages from world rank part + 1.
  void OnFrame(int part, std::string frame);
  void OnEnd(int part, std::uint64_t frames);
  void OnCredit(int part, std::uint64_t frames, std::uint64_t bytes);
  // Sends the credits due to every sender whose stream is still open. True if it sent any.
  bool ReturnCredits();

 private:
  struct Peer {
    CreditWindow window;              // this rank -> peer
    std::uint64_t sent = 0;           // frames sent to the peer
    std::deque<std::string> in;       // frames from the peer, not handed over yet
    std::deque<engine::Batch> local;  // self only: batches offered to the own part
    CreditLedger ledger;              // frames from the peer handed over, credit due
    StreamTally tally;                // the peer's stream to this rank
  };
  bool TakeFrom(int part, engine::Batch* batch);

  ExchangeKey key_;
  int self_;
  Outbox& out_;
  std::vector<Peer> peers_;
  bool finished_sending_ = false;
  int next_ = 0;  // round-robin start of Receive
  std::string scratch_;
};

// Offers every non-empty batch of *pending (index = part) whose part's credit window is open,
// leaving an empty batch in its place. Returns true when none is left; *worked is set when any
// went out.
bool OfferPending(Exchange& exchange, std::vector<engine::Batch>* pending, bool* worked);

// Routes a rank's exchange messages to its open exchanges. One per data rank, owned by its
// loop, on the world communicator (shared with the heartbeats, which use another tag).
class ExchangeHub {
 public:
  // `self`: this rank's part (world rank - 1); `parts`: the number of data ranks.
  ExchangeHub(int self, int parts, Outbox& out, Inbox& in);
  ~ExchangeHub();
  ExchangeHub(const ExchangeHub&) = delete;
  ExchangeHub& operator=(const ExchangeHub&) = delete;

  // Opens the exchange `key` (messages that came early are delivered to it now). Throws
  // std::logic_error when it is open already or its request was forgotten.
  Exchange& Open(ExchangeKey key, CreditWindow window);
  Exchange* Find(ExchangeKey key);
  // The request ended on this rank: closes its exchanges; later messages for it are dropped.
  void Forget(std::uint64_t request);
  // Takes every complete exchange message and returns the credits due. True if it did work.
  bool Poll();
  int self() const { return self_; }
  int parts() const { return parts_; }
  bool Busy() const { return !open_.empty(); }

 private:
  struct Early {
    Tag tag;
    int part;
    std::string bytes;
  };
  void Dispatch(Tag tag, int part, std::string bytes);
  void Deliver(Exchange& x, Tag tag, int part, std::string bytes);

  int self_;
  int parts_;
  Outbox& out_;
  Inbox& in_;
  std::map<ExchangeKey, std::unique_ptr<Exchange>> open_;
  std::map<ExchangeKey, std::vector<Early>> early_;
  std::set<std::uint64_t> forgotten_;
  Message msg_;
};

}  // namespace plume::ranks
