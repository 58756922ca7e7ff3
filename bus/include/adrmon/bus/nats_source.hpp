// The nats:// source of `adrmon run`: a JetStream pull consumer on the ticks
// stream feeding a TickChannel like any other source. Every record is
// resolved against the engine's own config (a shard's pairs, FX always);
// records of other pairs are skipped, not rejected. With ?durable=NAME the
// consumer is durable: a restarted engine resumes after the last tick it
// acked. Acks go after the ticks entered the channel (AckAll, per batch).
#pragma once

#include <memory>

#include "adrmon/feeds/source.hpp"

namespace adrmon::bus {

// The body of a SourceSpec::Kind::Nats source; the factory make_sources
// calls (feeds never links cnats). Connects on its own thread (reconnects
// forever); auth, TLS and the stream name come from [bus] when present.
// Cold path; throws std::invalid_argument on a bad spec.
std::unique_ptr<Source::Body> make_nats_body(const Source::Parts& parts, const SourceSpec& spec,
                                             const Config& config, std::uint8_t source_index);

}  // namespace adrmon::bus
