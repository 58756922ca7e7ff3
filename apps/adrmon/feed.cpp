// `adrmon feed`: sources (feeds/) on their threads -> TickChannels -> this
// thread publishes each tick through the TickPublisher (bus/) with the
// Msg-Id "<source name hash>-<n>" (n: the source's n-th accepted record), so
// a feed restarted on the same input re-publishes the same ids and the
// stream keeps one copy. Ends on SIGINT/SIGTERM, or with --exit-when-done
// once every source has ended; then waits for the outstanding acks and
// prints what was published, acked, retried, pending and lost.
#include "feed.hpp"

#include <csignal>
#include <cstdio>
#include <ctime>
#include <memory>

#include "adrmon/bus/tick_publisher.hpp"
#include "adrmon/core/bus_url.hpp"
#include "adrmon/core/clock.hpp"
#include "adrmon/core/log.hpp"
#include "adrmon/feeds/source.hpp"

namespace adrmon {

namespace {

volatile std::sig_atomic_t g_feed_stop = 0;
extern "C" void on_feed_signal(int) {
  g_feed_stop = 1;
}

std::int64_t wall_ns() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// Venue and symbol of every instrument id, from the config.
struct InstrumentNames {
  explicit InstrumentNames(const Config& c) {
    venue.push_back(bus::WireVenue::Fx);
    symbol.push_back(c.fx.pair);
    for (const PairConfig& p : c.pairs) {
      venue.push_back(bus::WireVenue::Us);
      symbol.push_back(p.adr);
      venue.push_back(bus::WireVenue::Hk);
      symbol.push_back(p.hk);
    }
  }
  std::vector<bus::WireVenue> venue;
  std::vector<std::string> symbol;
};

}  // namespace

int run_feed(const FeedOptions& opt) {
  const Config config = load_config(opt.config);
  BusConfig bus = config.bus.value_or(BusConfig{});
  if (!opt.bus.empty()) bus.urls = parse_bus_urls(opt.bus);  // refused like [bus] url
  if (bus.urls.empty()) throw std::invalid_argument("no bus: give --bus URL or [bus] url");
  std::vector<SourceSpec> specs;
  for (const std::string& s : opt.sources) {
    specs.push_back(parse_source_spec(s.find(':') == std::string::npos ? "file:" + s : s));
  }
  if (specs.empty()) throw std::invalid_argument("no sources: give --source SPEC");

  bus::PublisherOptions popt;
  popt.window = opt.window;
  bus::TickPublisher publisher(bus, stderr_log(), popt);

  Doorbell bell;
  SourceOptions options;
  options.queue_capacity = config.pipeline.queue_capacity;
  options.log = &stderr_log();
  std::vector<std::unique_ptr<Source>> sources = make_sources(specs, config, options, bell);
  const InstrumentNames names(config);
  std::vector<std::uint64_t> accepted(sources.size(), 0);
  // A source's Msg-Ids name it (docs/FORMATS.md): a file (replayed or
  // followed) reads the same ticks again after a restart, so its ids stay
  // the same and the stream drops the copies; a live source reads new
  // ticks, so its ids also carry this run's start (else a restart's first
  // ticks would be taken for the last run's and dropped, by the stream and
  // by the engines' FeedOrder).
  std::vector<std::string> id_names;
  const std::string run_epoch = "@" + std::to_string(wall_ns());
  for (const auto& s : sources) {
    bool live = false;
    for (const SourceSpec& spec : specs) {
      const bool file = spec.kind == SourceSpec::Kind::File ||
                        spec.kind == SourceSpec::Kind::Itch ||
                        spec.kind == SourceSpec::Kind::Omdc;  // followed files too: read again
      live = live || (!file && spec.text == s->name());
    }
    id_names.push_back((opt.name.empty() ? s->name() : opt.name + ":" + s->name()) +
                       (live ? run_epoch : ""));
  }

  g_feed_stop = 0;
  std::signal(SIGINT, on_feed_signal);
  std::signal(SIGTERM, on_feed_signal);
  const std::int64_t start = steady_ns();
  const std::int64_t steady_to_wall = wall_ns() - steady_ns();
  for (auto& s : sources) s->start();
  std::fprintf(stderr, "adrmon feed: %zu source(s) -> %s stream %s\n", sources.size(),
               bus.urls.front().c_str(), bus.ticks_stream.c_str());

  Tick batch[512];
  char id[48];
  // One round over the channels; true when every source has ended and is drained.
  const auto round = [&](bool& got) {
    bool ended = true;
    for (std::size_t k = 0; k < sources.size(); ++k) {
      TickChannel& ch = sources[k]->channel();
      const bool closed = ch.closed();  // read first: a close follows the last push
      for (std::size_t n; (n = ch.pop_bulk(batch, 512)) > 0;) {
        got = true;
        for (std::size_t i = 0; i < n; ++i) {
          const Tick& t = batch[i];
          const std::size_t len = bus::tick_msg_id(id_names[k], accepted[k]++, id);
          publisher.publish(t, names.venue[t.instrument], names.symbol[t.instrument],
                            t.ts_recv + steady_to_wall, std::string_view(id, len));
        }
        publisher.poll();
      }
      if (!closed) ended = false;
    }
    return ended;
  };
  bool ended = false;
  for (;;) {
    bool got = false;
    ended = round(got);
    if ((ended && opt.exit_when_done) || g_feed_stop != 0) break;
    if (!got) {
      publisher.poll();
      bell.park(
          [&] {
            if (g_feed_stop != 0) return true;
            for (auto& s : sources)
              if (!s->channel().empty()) return true;
            return false;
          },
          20'000'000);
    }
  }
  for (auto& s : sources) s->request_stop();
  while (!ended) {  // what was read before the stop is published
    bool got = false;
    ended = round(got);
    if (!ended && !got) bell.park([] { return false; }, 1'000'000);
  }
  for (auto& s : sources) s->join();
  publisher.finish(std::chrono::milliseconds(30000));
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);

  const bus::PublishCounts c = publisher.counts();
  if (!opt.quiet) {
    std::uint64_t lines = 0, parsed = 0, rejected = 0, dropped = 0;
    for (const auto& s : sources) {
      const SourceStats& st = s->stats();
      lines += st.lines.get();
      parsed += st.parsed.get();
      dropped += st.dropped.get();
      for (std::size_t i = 1; i < kRejectReasonCount; ++i) rejected += st.rejects[i].get();
    }
    const double secs = static_cast<double>(steady_ns() - start) / 1e9;
    std::fprintf(
        stderr,
        "adrmon feed: read %llu, accepted %llu, rejected %llu, dropped %llu; "
        "published %llu, acked %llu, pending %llu, retried %llu, lost %llu "
        "(duplicates %llu, stalls %llu, reconnects %llu); %.3f s\n",
        static_cast<unsigned long long>(lines), static_cast<unsigned long long>(parsed),
        static_cast<unsigned long long>(rejected), static_cast<unsigned long long>(dropped),
        static_cast<unsigned long long>(c.published), static_cast<unsigned long long>(c.acked),
        static_cast<unsigned long long>(c.pending), static_cast<unsigned long long>(c.retried),
        static_cast<unsigned long long>(c.lost), static_cast<unsigned long long>(c.duplicates),
        static_cast<unsigned long long>(c.stalls), static_cast<unsigned long long>(c.reconnects),
        secs);
  }
  return c.lost == 0 && c.pending == 0 ? 0 : 1;
}

}  // namespace adrmon
