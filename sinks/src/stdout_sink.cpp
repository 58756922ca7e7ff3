#include "adrmon/sinks/stdout_sink.hpp"

namespace adrmon {

StdoutSink::StdoutSink(std::vector<std::string> pair_names, std::FILE* out, HumanClock clock)
    : pair_names_(std::move(pair_names)), out_(out), clock_(std::move(clock)) {}

void StdoutSink::write(const Alert& alert) noexcept {
  const std::size_t len = format_alert_human(alert, pair_names_[alert.pair], line_, clock_);
  std::fwrite(line_, 1, len, out_);
}

void StdoutSink::flush() noexcept {
  std::fflush(out_);
}

}  // namespace adrmon
