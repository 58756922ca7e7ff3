// NatsBody: pull consumer on the ticks stream -> decode the 80-byte record
// -> resolve the symbol against this engine's config -> TickChannel (waits
// when full: the stream keeps what the engine has not taken) -> one AckAll
// per batch. The feed's receive stamp (wall clock) is turned into this
// host's steady clock, so the engine's recv_to_priced latency measures feed
// received -> engine priced across the bus.
#include "adrmon/bus/nats_source.hpp"

#include <condition_variable>
#include <ctime>
#include <mutex>

#include "adrmon/bus/tick_wire.hpp"
#include "adrmon/core/clock.hpp"
#include "adrmon/feeds/symbol_table.hpp"
#include "adrmon/feeds/tick_checks.hpp"
#include "nats_handle.hpp"
#include "pull_fetch.hpp"

namespace adrmon::bus {

namespace {

std::int64_t wall_ns() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

constexpr int kFetchBatch = 4096;

class NatsBody final : public Source::Body {
 public:
  NatsBody(const Source::Parts& parts, const SourceSpec& spec, const Config& config,
           std::uint8_t index)
      : parts_(parts),
        spec_(spec),
        index_(index),
        fx_symbol_(config.fx.pair),
        fx_min_(config.fx.min),
        fx_max_(config.fx.max) {
    bus_ = config.bus.value_or(BusConfig{});
    bus_.urls = {"nats://" +
                 (spec.host.find(':') != std::string::npos ? "[" + spec.host + "]" : spec.host) +
                 ":" + std::to_string(spec.port)};
    for (std::size_t p = 0; p < config.pairs.size(); ++p) {
      us_.insert(config.pairs[p].adr, adr_instrument(static_cast<PairId>(p)));
      hk_.insert(config.pairs[p].hk, hk_instrument(static_cast<PairId>(p)));
    }
  }

  void run(std::stop_token stop) override {
    std::unique_ptr<NatsHandle> handle;
    natsSubscription* sub = nullptr;
    std::int64_t backoff_ms = 100;
    while (!stop.stop_requested()) {
      try {
        if (!handle) {
          handle =
              std::make_unique<NatsHandle>(bus_, "adrmon run " + parts_.name, nullptr, parts_.log);
          parts_.stats.connects.add();
        }
        if (sub == nullptr) {
          if (!warmed_) warm_up(*handle, stop);
          sub = subscribe(*handle);
        }
        parts_.log.write(
            LogLevel::Info, parts_.name,
            "consuming " + bus_.ticks_stream +
                (spec_.durable.empty() ? " (ephemeral consumer)" : " as durable " + spec_.durable));
        backoff_ms = 100;
        consume(sub, stop);
      } catch (const std::exception& e) {
        parts_.log.write(
            LogLevel::Warning, parts_.name,
            std::string(e.what()) + "; retrying in " + std::to_string(backoff_ms) + " ms");
        if (sub != nullptr) {
          natsSubscription_Destroy(sub);
          sub = nullptr;
        }
        handle.reset();
        wait_for(stop, backoff_ms);
        backoff_ms = std::min<std::int64_t>(backoff_ms * 2, 2000);
      }
    }
    if (sub != nullptr) natsSubscription_Destroy(sub);
    if (skipped_ > 0) {
      parts_.log.write(LogLevel::Info, parts_.name,
                       std::to_string(skipped_) + " tick(s) of pairs this engine does not run");
    }
  }

 private:
  natsSubscription* subscribe(NatsHandle& handle) {
    handle.ensure_stream(bus_.ticks_stream, "adrmon.ticks.>", bus_);
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Stream = bus_.ticks_stream.c_str();
    // An ephemeral consumer keeps no position worth acking: no ack round trips.
    so.Config.AckPolicy = spec_.durable.empty() ? js_AckNone : js_AckAll;
    so.Config.DeliverPolicy = js_DeliverAll;
    if (start_seq_ > 0) {
      so.Config.DeliverPolicy = js_DeliverByStartSequence;
      so.Config.OptStartSeq = start_seq_;
    }
    if (subscribed_ && !spec_.durable.empty()) so.Consumer = spec_.durable.c_str();  // rebind
    so.Config.MaxAckPending = 4 * kFetchBatch;
    so.Config.AckWait = 30'000'000'000;  // ns: a batch is acked once it is in the channel
    natsSubscription* sub = nullptr;
    jsErrCode err = static_cast<jsErrCode>(0);
    const natsStatus s = js_PullSubscribe(&sub, handle.js(), "adrmon.ticks.>",
                                          spec_.durable.empty() ? nullptr : spec_.durable.c_str(),
                                          nullptr, &so, &err);
    if (s != NATS_OK) {
      throw BusError("bus: cannot consume " + bus_.ticks_stream + ": " + status_text(s));
    }
    subscribed_ = true;
    return sub;
  }

  // A durable that already acked ticks (a restarted engine): its state is
  // rebuilt first by pricing the stream from its start up to the durable's
  // ack floor (an ephemeral consumer, no acks); the durable then carries on
  // after it. Alerts of the rebuilt part are published again with their
  // Msg-Ids, so the alerts stream keeps one copy of each.
  void warm_up(NatsHandle& handle, std::stop_token& stop) {
    warmed_ = true;
    if (spec_.durable.empty()) return;
    jsConsumerInfo* ci = nullptr;
    const natsStatus s = js_GetConsumerInfo(&ci, handle.js(), bus_.ticks_stream.c_str(),
                                            spec_.durable.c_str(), nullptr, nullptr);
    if (s != NATS_OK) return;  // a new durable: nothing to rebuild
    const std::uint64_t floor = ci->AckFloor.Stream;
    jsConsumerInfo_Destroy(ci);
    if (floor == 0) return;
    parts_.log.write(LogLevel::Info, parts_.name,
                     "durable " + spec_.durable + " acked up to stream seq " +
                         std::to_string(floor) + ": rebuilding state from the stream's start");
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Stream = bus_.ticks_stream.c_str();
    so.Config.AckPolicy = js_AckNone;
    so.Config.DeliverPolicy = js_DeliverAll;
    natsSubscription* sub = nullptr;
    if (js_PullSubscribe(&sub, handle.js(), "adrmon.ticks.>", nullptr, nullptr, &so, nullptr) !=
        NATS_OK) {
      throw BusError("bus: cannot read " + bus_.ticks_stream + " to rebuild state");
    }
    std::uint64_t seq = 0;
    std::uint64_t rebuilt = 0;
    PullFetch fetch(sub, kFetchBatch);
    while (seq < floor && !stop.stop_requested()) {
      natsMsgList list{};
      const natsStatus f = fetch.next(list, 200);
      if (f == NATS_OK) {
        const std::int64_t offset = steady_ns() - wall_ns();
        for (int i = 0; i < list.Count && seq < floor; ++i) {
          jsMsgMetaData* meta = nullptr;
          if (natsMsg_GetMetaData(&meta, list.Msgs[i]) == NATS_OK) {
            seq = meta->Sequence.Stream;
            jsMsgMetaData_Destroy(meta);
          }
          if (seq <= floor) {
            on_message(list.Msgs[i], offset);
            ++rebuilt;
          }
        }
        parts_.channel.ring();
      } else if (f != NATS_TIMEOUT) {
        natsMsgList_Destroy(&list);
        natsSubscription_Destroy(sub);
        throw BusError("bus: rebuilding state: " + status_text(f));
      }
      natsMsgList_Destroy(&list);
    }
    natsSubscription_Destroy(sub);
    // Recreated to start right after the floor: what it had delivered past
    // its acks would otherwise come again only after AckWait, out of order.
    js_DeleteConsumer(handle.js(), bus_.ticks_stream.c_str(), spec_.durable.c_str(), nullptr,
                      nullptr);
    start_seq_ = floor + 1;
    parts_.log.write(LogLevel::Info, parts_.name,
                     "rebuilt from " + std::to_string(rebuilt) + " tick(s); resuming durable " +
                         spec_.durable + " at stream seq " + std::to_string(start_seq_));
  }

  void consume(natsSubscription* sub, std::stop_token& stop) {
    PullFetch fetch(sub, kFetchBatch);
    while (!stop.stop_requested()) {
      natsMsgList list{};
      const natsStatus s = fetch.next(list, 200);
      if (s == NATS_TIMEOUT) continue;
      if (s != NATS_OK) {
        natsMsgList_Destroy(&list);
        if (s == NATS_CONNECTION_CLOSED || s == NATS_INVALID_SUBSCRIPTION)
          throw BusError("bus: fetch: " + status_text(s));
        // Disconnected, no responders while a leader is elected: cnats
        // reconnects; try again shortly.
        wait_for(stop, 50);
        continue;
      }
      const std::int64_t offset = steady_ns() - wall_ns();  // wall -> steady, this batch
      for (int i = 0; i < list.Count; ++i) on_message(list.Msgs[i], offset);
      parts_.channel.ring();
      if (!spec_.durable.empty()) natsMsg_Ack(list.Msgs[list.Count - 1], nullptr);
      natsMsgList_Destroy(&list);
    }
  }

  void on_message(natsMsg* m, std::int64_t wall_to_steady) noexcept {
    WireTick w;
    const WireError e =
        decode_tick(natsMsg_GetData(m), static_cast<std::size_t>(natsMsg_GetDataLength(m)), w);
    if (e != WireError::None) {
      parts_.stats.lines.add();
      parts_.stats.rejects[static_cast<std::size_t>(Reject::InvalidJson)].add();
      return;
    }
    InstrumentId id = kNoInstrument;
    if (w.venue == WireVenue::Fx) {
      if (w.symbol == fx_symbol_) id = kFxInstrument;
    } else {
      id = (w.venue == WireVenue::Us ? us_ : hk_).find(w.symbol);
    }
    if (id == kNoInstrument) {  // another shard's pair
      ++skipped_;
      return;
    }
    parts_.stats.lines.add();
    parts_.stats.bytes.add(static_cast<std::uint64_t>(natsMsg_GetDataLength(m)));
    // Anyone may publish to the ticks subjects: a record gets the parser's
    // value rules (tick_checks.hpp) and its kind must fit its venue.
    const bool fx = id == kFxInstrument;
    const Reject bad = (fx ? w.tick.kind == TickKind::Quote : w.tick.kind == TickKind::Fx)
                           ? Reject::UnknownType
                           : check_tick_values(w.tick, fx, fx_min_, fx_max_);
    if (bad != Reject::None) [[unlikely]] {
      parts_.stats.rejects[static_cast<std::size_t>(bad)].add();
      return;
    }
    Tick tick = w.tick;
    tick.instrument = static_cast<std::uint16_t>(id);
    tick.source = index_;
    tick.ts_recv = w.recv_wall_ns + wall_to_steady;
    seq_.observe(tick, parts_.stats);
    const std::uint64_t bit = 1u << static_cast<unsigned>(leg_of(tick.instrument));
    if ((venues_ & bit) == 0) [[unlikely]] {
      venues_ |= bit;
      parts_.stats.venues.set(venues_);
    }
    if (parts_.channel.push(tick)) {
      parts_.stats.parsed.add();
    } else {
      parts_.stats.dropped.add();
    }
  }

  void wait_for(std::stop_token& stop, std::int64_t ms) {
    std::mutex mu;
    std::condition_variable_any cv;
    std::unique_lock lock(mu);
    cv.wait_for(lock, stop, std::chrono::milliseconds(ms), [] { return false; });
  }

  Source::Parts parts_;
  SourceSpec spec_;
  std::uint8_t index_;
  std::string fx_symbol_;
  double fx_min_, fx_max_;
  BusConfig bus_;
  SymbolTable us_, hk_;
  SeqTracker seq_;
  std::uint64_t venues_ = 0;
  std::uint64_t skipped_ = 0;
  bool warmed_ = false;          // warm_up() ran (once per start, not per reconnect)
  bool subscribed_ = false;      // the durable exists now: later subscribes bind to it
  std::uint64_t start_seq_ = 0;  // after a rebuild: the durable starts here
};

}  // namespace

std::unique_ptr<Source::Body> make_nats_body(const Source::Parts& parts, const SourceSpec& spec,
                                             const Config& config, std::uint8_t source_index) {
  return std::make_unique<NatsBody>(parts, spec, config, source_index);
}

}  // namespace adrmon::bus
