// The channel between the terminal launcher (launcher/, the plume-launcher binary that
// scripts/plume-shell starts at a terminal) and rank 0's prompt. Header only: the launcher
// uses these constants without linking the front end. docs/PROTOCOL.md, "The launcher channel".
//
// Rank 0 -> launcher: rank 0's standard output, as text, with frames in it when PLUME_FRAMES=1.
// A frame is a private OSC escape sequence, ESC ] plume ; KIND ; PAYLOAD BEL, so one stream
// keeps text and frames in order (mpirun forwards stdout and stderr separately and loses their
// relative order). A terminal shown such a frame by mistake ignores it. PAYLOAD holds no BEL
// and no ESC.
//   prompt : rank 0 waits for input; the payload is the prompt ("plume> " or "   ...> ").
//   words  : once, before the first prompt: the words Tab completes (table, columns,
//            functions, keywords, meta commands), separated by spaces.
// Launcher -> rank 0: lines on stdin. A typed line, the interrupt line (kInterruptLine in
// meta_command.h), or a columns line (kColumnsLinePrefix + the width in digits) after a
// resize. The launcher never sends a typed line that starts with ESC or is the interrupt line.
#pragma once

#include <string>
#include <string_view>

namespace plume::frontend {

inline constexpr std::string_view kFrameStart = "\x1b]plume;";
inline constexpr char kFrameEnd = '\x07';
inline constexpr std::string_view kPromptFrame = "prompt";
inline constexpr std::string_view kWordsFrame = "words";
inline constexpr std::string_view kColumnsLinePrefix = "\x1b]plume;columns;";

// The frame KIND carrying `payload` (its BEL and ESC bytes dropped).
inline std::string LauncherFrame(std::string_view kind, std::string_view payload) {
  std::string frame(kFrameStart);
  frame.append(kind).push_back(';');
  for (char c : payload) {
    if (c != kFrameEnd && c != '\x1b') frame.push_back(c);
  }
  frame.push_back(kFrameEnd);
  return frame;
}

}  // namespace plume::frontend
