// StdoutSink: one readable line per alert (format_alert_human) for people
// watching the terminal, through stdio's buffer; flush() pushes it out when
// the alert queue runs dry, so a burst costs one write(2), not one per alert.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "adrmon/core/alert.hpp"
#include "adrmon/core/alert_sink.hpp"
#include "adrmon/sinks/human_format.hpp"

namespace adrmon {

class StdoutSink final : public AlertSink {
 public:
  // Writes to `out` (not owned; stdout unless a test gives another stream).
  // `pair_names[id]` names pair id; `clock` sets the zone and whether lines
  // carry the receive time (default: what main set, see
  // set_default_human_clock). Cold path.
  explicit StdoutSink(std::vector<std::string> pair_names, std::FILE* out = stdout,
                      HumanClock clock = default_human_clock());

  // Formats one alert into a member buffer and hands it to stdio. No
  // allocation. Sink thread.
  void write(const Alert& alert) noexcept override;

  // fflush(out). Sink thread.
  void flush() noexcept override;

 private:
  std::vector<std::string> pair_names_;
  std::FILE* out_;
  HumanClock clock_;
  char line_[kMaxHumanAlertBytes];
};

}  // namespace adrmon
