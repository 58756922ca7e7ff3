// What the source tests share (source_spec, source, udp_multicast and
// venue_net_sources tests): the error a call throws, the refusal of a spec,
// and a fixture that builds one real Source from a spec with a RecordingLog.
// Cold path; everything allocates.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "adrmon/feeds/source.hpp"
#include "adrmon/feeds/venue_counts.hpp"
#include "feeds_test_support.hpp"
#include "test_config.hpp"

namespace adrmon::feeds_test {

// What `f()` throws, as e.what(); "" when it returns.
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

// The message parse_source_spec throws for `text` ("" when it accepts it).
inline std::string spec_refusal(const std::string& text) {
  return error_of([&] { parse_source_spec(text); });
}

// One source per test, built by make_sources from its spec, logging into log_.
class SourceFixture : public ::testing::Test {
 protected:
  SourceFixture() { options_.log = &log_; }

  // The one Source `text` makes (not started).
  std::unique_ptr<Source> make(const std::string& text) {
    auto sources = make_sources({parse_source_spec(text)}, config_, options_, bell_);
    EXPECT_EQ(sources.size(), 1u);
    return std::move(sources.front());
  }
  // What make(text) throws ("" when it does not).
  std::string start_up_error(const std::string& text) {
    return error_of([&] { make(text); });
  }
  // Whether a logged line contains `part`.
  bool logged(const std::string& part) const {
    for (const std::string& l : log_.lines())
      if (l.find(part) != std::string::npos) return true;
    return false;
  }

  Config config_ = test::feeds_config();
  RecordingLog log_;
  SourceOptions options_;
  Doorbell bell_;
};

// The venue network sources' tests: the ticks drained so far, their seqs and
// the venue counters.
class VenueSourceFixture : public SourceFixture {
 protected:
  // Drains into ticks_ until `done` holds (false when it never does in time).
  bool drain_until(Source& s, const std::function<bool()>& done) {
    return eventually([&] {
      pop_all(s.channel(), ticks_);
      return done();
    });
  }
  std::vector<std::uint64_t> seqs() const {
    std::vector<std::uint64_t> out;
    for (const Tick& t : ticks_) out.push_back(t.seq);
    return out;
  }
  static std::uint64_t itch(const Source& s, ItchCount c) {
    return s.stats().itch[itch_index(c)].get();
  }
  static std::uint64_t omdc(const Source& s, OmdcCount c) {
    return s.stats().omdc[omdc_index(c)].get();
  }

  std::vector<Tick> ticks_;
};

}  // namespace adrmon::feeds_test
