// \status and \list of the prompt.
#include "ranks/frontend/prompt.h"

namespace plume::frontend {
namespace {

double Elapsed(const RequestInfo& info, double now) {
  double from = info.submitted_s >= 0 ? info.submitted_s : now;
  double to = info.finished_s >= 0 ? info.finished_s : now;
  return std::max(0.0, to - from);
}

// One line with the state and progress of a request.
std::string StatusLine(const RequestInfo& info, double now) {
  std::string line =
      "request " + std::to_string(info.id) + ": " + std::string(StateName(info.state)) + " | ";
  double elapsed = Elapsed(info, now);
  if (info.state == RequestState::kQueued) {
    line += "waiting " + FormatSeconds(elapsed);
  } else if (info.state == RequestState::kRunning) {
    line += ProgressLine(info, elapsed);
  } else {
    line += CountOf(info.rows_delivered, "row") + " | " + CountOf(info.chunks_delivered, "chunk") +
            " | " + FormatSeconds(elapsed);
    if (info.cached) line += " | cached";
    if (!info.error.empty()) line += " | " + info.error;
  }
  return line + "\n";
}

std::string RanksLine(const RequestInfo& info) {
  if (info.ranks.empty() || IsFinished(info.state)) return "";
  std::string line = "  ranks:";
  for (const RankProgress& r : info.ranks) {
    line +=
        std::string(" ") + std::to_string(r.rank) + "=" +
        (r.done ? std::string("done") : GroupDigits(r.rows_sent) + "/" + GroupDigits(r.rows_total));
  }
  return line + "\n";
}

// Whether the frames that reached the gateway were compressed, and which links compress.
std::string FramesLine(const RequestInfo& info, const std::string& compression) {
  if (info.frames_received == 0) return "";
  const std::uint64_t packed = info.frames_compressed;
  return "  frames: " + GroupDigits(info.frames_received) + " received, " +
         (packed == 0 ? std::string("none") : GroupDigits(packed)) + " compressed, " +
         GroupDigits(info.bytes_received) + " bytes | compression: " + compression + "\n";
}

void AddString(engine::BatchColumn& col, std::string_view text) {
  if (col.offsets.empty()) col.offsets.push_back(0);
  col.chars.append(text);
  col.offsets.push_back(static_cast<std::uint32_t>(col.chars.size()));
}

}  // namespace

RequestInfo PromptSession::AsTyped(const RequestInfo& info) const {
  auto it = retyped_.find(info.id);
  if (it == retyped_.end()) return info;
  if (it->second.copy) return frontend::AsTyped(info, it->second.sql, *it->second.copy);
  RequestInfo shown = info;
  shown.sql = it->second.sql;
  return shown;
}

void PromptSession::ShowStatus(std::optional<std::uint64_t> id) {
  std::uint64_t which = id.value_or(last_id_);
  std::optional<RequestInfo> info = which == 0 ? std::nullopt : backend_.Status(which);
  if (!info) {
    Say(which == 0 ? "Error: no statement has run yet\n"
                   : std::string("Error: no request with id ") + std::to_string(which) +
                         " (\\list shows the tracked ones)\n");
    return;
  }
  info = AsTyped(*info);
  Say(StatusLine(*info, backend_.Now()) + RanksLine(*info) +
      FramesLine(*info, backend_.World().compression) + "  " + info->sql + "\n");
}

// The tracked requests as a table (the table format's renderer, never cut).
void PromptSession::ShowList() {
  using engine::Type;
  std::vector<RequestInfo> requests = backend_.List();
  std::vector<engine::Field> fields = {{"id", Type::kInt64},
                                       {"state", Type::kString},
                                       {"rows", Type::kInt64},
                                       {"time", Type::kString},
                                       {"statement", Type::kString}};
  engine::Batch batch;
  for (const engine::Field& f : fields) {
    batch.columns.emplace_back();
    batch.columns.back().type = f.type;
  }
  double now = backend_.Now();
  for (const RequestInfo& r : requests) {
    batch.columns[0].ints.push_back(static_cast<std::int64_t>(r.id));
    AddString(batch.columns[1], StateName(r.state));
    batch.columns[2].ints.push_back(static_cast<std::int64_t>(r.rows_delivered));
    AddString(batch.columns[3], FormatSeconds(Elapsed(r, now)));
    AddString(batch.columns[4], AsTyped(r).sql);
    ++batch.rows;
  }
  TableLimits limits;
  limits.head_rows = requests.size();
  limits.max_value_width = 60;
  limits.group_digits = true;
  std::unique_ptr<Formatter> table = MakeFormatter("table", limits);
  std::string text;
  table->Begin(fields, &text);
  table->Rows(batch, &text);
  table->End(true, &text);
  Say(text);
}

}  // namespace plume::frontend
