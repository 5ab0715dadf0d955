#include "engine/suggest.h"

#include <gtest/gtest.h>

namespace plume::engine {
namespace {

TEST(Suggest, EditDistanceCountsASwapOfNeighboursAsOneEdit) {
  EXPECT_EQ(EditDistance("count", "count"), 0u);
  EXPECT_EQ(EditDistance("coutn", "count"), 1u);
  EXPECT_EQ(EditDistance("WTIH", "WITH"), 1u);
  EXPECT_EQ(EditDistance("site_nme", "site_name"), 1u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
  EXPECT_EQ(EditDistance("abc", ""), 3u);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("ca", "abc"),
            3u);  // optimal string alignment: a swapped pair is not edited again
}

TEST(Suggest, DidYouMeanOnlyWhenCloseAndNotExact) {
  const std::vector<std::string> names{"count", "avg", "upper"};
  EXPECT_EQ(DidYouMean("coutn", names), " (did you mean 'count'?)");
  EXPECT_EQ(DidYouMean("count", names), "");
  EXPECT_EQ(DidYouMean("frobnicate", names), "");
  EXPECT_EQ(DidYouMean("x", {}), "");
}

TEST(Suggest, MisspeltKeyword) {
  EXPECT_EQ(MisspeltKeyword("selec"), "SELECT");
  EXPECT_EQ(MisspeltKeyword("Wher"), "WHERE");
  EXPECT_EQ(MisspeltKeyword("DSC"), "DESC");
  EXPECT_EQ(MisspeltKeyword("select"), "");  // a keyword itself
  EXPECT_EQ(MisspeltKeyword("aqi"), "");     // a name near no keyword
  EXPECT_EQ(MisspeltKeyword("ad"), "");      // too short to be taken for AND
}

TEST(Suggest, SingleQuoteHint) {
  EXPECT_EQ(SingleQuoteHint("PM2.5"),
            " (double quotes make a column name: use single quotes for a string literal, "
            "'PM2.5')");
  EXPECT_EQ(SingleQuoteHint("it's"),
            " (double quotes make a column name: use single quotes for a string literal, "
            "'it''s')");
}

}  // namespace
}  // namespace plume::engine
