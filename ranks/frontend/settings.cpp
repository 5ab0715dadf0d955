#include "ranks/frontend/settings.h"

#include <cstdio>
#include <cstdlib>

#include "ranks/frontend/copy_statement.h"
#include "ranks/frontend/data_guard.h"
#include "ranks/frontend/error_caret.h"
#include "ranks/frontend/summarize.h"
#include "ranks/frontend/utf8.h"

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
  s.max_statement_bytes = options.max_statement_bytes;
  s.data_dir = options.data_dir;
  if (std::string refused = RefuseInsideDataSet(options.output, s.data_dir); !refused.empty()) {
    *error = refused;
    return std::nullopt;
  }
  s.output = OutputTarget::Open(options.output, error);
  if (!s.output) return std::nullopt;
  if (!options.output_name.empty()) s.output->set_name(options.output_name);
  return s;
}

namespace {

using Kind = MetaCommand::Kind;

std::string CountText(std::size_t n, std::string_view noun, std::string_view zero) {
  return n == 0 ? std::string(zero) : CountOf(n, noun);
}

// The sentence that states a setting's value (after a change, or when asked).
std::string Describe(Kind kind, const Settings& s) {
  switch (kind) {
    case Kind::kChunk:
      return "Chunk size is " + CountOf(s.chunk_rows, "row") + ".";
    case Kind::kFormat:
      return "Output format is " + s.format + ".";
    case Kind::kOutput:
      return "Results go to " + s.output->name() + ".";
    case Kind::kTiming:
      return std::string("Timing is ") + (s.timing ? "on." : "off.");
    case Kind::kTimeout:
      return s.timeout_s > 0 ? "Statement timeout is " + DeadlineText(s.timeout_s) + "."
                             : std::string("Statement timeout is off.");
    case Kind::kMaxRows:
      return "The table shows " + CountText(s.max_rows, "row", "all rows") + " at the screen.";
    case Kind::kMaxWidth:
      return "The table may take " + CountText(s.max_width, "character", "any width") +
             " at the screen.";
    case Kind::kExpanded:
      return std::string("Expanded display is ") + (s.expanded ? "on." : "off.");
    default:
      return "";
  }
}

// Changes the setting `cmd` names; false with *error when it cannot (the output file).
bool Change(const MetaCommand& cmd, Settings* s, std::string* error) {
  switch (cmd.kind) {
    case Kind::kChunk:
      s->chunk_rows = cmd.count;
      return true;
    case Kind::kFormat:
      s->format = cmd.text;
      return true;
    case Kind::kOutput: {
      if (cmd.text == "-" && s->screen) {
        s->output = s->screen;
        return true;
      }
      *error = RefuseInsideDataSet(cmd.text, s->data_dir);
      auto target = error->empty() ? OutputTarget::Open(cmd.text, error) : nullptr;
      if (!target) return false;
      s->output = std::move(target);
      return true;
    }
    case Kind::kTiming:
      s->timing = cmd.on.value_or(!s->timing);
      return true;
    case Kind::kExpanded:
      s->expanded = cmd.on.value_or(!s->expanded);
      return true;
    case Kind::kTimeout:
      s->timeout_s = cmd.seconds;
      return true;
    case Kind::kMaxRows:
      s->max_rows = cmd.count;
      return true;
    case Kind::kMaxWidth:
      s->max_width = cmd.count;
      s->max_width_by_user = true;
      return true;
    default:
      return false;
  }
}

}  // namespace

TableLimits Settings::table_limits() const {
  if (screen && output == screen) return TableLimits::Screen(max_rows, max_width, expanded);
  return TableLimits::Unlimited(expanded);
}

bool ApplySetting(const MetaCommand& cmd, Settings* s, std::string* message, std::string* error) {
  if (Describe(cmd.kind, *s).empty()) return false;
  if (!cmd.show && !Change(cmd, s, error)) return true;
  *message = Describe(cmd.kind, *s);
  return true;
}

std::shared_ptr<StatementSink> MakeSink(const Settings& settings, const Backend& backend,
                                        bool live) {
  return MakeSink(MakeFormatter(settings.format, settings.table_limits()), settings.output, backend,
                  live);
}

std::shared_ptr<StatementSink> MakeSink(std::unique_ptr<Formatter> formatter,
                                        std::shared_ptr<OutputTarget> output,
                                        const Backend& backend, bool live) {
  auto slot = std::make_unique<OutputSlot>(std::move(output), live);
  auto sink = std::make_shared<StatementSink>(
      std::move(formatter), std::move(slot), [&backend] { return backend.Now(); }, backend.Now());
  sink->set_memory_limit(backend.World().memory_limit);
  return sink;
}

std::optional<Prepared> Prepare(const std::string& sql, const Settings& settings,
                                const Backend& backend, bool live, std::string* error) {
  if (SchemaKindOf(sql) != SchemaKind::kNone) {
    std::optional<LocalResult> local = AnswerSchema(sql, error);
    if (!local) return std::nullopt;
    return Prepared{sql, MakeSink(settings, backend, live), "", std::move(local), ""};
  }
  if (IsSummarize(sql)) {
    std::optional<std::string> query = SummarizeQuery(sql, error);
    if (!query) return std::nullopt;
    return Prepared{*query, MakeSink(settings, backend, live), "", std::nullopt, sql};
  }
  if (!IsCopy(sql)) return Prepared{sql, MakeSink(settings, backend, live), "", std::nullopt, ""};
  std::optional<CopyStatement> copy = ParseCopy(sql, error);
  if (!copy) return std::nullopt;
  *error = RefuseInsideDataSet(copy->path, settings.data_dir);
  if (!error->empty()) return std::nullopt;
  CopyFile file = CopyFile::Open(copy->path, error);
  if (!file.target) return std::nullopt;
  std::unique_ptr<Formatter> formatter =
      copy->format == "csv" ? MakeCsvFormatter(copy->header) : MakeFormatter(copy->format);
  Prepared prepared{copy->query, MakeSink(std::move(formatter), file.target, backend, true),
                    copy->path, std::nullopt, ""};
  prepared.copy = CopyRun{sql, std::move(*copy), std::move(file)};
  return prepared;
}

std::uint64_t Start(Prepared& prepared, const Settings& settings, Backend& backend,
                    std::shared_ptr<ResultSink> via) {
  Backend::Options options = settings.backend_options();
  // Lines made by the data ranks only for the statement's own sink: a wrapper (a chart) needs
  // the values.
  if (!via || via == prepared.sink) options.row_text = prepared.sink->row_text();
  if (!via) via = prepared.sink;
  if (!prepared.summarize.empty()) via = std::make_shared<SummarizeSink>(prepared.summarize, via);
  if (prepared.copy) via = std::make_shared<CopySink>(std::move(*prepared.copy), via);
  if (!prepared.local) return backend.Submit(prepared.sql, options, via);
  DeliverLocal(prepared.sql, *prepared.local, backend.Now(), *via);
  return 0;
}

std::string ErrorText(const ExecutionRecord& record) {
  std::string why = record.error.empty() ? std::string("no reason given") : ValidUtf8(record.error);
  if (why.find("Error") == std::string::npos) {
    why = (record.status == "cancelled" ? "Error: statement cancelled: " : "Error: ") + why;
  }
  if (record.error_position > 0 && record.status == "failed") {
    why += '\n';  // not "\n" + ...: g++ 12 -Wrestrict false positive (an error under -Werror)
    why += CaretLines(record.sql, record.error_position);
  }
  return why;
}

}  // namespace plume::frontend
