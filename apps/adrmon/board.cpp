#include "board.hpp"

#include <charconv>
#include <cstdio>
#include <stdexcept>

#include "adrmon/core/local_time.hpp"
#include "adrmon/feeds/file_replay.hpp"
#include "adrmon/pipeline/board.hpp"
#include "adrmon/pipeline/engine_stage.hpp"

namespace adrmon {

namespace {

std::int64_t parse_at(const std::string& text) {
  std::int64_t ns = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ns);
  if (ec == std::errc() && end == text.data() + text.size() && ns > 0) return ns;
  if (parse_rfc3339_ns(text, ns)) return ns;
  throw std::invalid_argument("--at '" + text +
                              "': expected integer ns since the epoch or an RFC 3339 instant "
                              "(2026-11-25T10:30:00+08:00)");
}

}  // namespace

int run_board(const BoardOptions& opt) {
  const Config config = load_config(opt.config);
  const std::int64_t at = parse_at(opt.at);
  FileMerger merger(opt.files, config);
  EngineStageOptions o;
  o.stamp = false;
  EngineStage engine(config, nullptr, o);
  Tick tick;
  while (merger.next(tick)) {
    if (tick.ts_event <= at) (void)engine.price(tick);
  }
  std::vector<PairView> views;
  for (PairId id = 0; id < config.pairs.size(); ++id) {
    views.push_back(make_pair_view(engine.engine(), id, at));
    std::printf("%s\n", board_pair_json(views.back(), config.pairs[id].name, at).c_str());
  }
  std::printf("%s\n", board_index_json(config, views, at).c_str());
  return merger.report_read_errors(stderr_log()) ? 1 : 0;
}

}  // namespace adrmon
