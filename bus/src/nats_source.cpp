// NatsBody: pull consumer on the ticks stream -> each stream sequence once
// and in order -> decode the 80-byte record -> resolve the symbol against
// this engine's config -> TickChannel (waits when full: the stream keeps
// what the engine has not taken) -> one AckAll per batch. The feed's receive
// stamp (wall clock) is turned into this host's steady clock, so the
// engine's recv_to_priced latency measures feed received -> engine priced
// across the bus.
//
// In order: a consumer whose leader moved to another server (R3, one server
// killed) redelivers what it had in flight after newer messages. The engine
// would reject those as out of order, and an AckAll past them would lose
// them. So a sequence at or below the last one handed on is skipped
// (counted), and one past a hole ends the batch there: the consumer is made
// again to start right after the last sequence handed on.
//
// Feed order: the stream itself may hold a feed's ticks out of the order the
// feed accepted them (re-sends after a lost leader; feed_order.hpp). Each
// tick's Msg-Id numbers it within its feed source, and FeedOrder hands the
// records of each source on in that order.
#include "adrmon/bus/nats_source.hpp"

#include <condition_variable>
#include <ctime>
#include <mutex>

#include "adrmon/bus/ack_reply.hpp"
#include "adrmon/bus/feed_order.hpp"
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
// A hole in a feed source's numbers waits as long as the feed keeps
// re-sending (PublisherOptions: 60 attempts, about a minute), with at most
// this many records held meanwhile (about 46 MB, only while holding).
constexpr std::int64_t kHoleWaitNs = 60'000'000'000;
constexpr std::size_t kMaxHeld = std::size_t{1} << 19;

class NatsBody final : public Source::Body {
 public:
  NatsBody(const Source::Parts& parts, const SourceSpec& spec, const Config& config,
           std::uint8_t index)
      : parts_(parts),
        spec_(spec),
        index_(index),
        fx_symbol_(config.fx.pair),
        fx_min_(config.fx.min),
        fx_max_(config.fx.max),
        order_(kMaxHeld, kHoleWaitNs) {
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
                (spec_.durable.empty() ? " (ephemeral consumer)" : " as durable " + spec_.durable) +
                (last_seq_ > 0 ? " from stream seq " + std::to_string(last_seq_ + 1) : ""));
        backoff_ms = 100;
        consume(sub, stop);
        natsSubscription_Destroy(sub);  // a hole: made again after the last handed on
        sub = nullptr;
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
    if (redelivered_ > 0 || holes_ > 0) {
      parts_.log.write(LogLevel::Info, parts_.name,
                       std::to_string(redelivered_) +
                           " redelivered message(s) skipped (already handed on), " +
                           std::to_string(holes_) + " consumer(s) made again past a hole");
    }
    const FeedOrder::Counts& c = order_.counts();
    if (c.held > 0 || c.duplicates > 0) {
      parts_.log.write(LogLevel::Info, parts_.name,
                       "feed order: " + std::to_string(c.held) +
                           " tick(s) waited for earlier ones of their source, " +
                           std::to_string(c.duplicates) + " duplicate(s) skipped, " +
                           std::to_string(c.skipped) + " never came (" + std::to_string(c.holes) +
                           " hole(s) given up), " + std::to_string(order_.held_now()) +
                           " still held");
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
    if (last_seq_ > 0) {
      // Once ticks were handed on, a consumer starts right after the last
      // one. A durable is deleted and made again for that: bound as it is,
      // it would send what it had in flight again only after AckWait, out
      // of order. (A durable that is already gone is fine; a failed delete
      // shows as a failed subscribe below, which is retried.)
      if (!spec_.durable.empty()) {
        js_DeleteConsumer(handle.js(), bus_.ticks_stream.c_str(), spec_.durable.c_str(), nullptr,
                          nullptr);
      }
      so.Config.DeliverPolicy = js_DeliverByStartSequence;
      so.Config.OptStartSeq = last_seq_ + 1;
    } else if (subscribed_ && !spec_.durable.empty()) {
      so.Consumer = spec_.durable.c_str();  // rebind: nothing handed on yet
    }
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
    rebase_ = true;  // the first message sets the order (a stream may begin past seq 1)
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
    rebase_ = true;
    const std::uint64_t parsed_before = parts_.stats.lines.get();
    bool done = false;
    PullFetch fetch(sub, kFetchBatch);
    while (!done && last_seq_ < floor && !stop.stop_requested()) {
      natsMsgList list{};
      const natsStatus f = fetch.next(list, 200);
      expire_holes();
      if (f == NATS_OK) {
        const Handed h = hand_on(list, floor);
        parts_.channel.ring();
        // Past the floor, or a hole in what was kept: the durable, made
        // again after the last sequence handed on, carries on from there.
        done = h.past_until || h.hole;
      } else if (f != NATS_TIMEOUT) {
        natsMsgList_Destroy(&list);
        natsSubscription_Destroy(sub);
        throw BusError("bus: rebuilding state: " + status_text(f));
      }
      natsMsgList_Destroy(&list);
    }
    natsSubscription_Destroy(sub);
    // subscribe() makes the durable again, starting right after last_seq_.
    parts_.log.write(LogLevel::Info, parts_.name,
                     "rebuilt from " + std::to_string(parts_.stats.lines.get() - parsed_before) +
                         " tick(s); resuming durable " + spec_.durable + " at stream seq " +
                         std::to_string(last_seq_ + 1));
  }

  struct Handed {
    natsMsg* ack = nullptr;   // the batch's highest sequence handed on or skipped
    bool hole = false;        // stopped at a sequence past a hole
    bool past_until = false;  // stopped at a sequence past `until`
  };

  // Hands the batch's messages on in stream order, each sequence once (see
  // the top of the file); sequences past `until` are not handed on.
  Handed hand_on(const natsMsgList& list, std::uint64_t until) noexcept {
    const std::int64_t now = steady_ns();
    const std::int64_t wall_to_steady = now - wall_ns();  // this batch's
    Handed h;
    std::uint64_t ack_seq = 0;
    for (int i = 0; i < list.Count; ++i) {
      natsMsg* m = list.Msgs[i];
      const char* reply = natsMsg_GetReply(m);
      const std::uint64_t seq = reply != nullptr ? stream_seq_of_reply(reply) : 0;
      if (seq != 0) {  // always, from JetStream
        if (seq > until) {
          h.past_until = true;
          break;
        }
        if (seq <= last_seq_) [[unlikely]] {
          ++redelivered_;
        } else if (!rebase_ && seq != last_seq_ + 1) [[unlikely]] {
          ++holes_;
          h.hole = true;
          parts_.log.write(LogLevel::Warning, parts_.name,
                           "stream seq " + std::to_string(seq) + " came after " +
                               std::to_string(last_seq_) + ": consuming again from " +
                               std::to_string(last_seq_ + 1));
          break;
        } else {
          rebase_ = false;
          last_seq_ = seq;
          offer(m, now, wall_to_steady);
        }
        if (seq >= ack_seq) {
          ack_seq = seq;
          h.ack = m;
        }
      } else {
        offer(m, now, wall_to_steady);
        h.ack = m;
      }
    }
    return h;
  }

  void consume(natsSubscription* sub, std::stop_token& stop) {
    PullFetch fetch(sub, kFetchBatch);
    while (!stop.stop_requested()) {
      natsMsgList list{};
      const natsStatus s = fetch.next(list, 200);
      expire_holes();
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
      const Handed h = hand_on(list, UINT64_MAX);
      parts_.channel.ring();
      // AckAll: everything up to it is in the channel (or was already).
      if (!spec_.durable.empty() && h.ack != nullptr) natsMsg_Ack(h.ack, nullptr);
      natsMsgList_Destroy(&list);
      if (h.hole) return;  // run() makes the consumer again after last_seq_
    }
  }

  // A record with a tick Msg-Id goes through FeedOrder; anything else (not
  // from adrmon feed, or not a record) straight on. cnats parses the headers
  // of each message it is asked for one (its own allocation, like the
  // message's).
  void offer(natsMsg* m, std::int64_t now, std::int64_t wall_to_steady) noexcept {
    const auto* data = reinterpret_cast<const unsigned char*>(natsMsg_GetData(m));
    const auto size = static_cast<std::size_t>(natsMsg_GetDataLength(m));
    const char* id = nullptr;
    std::uint64_t origin = 0;
    std::uint64_t n = 0;
    if (size == kTickWireBytes && natsMsgHeader_Get(m, "Nats-Msg-Id", &id) == NATS_OK &&
        id != nullptr && parse_tick_msg_id(id, origin, n)) {
      order_.offer(origin, n, data, now,
                   [&](const unsigned char* r) { on_record(r, size, wall_to_steady); });
    } else {
      on_record(data, size, wall_to_steady);
    }
  }

  // Gives up holes that waited kHoleWaitNs (the feed lost those ticks).
  void expire_holes() {
    if (order_.held_now() == 0) return;
    const std::uint64_t before = order_.counts().skipped;
    const std::int64_t now = steady_ns();
    const std::int64_t wall_to_steady = now - wall_ns();
    order_.expire(now,
                  [&](const unsigned char* r) { on_record(r, kTickWireBytes, wall_to_steady); });
    if (order_.counts().skipped != before) {
      parts_.channel.ring();
      parts_.log.write(LogLevel::Warning, parts_.name,
                       std::to_string(order_.counts().skipped - before) +
                           " tick(s) of a feed source never reached the stream in " +
                           std::to_string(kHoleWaitNs / 1'000'000'000) +
                           " s; going on without them");
    }
  }

  void on_record(const unsigned char* data, std::size_t size,
                 std::int64_t wall_to_steady) noexcept {
    WireTick w;
    const WireError e = decode_tick(data, size, w);
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
    parts_.stats.bytes.add(size);
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
  bool warmed_ = false;         // warm_up() ran (once per start, not per reconnect)
  bool subscribed_ = false;     // the durable exists now: later subscribes bind to it
  std::uint64_t last_seq_ = 0;  // the last stream sequence handed on (0: none yet)
  bool rebase_ = true;          // the next message sets last_seq_ whatever it is
  std::uint64_t redelivered_ = 0;
  std::uint64_t holes_ = 0;
  FeedOrder order_;
};

}  // namespace

std::unique_ptr<Source::Body> make_nats_body(const Source::Parts& parts, const SourceSpec& spec,
                                             const Config& config, std::uint8_t source_index) {
  return std::make_unique<NatsBody>(parts, spec, config, source_index);
}

}  // namespace adrmon::bus
