#include "io/json.h"

#include <stdexcept>

namespace plume::io::json {

const Value* Value::Get(std::string_view key) const {
  for (const auto& [name, value] : members) {
    if (name == key) return &value;
  }
  return nullptr;
}

namespace {

class Parser {
 public:
  explicit Parser(std::string_view text) : s_(text) {}

  Value Document() {
    Value v = Any(0);
    SkipSpace();
    if (pos_ != s_.size()) Fail("unexpected text after the document");
    return v;
  }

 private:
  [[noreturn]] void Fail(const std::string& what) const {
    throw std::runtime_error("offset " + std::to_string(pos_) + ": " + what);
  }
  void SkipSpace() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\r' || s_[pos_] == '\t')) {
      ++pos_;
    }
  }
  bool Eat(char c) {
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  void Expect(char c) {
    if (!Eat(c)) Fail(std::string("expected '") + c + "'");
  }
  bool Word(std::string_view w) {
    if (s_.substr(pos_, w.size()) != w) return false;
    pos_ += w.size();
    return true;
  }

  Value Any(int depth) {
    if (depth > 32) Fail("nested too deeply");
    SkipSpace();
    if (pos_ >= s_.size()) Fail("unexpected end of input");
    Value v;
    const char c = s_[pos_];
    if (c == '{') return Object(depth);
    if (c == '[') return Array(depth);
    if (c == '"') {
      v.kind = Value::Kind::kString;
      v.text = String();
    } else if (Word("null")) {
      v.kind = Value::Kind::kNull;
    } else if (Word("true") || Word("false")) {
      v.kind = Value::Kind::kBool;
      v.boolean = s_[pos_ - 1] == 'e' && s_[pos_ - 2] == 'u';
    } else {
      v.kind = Value::Kind::kNumber;
      const std::size_t start = pos_;
      while (pos_ < s_.size() &&
             std::string_view("+-.eE0123456789").find(s_[pos_]) != std::string_view::npos) {
        ++pos_;
      }
      if (pos_ == start) Fail("unexpected character");
      v.text = std::string(s_.substr(start, pos_ - start));
    }
    return v;
  }

  Value Object(int depth) {
    Value v;
    v.kind = Value::Kind::kObject;
    Expect('{');
    if (Eat('}')) return v;
    do {
      SkipSpace();
      if (pos_ >= s_.size() || s_[pos_] != '"') Fail("expected a member name");
      std::string key = String();
      Expect(':');
      v.members.emplace_back(std::move(key), Any(depth + 1));
    } while (Eat(','));
    Expect('}');
    return v;
  }

  Value Array(int depth) {
    Value v;
    v.kind = Value::Kind::kArray;
    Expect('[');
    if (Eat(']')) return v;
    do {
      v.items.push_back(Any(depth + 1));
    } while (Eat(','));
    Expect(']');
    return v;
  }

  std::string String() {
    ++pos_;  // opening quote
    std::string out;
    while (pos_ < s_.size() && s_[pos_] != '"') {
      char c = s_[pos_++];
      if (c == '\\') {
        if (pos_ >= s_.size()) break;
        c = s_[pos_++];
        switch (c) {
          case 'n':
            c = '\n';
            break;
          case 't':
            c = '\t';
            break;
          case 'r':
            c = '\r';
            break;
          case 'b':
            c = '\b';
            break;
          case 'f':
            c = '\f';
            break;
          case 'u':
            Fail("\\u escapes are not used by plume manifests");
          default:
            break;  // '"', '\\', '/'
        }
      }
      out += c;
    }
    if (pos_ >= s_.size()) Fail("unterminated string");
    ++pos_;  // closing quote
    return out;
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

}  // namespace

Value Parse(std::string_view text) { return Parser(text).Document(); }

void AppendQuoted(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += c;
        break;
    }
  }
  out += '"';
}

}  // namespace plume::io::json
