// plume's front end runs with SIGPIPE ignored (ranks/frontend/run.cpp): a write to a reader that
// went away fails with EPIPE, which the output path reports. frontend_unit_tests runs the same
// way for every test, whichever closes a pipe's read end, and whether ctest runs it alone.
#include <gtest/gtest.h>

#include <csignal>

namespace {

class IgnoreSigpipe : public testing::Environment {
 public:
  void SetUp() override { std::signal(SIGPIPE, SIG_IGN); }
};

const testing::Environment* const kIgnoreSigpipe =
    testing::AddGlobalTestEnvironment(new IgnoreSigpipe);

}  // namespace
