// A small strict JSON reader for tests: checks that the front end's report and json output are
// valid JSON and reads values back. Throws std::runtime_error with the offset on bad input.
#pragma once

#include <cctype>
#include <cstdlib>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace plume::frontend::testing {

struct Json {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject } kind = Kind::kNull;
  bool boolean = false;
  double number = 0;
  std::string text;
  std::vector<Json> items;
  std::map<std::string, Json> fields;

  const Json& operator[](const std::string& key) const {
    auto it = fields.find(key);
    if (kind != Kind::kObject || it == fields.end()) throw std::runtime_error("no key " + key);
    return it->second;
  }
  const Json& operator[](std::size_t i) const { return items.at(i); }
  bool Has(const std::string& key) const { return fields.count(key) > 0; }
  bool IsNull() const { return kind == Kind::kNull; }
};

class JsonReader {
 public:
  static Json Parse(std::string_view text) {
    JsonReader r(text);
    Json v = r.Value();
    r.Space();
    if (r.pos_ != text.size()) r.Fail("trailing text");
    return v;
  }

 private:
  explicit JsonReader(std::string_view text) : s_(text) {}
  [[noreturn]] void Fail(const std::string& why) {
    throw std::runtime_error("bad JSON at offset " + std::to_string(pos_) + ": " + why);
  }
  void Space() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  bool Eat(char c) {
    Space();
    if (pos_ < s_.size() && s_[pos_] == c) return ++pos_, true;
    return false;
  }
  void Expect(char c) {
    if (!Eat(c)) Fail(std::string("expected ") + c);
  }
  bool Word(std::string_view w) {
    if (s_.substr(pos_, w.size()) != w) return false;
    pos_ += w.size();
    return true;
  }
  std::string String() {
    Expect('"');
    std::string out;
    while (pos_ < s_.size() && s_[pos_] != '"') {
      char c = s_[pos_++];
      if (static_cast<unsigned char>(c) < 0x20) Fail("control character in string");
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (pos_ >= s_.size()) Fail("bad escape");
      char e = s_[pos_++];
      const std::string_view simple = "\"\\/bfnrt", repl = "\"\\/\b\f\n\r\t";
      if (auto k = simple.find(e); k != std::string_view::npos) {
        out.push_back(repl[k]);
      } else if (e == 'u' && pos_ + 4 <= s_.size()) {
        out.push_back(
            static_cast<char>(std::strtol(std::string(s_.substr(pos_, 4)).c_str(), nullptr, 16)));
        pos_ += 4;
      } else {
        Fail("bad escape");
      }
    }
    if (pos_ >= s_.size()) Fail("unterminated string");
    ++pos_;
    return out;
  }
  Json Value() {
    Space();
    Json v;
    if (pos_ >= s_.size()) Fail("unexpected end");
    char c = s_[pos_];
    if (c == '{') {
      v.kind = Json::Kind::kObject;
      ++pos_;
      if (Eat('}')) return v;
      do {
        Space();
        std::string key = String();
        Expect(':');
        v.fields[key] = Value();
      } while (Eat(','));
      Expect('}');
    } else if (c == '[') {
      v.kind = Json::Kind::kArray;
      ++pos_;
      if (Eat(']')) return v;
      do v.items.push_back(Value());
      while (Eat(','));
      Expect(']');
    } else if (c == '"') {
      v.kind = Json::Kind::kString;
      v.text = String();
    } else if (Word("null")) {
    } else if (Word("true") || Word("false")) {
      v.kind = Json::Kind::kBool;
      v.boolean = s_[pos_ - 1] == 'e' && s_[pos_ - 2] == 'u';
    } else {
      v.kind = Json::Kind::kNumber;
      std::string num(s_.substr(pos_, 40));
      char* end = nullptr;
      v.number = std::strtod(num.c_str(), &end);
      if (end == num.c_str()) Fail("unexpected character");
      pos_ += end - num.c_str();
    }
    return v;
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

}  // namespace plume::frontend::testing
