#include "ranks/exchange.h"

#include <cstring>
#include <stdexcept>
#include <utility>

namespace plume::ranks {
namespace {

std::runtime_error Malformed(const std::string& what) {
  return std::runtime_error("malformed exchange message: " + what);
}

}  // namespace

std::string EncodeExchangeHeader(const ExchangeHeader& header) {
  std::string bytes(sizeof header, '\0');
  std::memcpy(bytes.data(), &header, sizeof header);
  return bytes;
}

ExchangeHeader DecodeExchangeHeader(std::string_view bytes) {
  ExchangeHeader header;
  if (bytes.size() < sizeof header) {
    throw Malformed(std::to_string(bytes.size()) + " bytes, shorter than its header");
  }
  std::memcpy(&header, bytes.data(), sizeof header);
  if (header.magic != ExchangeHeader::kMagic) throw Malformed("bad magic");
  return header;
}

Exchange::Exchange(ExchangeKey key, int self, int parts, Outbox& out, CreditWindow window)
    : key_(key), self_(self), out_(out), peers_(static_cast<std::size_t>(parts)) {
  if (self < 0 || self >= parts) throw std::logic_error("Exchange: own part out of range");
  for (Peer& p : peers_) p.window = window;
}

bool Exchange::CanOffer(int part) const {
  if (part < 0 || part >= parts()) return false;
  return part == self_ || peers_[static_cast<std::size_t>(part)].window.open();
}

void Exchange::Offer(int part, const engine::Batch& batch) {
  if (part < 0 || part >= parts()) throw std::logic_error("Exchange::Offer: no such part");
  if (finished_sending_) throw std::logic_error("Exchange::Offer after FinishSending");
  if (batch.rows == 0) return;
  Peer& peer = peers_[static_cast<std::size_t>(part)];
  if (part == self_) {
    peer.local.push_back(batch);
    return;
  }
  ExchangeHeader header{key_.request, key_.stage, ExchangeHeader::kMagic, peer.sent, batch.rows};
  std::string frame = EncodeExchangeHeader(header);
  engine::EncodeBatch(batch, &frame);
  peer.window.Spend(frame.size());
  ++peer.sent;
  out_.Send(part + 1, Tag::kExchangeData, std::move(frame));
}

void Exchange::FinishSending() {
  if (finished_sending_) return;
  finished_sending_ = true;
  for (int part = 0; part < parts(); ++part) {
    Peer& peer = peers_[static_cast<std::size_t>(part)];
    if (part == self_) {
      peer.tally.OnEnd(0);  // local batches are queued directly: nothing is in flight
      continue;
    }
    ExchangeHeader end{key_.request, key_.stage, ExchangeHeader::kMagic, peer.sent, 0};
    out_.Send(part + 1, Tag::kExchangeEnd, EncodeExchangeHeader(end));
  }
}

bool Exchange::TakeFrom(int part, engine::Batch* batch) {
  Peer& peer = peers_[static_cast<std::size_t>(part)];
  if (!peer.local.empty()) {
    *batch = std::move(peer.local.front());
    peer.local.pop_front();
    return true;
  }
  if (peer.in.empty()) return false;
  std::string frame = std::move(peer.in.front());
  peer.in.pop_front();
  peer.ledger.Consumed();
  *batch = engine::DecodeBatch(std::string_view(frame).substr(sizeof(ExchangeHeader)));
  return true;
}

bool Exchange::Receive(int* from, engine::Batch* batch) {
  for (int tried = 0; tried < parts(); ++tried) {
    const int part = (next_ + tried) % parts();
    if (TakeFrom(part, batch)) {
      next_ = (part + 1) % parts();
      *from = part;
      return true;
    }
  }
  return false;
}

bool Exchange::Closed(int part) const {
  const Peer& peer = peers_.at(static_cast<std::size_t>(part));
  return peer.tally.closed() && peer.in.empty() && peer.local.empty();
}

bool Exchange::AllClosed() const {
  for (int part = 0; part < parts(); ++part) {
    if (!Closed(part)) return false;
  }
  return true;
}

std::size_t Exchange::held() const {
  std::size_t n = 0;
  for (const Peer& p : peers_) n += p.in.size() + p.local.size();
  return n;
}

void Exchange::OnFrame(int part, std::string frame) {
  Peer& peer = peers_.at(static_cast<std::size_t>(part));
  if (part == self_) throw Malformed("a frame from this rank to itself");
  if (peer.tally.closed()) throw Malformed("a frame after the end of its stream");
  peer.ledger.Received(frame.size());
  peer.in.push_back(std::move(frame));
  peer.tally.OnFrame();
}

void Exchange::OnEnd(int part, std::uint64_t frames) {
  if (part == self_) throw Malformed("an end from this rank to itself");
  peers_.at(static_cast<std::size_t>(part)).tally.OnEnd(frames);
}

void Exchange::OnCredit(int part, std::uint64_t frames, std::uint64_t bytes) {
  peers_.at(static_cast<std::size_t>(part)).window.Return({key_.request, frames, bytes});
}

bool Exchange::ReturnCredits() {
  bool sent = false;
  for (int part = 0; part < parts(); ++part) {
    Peer& peer = peers_[static_cast<std::size_t>(part)];
    if (part == self_ || !peer.ledger.due() || peer.tally.closed()) continue;
    const CreditMsg due = peer.ledger.TakeDue(key_.request);
    ExchangeHeader credit{key_.request, key_.stage, ExchangeHeader::kMagic, due.batches, due.bytes};
    out_.Send(part + 1, Tag::kExchangeCredit, EncodeExchangeHeader(credit));
    sent = true;
  }
  return sent;
}

ExchangeHub::ExchangeHub(int self, int parts, Outbox& out, Inbox& in)
    : self_(self), parts_(parts), out_(out), in_(in) {}

ExchangeHub::~ExchangeHub() = default;

Exchange& ExchangeHub::Open(ExchangeKey key, CreditWindow window) {
  if (forgotten_.count(key.request) != 0 || open_.count(key) != 0) {
    throw std::logic_error("ExchangeHub::Open: exchange " + std::to_string(key.request) + "." +
                           std::to_string(key.stage) + " was opened before");
  }
  auto x = std::make_unique<Exchange>(key, self_, parts_, out_, window);
  Exchange& ref = *x;
  open_[key] = std::move(x);
  auto early = early_.find(key);
  if (early != early_.end()) {
    std::vector<Early> held = std::move(early->second);
    early_.erase(early);
    for (Early& e : held) Deliver(ref, e.tag, e.part, std::move(e.bytes));
  }
  return ref;
}

Exchange* ExchangeHub::Find(ExchangeKey key) {
  auto it = open_.find(key);
  return it == open_.end() ? nullptr : it->second.get();
}

void ExchangeHub::Forget(std::uint64_t request) {
  forgotten_.insert(request);
  auto drop = [request](auto& map) {
    for (auto it = map.lower_bound({request, 0}); it != map.end() && it->first.request == request;)
      it = map.erase(it);
  };
  drop(open_);
  drop(early_);
}

void ExchangeHub::Deliver(Exchange& x, Tag tag, int part, std::string bytes) {
  const ExchangeHeader h = DecodeExchangeHeader(bytes);
  switch (tag) {
    case Tag::kExchangeData:
      x.OnFrame(part, std::move(bytes));
      break;
    case Tag::kExchangeEnd:
      x.OnEnd(part, h.a);
      break;
    default:
      x.OnCredit(part, h.a, h.b);
      break;
  }
}

void ExchangeHub::Dispatch(Tag tag, int part, std::string bytes) {
  if (part < 0 || part >= parts_) throw Malformed("from a rank that is not a data rank");
  const ExchangeHeader h = DecodeExchangeHeader(bytes);
  if (forgotten_.count(h.request) != 0) return;
  const ExchangeKey key{h.request, h.stage};
  if (Exchange* x = Find(key)) {
    Deliver(*x, tag, part, std::move(bytes));
  } else {
    early_[key].push_back({tag, part, std::move(bytes)});
  }
}

bool ExchangeHub::Poll() {
  bool worked = false;
  for (Tag tag : {Tag::kExchangeEnd, Tag::kExchangeCredit, Tag::kExchangeData}) {
    // Frames are bounded per pass (4 per sender), so one pass stays a bounded unit of work.
    const int limit = tag == Tag::kExchangeData ? 4 * parts_ : 1 << 30;
    for (int i = 0; i < limit && in_.Receive(tag, &msg_); ++i) {
      worked = true;
      Dispatch(tag, msg_.source - 1, std::move(msg_.bytes));
    }
  }
  for (auto& [key, x] : open_) worked |= x->ReturnCredits();
  return worked;
}

bool OfferPending(Exchange& exchange, std::vector<engine::Batch>* pending, bool* worked) {
  bool left = false;
  for (std::size_t part = 0; part < pending->size(); ++part) {
    engine::Batch& b = (*pending)[part];
    if (b.rows == 0) continue;
    if (!exchange.CanOffer(static_cast<int>(part))) {
      left = true;
      continue;
    }
    exchange.Offer(static_cast<int>(part), b);
    b = engine::Batch{};
    *worked = true;
  }
  return !left;
}

}  // namespace plume::ranks
