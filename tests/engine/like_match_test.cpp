// LikeMatch (engine/like_match.cpp): agrees with a dynamic-programming definition of LIKE on
// random short strings, and stays linear on the inputs that make a backtracking matcher explode.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "engine/filter.h"
#include "engine/utf8.h"
#include "tests/timeout_scale.h"

namespace plume::engine {
namespace {

// LIKE by definition: match[i][j] = text[0..i) matches pattern[0..j) (bytes or code points).
template <typename Str>
bool LikeByTable(const Str& t, const Str& p) {
  std::vector<std::vector<char>> m(t.size() + 1, std::vector<char>(p.size() + 1, 0));
  m[0][0] = 1;
  for (std::size_t j = 1; j <= p.size(); ++j) m[0][j] = p[j - 1] == '%' && m[0][j - 1];
  for (std::size_t i = 1; i <= t.size(); ++i) {
    for (std::size_t j = 1; j <= p.size(); ++j) {
      const auto c = p[j - 1];
      m[i][j] = c == '%' ? (m[i - 1][j] || m[i][j - 1])
                         : (m[i - 1][j - 1] && (c == '_' || c == t[i - 1]));
    }
  }
  return m[t.size()][p.size()];
}

TEST(LikeMatchTest, AgreesWithTheDefinitionOnRandomStrings) {
  std::mt19937 rng(20200910);
  const std::string text_chars = "ab", pattern_chars = "ab%_";
  for (int k = 0; k < 20000; ++k) {
    std::string t, p;
    for (int i = static_cast<int>(rng() % 9); i > 0; --i) t += text_chars[rng() % 2];
    for (int i = static_cast<int>(rng() % 7); i > 0; --i) p += pattern_chars[rng() % 4];
    ASSERT_EQ(LikeMatch(t, p), LikeByTable(t, p)) << "'" << t << "' LIKE '" << p << "'";
  }
}

// '_' is one code point (DuckDB: 'é' LIKE '_' and '😀x' LIKE '_x' are true, 'é' LIKE '__'
// false): random strings over characters of 1 to 4 bytes against the definition over code points.
TEST(LikeMatchTest, UnderscoreIsOneUtf8Character) {
  std::mt19937 rng(7);
  const std::vector<std::string> text_chars = {"a", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80"};
  const std::vector<std::string> pattern_chars = {"a", "\xC3\xA9", "\xF0\x9F\x98\x80", "%", "_"};
  for (int k = 0; k < 20000; ++k) {
    std::string t, p;
    for (int i = static_cast<int>(rng() % 9); i > 0; --i) t += text_chars[rng() % 4];
    for (int i = static_cast<int>(rng() % 7); i > 0; --i) p += pattern_chars[rng() % 5];
    ASSERT_EQ(LikeMatch(t, p), LikeByTable(Utf8Decode(t), Utf8Decode(p)))
        << "'" << t << "' LIKE '" << p << "'";
  }
  EXPECT_TRUE(LikeMatch("\xC3\xA9", "_"));
  EXPECT_FALSE(LikeMatch("\xC3\xA9", "__"));
  EXPECT_TRUE(LikeMatch("e\xCC\x81", "__"));  // e and a combining accent: two code points
  EXPECT_TRUE(LikeMatch("aéb", "%_b"));
  // A malformed byte is one unit of its own and matches only itself.
  EXPECT_TRUE(LikeMatch("\xFF\xFE", "__"));
  EXPECT_TRUE(LikeMatch("x\xFF", "_\xFF"));
  EXPECT_FALSE(LikeMatch("x\xFE", "_\xFF"));
}

// ILIKE folds both sides with the simple Unicode lowercase mapping, as DuckDB's lower().
TEST(LikeMatchTest, LowerFoldsAsDuckDB) {
  EXPECT_EQ(Utf8Lower("ÉCOLE İK"), "école ik");
  EXPECT_EQ(Utf8Lower("STRASSE"), "strasse");
  EXPECT_EQ(Utf8Lower("straße"), "straße");                      // 'ß' has no simple lowercase
  EXPECT_EQ(Utf8Lower("\xCE\xA3\xCF\x82"), "\xCF\x83\xCF\x82");  // 'Σς': 'σς'
  EXPECT_EQ(Utf8Lower("\xE2\x84\xAA"), "k");                     // KELVIN SIGN
  EXPECT_EQ(Utf8Lower("A\xFF\xC3"), "a\xFF\xC3");                // malformed bytes stay
}

// upper() is the simple Unicode uppercase mapping, as DuckDB's (utf8proc_toupper).
TEST(LikeMatchTest, UpperMapsAsDuckDB) {
  EXPECT_EQ(Utf8Upper("école"), "ÉCOLE");
  EXPECT_EQ(Utf8Upper("straße"), "STRAẞE");  // one letter, where the full mapping has 'SS'
  EXPECT_EQ(Utf8Upper("ǆſı"), "ǄSI");
  EXPECT_EQ(Utf8Upper("ᾳ"), "ᾼ");    // the simple mapping (the full one is two letters)
  EXPECT_EQ(Utf8Upper("ﬀŉ"), "ﬀŉ");  // no simple uppercase
  EXPECT_EQ(Utf8Upper("a\xFF\xC3"), "A\xFF\xC3");  // malformed bytes stay
}

TEST(LikeMatchTest, LongSegmentsWithAndWithoutUnderscore) {
  const std::string seg(100, 'a');
  const std::string text = std::string(1000, 'a') + "b" + std::string(50, 'c');
  EXPECT_TRUE(LikeMatch(text, "%" + seg + "b%"));
  EXPECT_TRUE(LikeMatch(text, "%" + seg.substr(1) + "_b%c"));
  EXPECT_FALSE(LikeMatch(text, "%" + seg + "bb%"));
  EXPECT_TRUE(LikeMatch(text, "%" + seg + "_" + seg + "%"));
  EXPECT_FALSE(LikeMatch(text, "%" + seg + "_" + seg + "c%"));
  // The last segment may not overlap the first: 100 + 951 = 1051 bytes fit, 100 + 952 do not.
  EXPECT_TRUE(LikeMatch(text, seg + "%" + std::string(951, '_')));
  EXPECT_FALSE(LikeMatch(text, seg + "%" + std::string(952, '_')));
}

double Seconds(const std::function<void()>& f) {
  const auto t0 = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// A backtracking matcher takes time ~ text x parts on these (hours); linear ones well under a
// second. The bound is loose for a loaded machine.
TEST(LikeMatchTest, LinearOnPathologicalPatterns) {
  const std::string text(10 << 20, 'a');  // 10 MB
  std::string parts;
  for (int i = 0; i < 1000; ++i) parts += "%a";
  std::string unders;
  for (int i = 0; i < 500; ++i) unders += "a_";
  const std::string percents(1 << 20, '%');  // a 1 MB pattern of '%'
  bool r1 = false, r2 = true, r3 = true, r4 = false;
  const double s = Seconds([&] {
    r1 = LikeMatch(text, parts + "%");          // 1,000 '%'-separated parts: true
    r2 = LikeMatch(text, parts + "%b");         // ... then a 'b' that is not there
    r3 = LikeMatch(text, "%" + unders + "b%");  // a long segment with '_', no match
    r4 = LikeMatch(text, percents);
  });
  EXPECT_TRUE(r1);
  EXPECT_FALSE(r2);
  EXPECT_FALSE(r3);
  EXPECT_TRUE(r4);
  EXPECT_TRUE(LikeMatch("", percents));
  // The same on a non-ASCII text (code points): 5 MB of 'é', 500 parts of 'é_'.
  std::string wide;
  for (int i = 0; i < (5 << 20) / 2; ++i) wide += "\xC3\xA9";
  std::string wide_unders;
  for (int i = 0; i < 500; ++i) wide_unders += "\xC3\xA9_";
  bool r5 = true, r6 = false;
  const double s2 = Seconds([&] {
    r5 = LikeMatch(wide, "%" + wide_unders + "b%");
    r6 = LikeMatch(wide, "%" + wide_unders + "%");
  });
  EXPECT_FALSE(r5);
  EXPECT_TRUE(r6);
  EXPECT_LT(s2, 20.0 * plume::testing::TimeoutScale()) << "LIKE is not linear in the text";
  EXPECT_LT(s, 20.0 * plume::testing::TimeoutScale()) << "LIKE is not linear in the text";
}

}  // namespace
}  // namespace plume::engine
