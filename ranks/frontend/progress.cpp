#include "ranks/frontend/progress.h"

#include <algorithm>
#include <cstdio>

#include "ranks/frontend/format.h"
#include "ranks/frontend/output.h"

namespace plume::frontend {
namespace {

constexpr int kBarWidth = 10;
constexpr double kFirstDrawS = 0.25;
constexpr double kRedrawS = 0.1;

std::string Bar(double fraction) {
  int filled = static_cast<int>(std::clamp(fraction, 0.0, 1.0) * kBarWidth + 1e-9);
  return std::string("[") + std::string(filled, '#') + std::string(kBarWidth - filled, '.') + "]";
}

std::string Percent(double fraction) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%5.1f%%", std::clamp(fraction, 0.0, 1.0) * 100.0);
  return buf;
}

}  // namespace

std::string FormatSeconds(double seconds) {
  char buf[32];
  if (seconds < 10) {
    std::snprintf(buf, sizeof buf, "%.2f s", seconds);
  } else if (seconds < 60) {
    std::snprintf(buf, sizeof buf, "%.1f s", seconds);
  } else {
    int whole = static_cast<int>(seconds);
    std::snprintf(buf, sizeof buf, "%d min %02d s", whole / 60, whole % 60);
  }
  return buf;
}

std::string ProgressLine(const RequestInfo& info, double elapsed_s) {
  // A multi-stage statement: which stage runs (the rank counts below are that stage's).
  std::string line = info.stages > 1
                         ? "stage " + std::to_string(info.stage + 1) + "/" +
                               std::to_string(info.stages) + " '" + info.stage_name + "' | "
                         : std::string();
  if (info.rows_total_known) {
    double fraction = info.rows_total == 0
                          ? (IsFinished(info.state) ? 1.0 : 0.0)
                          : static_cast<double>(info.rows_delivered) / info.rows_total;
    line += Bar(fraction) + " " + Percent(fraction) + " | chunk " +
            GroupDigits(info.chunks_delivered) + "/" + GroupDigits(info.chunks_total) + " | rows " +
            GroupDigits(info.rows_delivered) + "/" + GroupDigits(info.rows_total);
  } else {
    std::uint64_t sent = 0, total = 0;
    for (const RankProgress& r : info.ranks) {
      sent += r.rows_sent;
      total += r.rows_total;
    }
    double fraction = total == 0 ? 0.0 : static_cast<double>(sent) / total;
    line += Bar(fraction) + " " + (total == 0 ? std::string("    ? ") : Percent(fraction)) +
            " | chunk " + GroupDigits(info.chunks_delivered) + " | rows " +
            GroupDigits(info.rows_delivered);
  }
  return line + " | " + FormatSeconds(elapsed_s);
}

std::string TimingLine(double milliseconds) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "Time: %.3f ms", milliseconds);
  return buf;
}

std::string ClosingLine(const RequestInfo& info, double elapsed_s) {
  std::string line = CountOf(info.rows_delivered, "row") + " | " +
                     CountOf(info.chunks_delivered, "chunk") + " | " + FormatSeconds(elapsed_s);
  if (info.state != RequestState::kCompleted) line += " | " + std::string(StateName(info.state));
  return line;
}

void ProgressDisplay::Update(const RequestInfo& info, double elapsed_s) {
  if (!enabled_ || elapsed_s < kFirstDrawS) return;
  if (shown_ && elapsed_s - last_draw_s_ < kRedrawS) return;
  if (via_ && via_->Backlog() > 0) return;  // it would only wait behind the rows
  Put(std::string("\r") + ProgressLine(info, elapsed_s) + "\x1b[K");
  shown_ = true;
  last_draw_s_ = elapsed_s;
}

void ProgressDisplay::Clear() {
  if (!shown_) return;
  Put("\r\x1b[K");
  shown_ = false;
}

void ProgressDisplay::Close(const RequestInfo& info, double elapsed_s) {
  Clear();
  if (!closing_) return;
  Put(ClosingLine(info, elapsed_s) + "\n");
  last_draw_s_ = -1;
}

void ProgressDisplay::Put(const std::string& text) {
  if (via_) {
    via_->WriteConsole(text);
  } else {
    WriteFd(fd_, text);
  }
}

}  // namespace plume::frontend
