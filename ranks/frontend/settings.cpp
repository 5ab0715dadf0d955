#include "ranks/frontend/settings.h"

#include <cstdio>
#include <cstdlib>

namespace plume::frontend {
namespace {

// A deadline as the user gave it: "0.001 s", "2.5 s", "90 s" (FormatSeconds rounds to 0.01 s,
// which would echo \timeout 0.001 as "0.00 s").
std::string DeadlineText(double seconds) {
  char buf[64];
  for (int decimals = 0; decimals <= 9; ++decimals) {
    std::snprintf(buf, sizeof buf, "%.*f s", decimals, seconds);
    if (std::strtod(buf, nullptr) == seconds) return buf;
  }
  std::snprintf(buf, sizeof buf, "%g s", seconds);
  return buf;
}

}  // namespace

std::optional<Settings> SettingsFromOptions(const CliOptions& options, std::string* error) {
  Settings s;
  s.format = options.format;
  s.chunk_rows = options.chunk_rows;
  s.timing = options.timing;
  s.timeout_s = options.statement_timeout_s;
  s.output = OutputTarget::Open(options.output, error);
  if (!s.output) return std::nullopt;
  if (!options.output_name.empty()) s.output->set_name(options.output_name);
  return s;
}

bool ApplySetting(const MetaCommand& cmd, Settings* s, std::string* message, std::string* error) {
  using Kind = MetaCommand::Kind;
  switch (cmd.kind) {
    case Kind::kChunk:
      s->chunk_rows = cmd.chunk_rows;
      *message = "Chunk size is " + GroupDigits(cmd.chunk_rows) + " rows.";
      return true;
    case Kind::kFormat:
      s->format = cmd.text;
      *message = "Output format is " + cmd.text + ".";
      return true;
    case Kind::kOutput: {
      auto target = OutputTarget::Open(cmd.text, error);
      if (!target) return true;
      s->output = std::move(target);
      *message = "Results go to " + s->output->name() + ".";
      return true;
    }
    case Kind::kTiming:
      s->timing = cmd.on.value_or(!s->timing);
      *message = std::string("Timing is ") + (s->timing ? "on." : "off.");
      return true;
    case Kind::kTimeout:
      s->timeout_s = cmd.seconds;
      *message = cmd.seconds > 0 ? "Statement timeout is " + DeadlineText(cmd.seconds) + "."
                                 : std::string("Statement timeout is off.");
      return true;
    default:
      return false;
  }
}

std::shared_ptr<StatementSink> MakeSink(const Settings& settings, const Backend& backend,
                                        bool live) {
  auto slot = std::make_unique<OutputSlot>(settings.output, live);
  return std::make_shared<StatementSink>(
      MakeFormatter(settings.format, settings.table), std::move(slot),
      [&backend] { return backend.Now(); }, backend.Now());
}

std::string ErrorText(const ExecutionRecord& record) {
  std::string why = record.error.empty() ? std::string("no reason given") : record.error;
  if (record.status == "cancelled") {
    return why.find("Error") != std::string::npos ? why : "Error: statement cancelled: " + why;
  }
  return why.find("Error") != std::string::npos ? why : "Error: " + why;
}

}  // namespace plume::frontend
