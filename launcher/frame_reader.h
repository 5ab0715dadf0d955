// Splits rank 0's output stream into text and the frames the prompt puts in it
// (ranks/frontend/launcher_protocol.h). Bytes may arrive cut anywhere: a frame cut in two is
// held until its end arrives; text passes on at once (but for a tail that may start a frame).
// Pure: no I/O, never throws.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace plume::launcher {

struct StreamEvent {
  enum class Kind { kText, kFrame };
  Kind kind = Kind::kText;
  std::string kind_name;  // kFrame: "prompt", "words", ...
  std::string text;       // kText: the bytes; kFrame: the payload
};

class FrameReader {
 public:
  // The events `bytes` completes, in stream order (adjacent text merged).
  std::vector<StreamEvent> Feed(std::string_view bytes);
  // The held tail at the end of the stream (a frame that never ended counts as text).
  std::string Finish();

 private:
  std::string held_;  // a possible frame start, or a started frame
};

}  // namespace plume::launcher
