#include "summary.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace adrmon {

void print_summary(std::FILE* out, const RunSummary& s) {
  const double rate = s.wall_seconds > 0 ? static_cast<double>(s.feed.lines) / s.wall_seconds : 0;
  std::fprintf(out, "summary: ticks read %llu, accepted %llu, rejected %llu, blank lines %llu\n",
               static_cast<unsigned long long>(s.feed.lines),
               static_cast<unsigned long long>(s.engine.accepted),
               static_cast<unsigned long long>(s.rejects.total()),
               static_cast<unsigned long long>(s.feed.blank));
  for (std::size_t i = 1; i < kRejectReasonCount; ++i) {
    if (s.rejects.by_reason[i] == 0) continue;
    std::fprintf(out, "  rejected %-16s %llu\n",
                 std::string(reject_name(static_cast<Reject>(i))).c_str(),
                 static_cast<unsigned long long>(s.rejects.by_reason[i]));
  }
  std::fprintf(out, "summary: alerts %llu (open %llu, close %llu), still open %llu\n",
               static_cast<unsigned long long>(s.alerts),
               static_cast<unsigned long long>(s.engine.opens),
               static_cast<unsigned long long>(s.engine.closes),
               static_cast<unsigned long long>(s.engine.open_breaches));
  std::fprintf(out, "summary: wall %.3f s, %.0f ticks/s, %.1f MB read\n", s.wall_seconds, rate,
               static_cast<double>(s.feed.bytes) / 1e6);
}

void write_summary_json(const std::string& path, const RunSummary& s) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) throw std::runtime_error(path + ": cannot write: " + std::strerror(errno));
  std::fprintf(f, "{\"ticks_read\":%llu,\"accepted\":%llu,\"rejected\":%llu,\"blank_lines\":%llu",
               static_cast<unsigned long long>(s.feed.lines),
               static_cast<unsigned long long>(s.engine.accepted),
               static_cast<unsigned long long>(s.rejects.total()),
               static_cast<unsigned long long>(s.feed.blank));
  std::fprintf(f, ",\"rejects\":{");
  for (std::size_t i = 1; i < kRejectReasonCount; ++i) {
    std::fprintf(f, "%s\"%s\":%llu", i == 1 ? "" : ",",
                 std::string(reject_name(static_cast<Reject>(i))).c_str(),
                 static_cast<unsigned long long>(s.rejects.by_reason[i]));
  }
  std::fprintf(f, "},\"alerts\":%llu,\"opens\":%llu,\"closes\":%llu,\"open_breaches\":%llu",
               static_cast<unsigned long long>(s.alerts),
               static_cast<unsigned long long>(s.engine.opens),
               static_cast<unsigned long long>(s.engine.closes),
               static_cast<unsigned long long>(s.engine.open_breaches));
  std::fprintf(f, ",\"bytes\":%llu,\"wall_seconds\":%.6f}\n",
               static_cast<unsigned long long>(s.feed.bytes), s.wall_seconds);
  std::fclose(f);
}

}  // namespace adrmon
