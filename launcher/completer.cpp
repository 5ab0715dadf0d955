#include "launcher/completer.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace plume::launcher {
namespace {

bool WordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool HasUpper(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return std::isupper(c) != 0; });
}

// The quote a file word is open in ('\0' for none), from the word's first character.
char OpenQuote(std::string_view word) {
  return !word.empty() && (word[0] == '\'' || word[0] == '"') ? word[0] : '\0';
}

// Inside a '...' literal at the end of `text`? (Doubled quotes stay inside; "..." are names.)
bool InStringLiteral(std::string_view text, std::size_t* quote_at) {
  bool in = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\'') {
      in = !in;
      if (in) *quote_at = i;
    }
  }
  return in;
}

// The directory entries completing `word` (a path, maybe quoted, maybe starting with ~).
std::vector<std::string> FileCandidates(std::string_view word) {
  char quote = OpenQuote(word);
  std::string_view path = quote ? word.substr(1) : word;
  std::size_t slash = path.rfind('/');
  std::string dir_text(slash == std::string_view::npos ? "" : path.substr(0, slash + 1));
  std::string base(slash == std::string_view::npos ? path : path.substr(slash + 1));
  std::string dir = dir_text.empty() ? "." : dir_text;
  if (dir.starts_with("~/") || dir == "~") {
    const char* home = std::getenv("HOME");
    dir = std::string(home ? home : "") + dir.substr(1);
  }
  std::vector<std::string> out;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return out;
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == ".." || !name.starts_with(base)) continue;
    if (name[0] == '.' && !base.starts_with('.')) continue;
    struct stat st {};
    bool is_dir = ::stat((dir + "/" + name).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
    bool needs_quote = !quote && name.find(' ') != std::string::npos;
    std::string c = (quote ? std::string(1, quote) : needs_quote ? "'" : "") + dir_text + name;
    out.push_back(is_dir ? c + "/" : c);
  }
  ::closedir(d);
  return out;
}

// The start of the last blank-separated word of `text` (a quoted word may hold blanks).
std::size_t LastWordStart(std::string_view text) {
  std::size_t quote_at = 0;
  bool in_quote = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((text[i] == '\'' || text[i] == '"') && (!in_quote || text[quote_at] == text[i])) {
      if (!in_quote) quote_at = i;
      in_quote = !in_quote;
    }
  }
  if (in_quote) return quote_at;
  std::size_t blank = text.find_last_of(" \t");
  return blank == std::string_view::npos ? 0 : blank + 1;
}

// True when the word at `start` of `line` is a file name: an argument of \output, \o, \i or
// \chart, or a quoted word after TO (COPY ... TO 'file').
bool FileContext(std::string_view line, std::size_t start) {
  std::string_view before = line.substr(0, start);
  std::size_t b = line.find_first_not_of(" \t");
  if (b != std::string_view::npos && line[b] == '\\') {
    std::string_view cmd = line.substr(b, line.find_first_of(" \t", b) - b);
    return b + cmd.size() < start &&
           (cmd == "\\o" || cmd == "\\output" || cmd == "\\i" || cmd == "\\chart");
  }
  if (OpenQuote(line.substr(start)) != '\'') return false;
  std::size_t e = before.find_last_not_of(" \t");
  if (e == std::string_view::npos) return false;
  std::size_t s = e;
  while (s > 0 && WordChar(before[s - 1])) --s;
  return Lower(before.substr(s, e - s + 1)) == "to";
}

}  // namespace

Completion Completer::Complete(std::string_view before_cursor) const {
  Completion c;
  std::size_t line_start = before_cursor.rfind('\n');
  line_start = line_start == std::string_view::npos ? 0 : line_start + 1;
  std::string_view line = before_cursor.substr(line_start);
  std::size_t start = LastWordStart(line);
  if (FileContext(line, start)) {
    c.start = line_start + start;
    c.file = true;
    c.candidates = FileCandidates(line.substr(start));
  } else {
    std::size_t quote_at = 0;
    if (InStringLiteral(line, &quote_at)) return c;  // a string literal: nothing to offer
    std::size_t s = line.size();
    while (s > 0 && WordChar(line[s - 1])) --s;
    if (s > 0 && line[s - 1] == '\\') --s;
    bool meta = s < line.size() && line[s] == '\\';
    std::string prefix = Lower(line.substr(s));
    c.start = line_start + s;
    if (prefix.empty()) return c;
    bool upper = HasUpper(line.substr(s));
    for (const std::string& w : words_) {
      if ((w[0] == '\\') != meta || !Lower(w).starts_with(prefix)) continue;
      bool keyword = HasUpper(w);
      c.candidates.push_back(keyword && !upper ? Lower(w) : w);
    }
  }
  std::sort(c.candidates.begin(), c.candidates.end());
  c.candidates.erase(std::unique(c.candidates.begin(), c.candidates.end()), c.candidates.end());
  return c;
}

std::string CommonPrefix(const std::vector<std::string>& candidates) {
  if (candidates.empty()) return "";
  std::string prefix = candidates.front();
  for (const std::string& c : candidates) {
    std::size_t n = 0;
    while (n < prefix.size() && n < c.size() && prefix[n] == c[n]) ++n;
    prefix.resize(n);
  }
  return prefix;
}

}  // namespace plume::launcher
