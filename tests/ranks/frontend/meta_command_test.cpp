#include "ranks/frontend/meta_command.h"

#include <gtest/gtest.h>

#include <cstring>
#include <limits>

#include "ranks/frontend/options.h"

namespace plume::frontend {
namespace {

using Kind = MetaCommand::Kind;

MetaCommand Ok(const std::string& line) {
  std::string error;
  auto cmd = ParseMeta(line, &error);
  EXPECT_TRUE(cmd.has_value()) << line << ": " << error;
  return cmd.value_or(MetaCommand{});
}

std::string Bad(const std::string& line) {
  std::string error;
  auto cmd = ParseMeta(line, &error);
  EXPECT_FALSE(cmd.has_value()) << line;
  EXPECT_NE(error.find("Error"), std::string::npos) << error;
  return error;
}

TEST(MetaCommand, ParsesEveryCommand) {
  EXPECT_EQ(Ok("\\help").kind, Kind::kHelp);
  EXPECT_EQ(Ok("\\?").kind, Kind::kHelp);
  EXPECT_FALSE(Ok("\\status").id.has_value());
  EXPECT_EQ(Ok("\\status 7").id, 7u);
  EXPECT_EQ(Ok("\\list").kind, Kind::kList);
  EXPECT_EQ(Ok("\\cancel  12 ").id, 12u);
  EXPECT_EQ(Ok("\\chunk 250").count, 250u);
  EXPECT_EQ(Ok("\\format json").text, "json");
  EXPECT_EQ(Ok("\\output /tmp/x.csv").text, "/tmp/x.csv");
  EXPECT_EQ(Ok("\\output -").text, "-");
  EXPECT_EQ(Ok("\\timing on").on, true);
  EXPECT_EQ(Ok("\\timing off").on, false);
  EXPECT_FALSE(Ok("\\timing").on.has_value());
  EXPECT_DOUBLE_EQ(Ok("\\timeout 2.5").seconds, 2.5);
  EXPECT_EQ(Ok("\\quit").kind, Kind::kQuit);
  EXPECT_EQ(Ok("\\q").kind, Kind::kQuit);
}

TEST(MetaCommand, RejectsBadInputWithAnError) {
  EXPECT_NE(Bad("\\frobnicate").find("\\frobnicate"), std::string::npos);
  Bad("\\cancel");
  Bad("\\cancel x");
  Bad("\\chunk 0");
  Bad("\\chunk -5");
  Bad("\\format xml");
  Bad("\\timing maybe");
  Bad("\\timeout -1");
  Bad("\\timeout soon");
  Bad("\\quit now");
  Bad("\\output a b");  // two words: a name with a space needs quotes
  Bad("\\output 'unclosed");
  Bad("\\i");
  Bad("\\maxrows x");
  EXPECT_NE(Bad(".mode csv").find("\\format"), std::string::npos);
  EXPECT_NE(Bad(".tables").find("SHOW TABLES"), std::string::npos);
}

TEST(MetaCommand, QuotedNamesAndHomeDirectory) {
  setenv("HOME", "/home/ana", 1);
  EXPECT_EQ(Ok("\\output 'my results.csv'").text, "my results.csv");
  EXPECT_EQ(Ok("\\output \"a \"\"b\"\"\"").text, "a \"b\"");
  EXPECT_EQ(Ok("\\output ~/out.csv").text, "/home/ana/out.csv");
  EXPECT_EQ(Ok("\\i '~/my dir/q.sql'").text, "/home/ana/my dir/q.sql");
  EXPECT_EQ(Ok("\\output ~bob/x").text, "~bob/x");
}

TEST(MetaCommand, SettingsWithoutArgumentShowTheirValue) {
  for (const char* line :
       {"\\format", "\\chunk", "\\output", "\\timeout", "\\maxrows", "\\maxwidth"}) {
    EXPECT_TRUE(Ok(line).show) << line;
  }
  EXPECT_EQ(Ok("\\maxrows 0").count, 0u);
  EXPECT_EQ(Ok("\\maxwidth 120").count, 120u);
  EXPECT_EQ(Ok("\\x").kind, Kind::kExpanded);
  EXPECT_EQ(Ok("\\x on").on, true);
  EXPECT_EQ(Ok("\\i q.sql").kind, Kind::kInclude);
}

TEST(Options, ParsesEveryOption) {
  const char* argv[] = {"plume",
                        "--data",
                        "d",
                        "-c",
                        "SELECT 1;",
                        "-c",
                        "SELECT 2;",
                        "-f",
                        "q.sql",
                        "--format=csv",
                        "--chunk",
                        "50",
                        "--output",
                        "o.csv",
                        "--output-name",
                        "standard output",
                        "--repeat",
                        "3",
                        "--concurrency",
                        "2",
                        "--report",
                        "r.json",
                        "--progress",
                        "off",
                        "--statement-timeout",
                        "1.5",
                        "--max-running",
                        "2",
                        "--queue-limit",
                        "9",
                        "--ttl",
                        "5",
                        "--leaders",
                        "1,4",
                        "--timing"};
  std::string error;
  auto o = ParseCli(std::size(argv), argv, &error);
  ASSERT_TRUE(o) << error;
  EXPECT_EQ(o->data_dir, "d");
  EXPECT_EQ(o->commands.size(), 2u);
  EXPECT_EQ(o->file, "q.sql");
  EXPECT_EQ(o->format, "csv");
  EXPECT_EQ(o->chunk_rows, 50u);
  EXPECT_EQ(o->output, "o.csv");
  EXPECT_EQ(o->output_name, "standard output");
  EXPECT_EQ(o->repeat, 3);
  EXPECT_EQ(o->concurrency, 2);
  EXPECT_EQ(o->report, "r.json");
  EXPECT_EQ(o->progress, false);
  EXPECT_DOUBLE_EQ(o->statement_timeout_s, 1.5);
  EXPECT_EQ(o->max_running, 2);
  EXPECT_EQ(o->queue_limit, 9);
  EXPECT_DOUBLE_EQ(o->ttl_s, 5);
  EXPECT_EQ(o->leaders, (std::vector<int>{1, 4}));
  EXPECT_TRUE(o->timing);
  EXPECT_FALSE(o->interactive());
}

// --load-columns: auto (the default) loads small partition files at start-up and large ones
// lazily; lazy and eager force one way (docs/DATA.md, "Lazy columns").
TEST(Options, LoadColumnsPicksTheEagerThreshold) {
  auto parse = [](std::vector<const char*> args) {
    args.insert(args.begin(), {"plume", "--data", "d"});
    std::string error;
    auto o = ParseCli(args.size(), args.data(), &error);
    EXPECT_TRUE(o) << error;
    return o ? o->eager_load_bytes : 1;
  };
  EXPECT_EQ(parse({}), CliOptions::kAutoEagerLoadBytes);
  EXPECT_EQ(parse({"--load-columns", "auto"}), CliOptions::kAutoEagerLoadBytes);
  EXPECT_EQ(parse({"--load-columns", "lazy"}), 0u);
  EXPECT_EQ(parse({"--load-columns", "eager"}), std::numeric_limits<std::uint64_t>::max());
  std::string error;
  const char* bad[] = {"plume", "--data", "d", "--load-columns", "mapped"};
  EXPECT_FALSE(ParseCli(std::size(bad), bad, &error));
  EXPECT_NE(error.find("expected auto, lazy or eager"), std::string::npos) << error;
}

TEST(Options, RejectsBadOptionsWithAnError) {
  auto bad = [](std::vector<const char*> args) {
    args.insert(args.begin(), "plume");
    std::string error;
    EXPECT_FALSE(ParseCli(args.size(), args.data(), &error));
    EXPECT_EQ(error.rfind("Error: ", 0), 0u) << error;
    return error;
  };
  EXPECT_NE(bad({"-c", "x"}).find("--data"), std::string::npos);
  EXPECT_NE(bad({"--data", "d", "--bogus"}).find("--bogus"), std::string::npos);
  // thousands separators in the range, as everywhere else (issue 13 item 6)
  EXPECT_NE(bad({"--data", "d", "--chunk", "0"}).find("from 1 to 100,000,000"), std::string::npos);
  bad({"--data", "d", "--chunk", "12x"});
  bad({"--data", "d", "--format", "xml"});
  bad({"--data", "d", "--progress", "yes"});
  bad({"--data", "d", "--leaders", "1,,2"});
  bad({"--data", "d", "--statement-timeout", "-3"});
  bad({"--data", "d", "--repeat"});
  bad({"--data", "d", "--output-name", ""});
  const char* help[] = {"plume", "--help"};
  std::string error;
  auto o = ParseCli(2, help, &error);
  ASSERT_TRUE(o);
  EXPECT_TRUE(o->help);
  EXPECT_NE(CliUsage().find("--report"), std::string::npos);
}

// \help names every command ParseMeta takes, short forms too (issue 13 item 8: \o worked but
// was nowhere said).
TEST(MetaCommand, HelpNamesEveryCommandAndShortForm) {
  std::string help = MetaHelp();
  for (const char* name :
       {"\\help",    "\\h",       "\\?",      "\\status",   "\\list", "\\l",
        "\\cancel",  "\\chunk",   "\\format", "\\output",   "\\o",    "\\timing",
        "\\timeout", "\\maxrows", "\\x",      "\\maxwidth", "\\i",    "\\include",
        "\\d",       "\\dt",      "\\chart",  "\\quit",     "\\q"}) {
    std::string error;
    ParseMeta(name, &error);
    EXPECT_EQ(error.find("unknown"), std::string::npos) << name << ": " << error;
    bool named = false;
    for (std::size_t at = help.find(name); at != std::string::npos && !named;
         at = help.find(name, at + 1)) {
      char after = at + std::strlen(name) < help.size() ? help[at + std::strlen(name)] : ' ';
      named = after == ' ' || after == ')' || after == ',' || after == '.';
    }
    EXPECT_TRUE(named) << name << " is not in \\help";
  }
}

}  // namespace
}  // namespace plume::frontend
