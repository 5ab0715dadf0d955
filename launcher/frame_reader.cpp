#include "launcher/frame_reader.h"

#include <utility>

#include "ranks/frontend/launcher_protocol.h"

namespace plume::launcher {
namespace {

using frontend::kFrameEnd;
using frontend::kFrameStart;

// A frame held longer than this is not one of ours: it is shown as text.
constexpr std::size_t kMaxFrameBytes = std::size_t{1} << 20;

void AddText(std::vector<StreamEvent>* events, std::string_view text) {
  if (text.empty()) return;
  if (!events->empty() && events->back().kind == StreamEvent::Kind::kText) {
    events->back().text.append(text);
  } else {
    events->push_back({StreamEvent::Kind::kText, "", std::string(text)});
  }
}

// The frame in `frame` (start marker ... end byte) as an event.
StreamEvent FrameEvent(std::string_view frame) {
  std::string_view body = frame.substr(kFrameStart.size(), frame.size() - kFrameStart.size() - 1);
  std::size_t semi = body.find(';');
  StreamEvent e{StreamEvent::Kind::kFrame, std::string(body.substr(0, semi)), ""};
  if (semi != std::string_view::npos) e.text = std::string(body.substr(semi + 1));
  return e;
}

}  // namespace

std::vector<StreamEvent> FrameReader::Feed(std::string_view bytes) {
  std::vector<StreamEvent> events;
  std::string data = std::move(held_);
  data.append(bytes);
  held_.clear();
  std::size_t pos = 0;
  while (pos < data.size()) {
    std::size_t esc = data.find('\x1b', pos);
    if (esc == std::string::npos) {
      AddText(&events, std::string_view(data).substr(pos));
      break;
    }
    AddText(&events, std::string_view(data).substr(pos, esc - pos));
    std::string_view rest = std::string_view(data).substr(esc);
    if (rest.size() < kFrameStart.size()) {
      if (kFrameStart.starts_with(rest)) {  // may become a frame: wait for more
        held_ = std::string(rest);
        break;
      }
    } else if (rest.starts_with(kFrameStart)) {
      std::size_t end = rest.find(kFrameEnd);
      if (end != std::string_view::npos) {
        events.push_back(FrameEvent(rest.substr(0, end + 1)));
        pos = esc + end + 1;
        continue;
      }
      if (rest.size() <= kMaxFrameBytes) {
        held_ = std::string(rest);
        break;
      }
    }
    AddText(&events, rest.substr(0, 1));  // an escape sequence of someone else's
    pos = esc + 1;
  }
  return events;
}

std::string FrameReader::Finish() { return std::exchange(held_, std::string()); }

}  // namespace plume::launcher
