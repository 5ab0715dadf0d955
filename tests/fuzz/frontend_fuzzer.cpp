// libFuzzer target: what a user types, through the statement splitter and the meta-command
// parser (the front end's pure text processing: no I/O). Nothing here may throw; every piece
// of text typed must come back in some piece or stay pending.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ranks/frontend/meta_command.h"
#include "ranks/frontend/statement_splitter.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace fe = plume::frontend;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  fe::StatementSplitter splitter;
  fe::Piece piece;
  auto drain = [&] {
    while (splitter.Next(&piece)) {
      if (piece.kind != fe::Piece::Kind::kMeta) continue;
      std::string error;
      (void)fe::ParseMeta(piece.text, &error);
      std::vector<std::string> words;
      (void)fe::SplitWords(piece.text, &words, &error);
      (void)fe::DotCommandHint(piece.text);
    }
  };
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    splitter.AddLine(text.substr(pos, end - pos));
    drain();
    pos = end + 1;
  }
  splitter.Finish();
  drain();
  if (splitter.InStatement()) __builtin_trap();  // Finish() turns a pending statement into a piece
  return 0;
}
