// The baseline a typical user writes: nlohmann::json DOM parse of the line,
// field extraction with at()/get<>(), symbol lookup in an unordered_map of
// std::string. Produces the same Tick as TickParser for a valid line.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>

#include "adrmon/core/config.hpp"
#include "adrmon/core/instrument.hpp"
#include "adrmon/core/tick.hpp"

namespace adrmon::bench {

class NlohmannParser {
 public:
  explicit NlohmannParser(const Config& c) : fx_pair_(c.fx.pair) {
    for (PairId id = 0; id < c.pairs.size(); ++id) {
      us_[c.pairs[id].adr] = adr_instrument(id);
      hk_[c.pairs[id].hk] = hk_instrument(id);
    }
  }

  bool parse(std::string_view line, Tick& out) {
    const nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) return false;
    try {
      const std::string& type = j.at("type").get_ref<const std::string&>();
      out = Tick{};
      out.seq = kNoSeq;
      out.ts_event = j.at("ts").get<std::int64_t>();
      out.bid = j.at("bid").get<double>();
      out.ask = j.at("ask").get<double>();
      if (type == "quote") {
        const std::string& venue = j.at("venue").get_ref<const std::string&>();
        const std::string& sym = j.at("sym").get_ref<const std::string&>();
        const auto& table = venue == "US" ? us_ : hk_;
        const auto it = table.find(sym);
        if (it == table.end()) return false;
        out.instrument = static_cast<std::uint16_t>(it->second);
        out.kind = TickKind::Quote;
        out.bid_size = j.at("bid_size").get<double>();
        out.ask_size = j.at("ask_size").get<double>();
        if (const auto s = j.find("seq"); s != j.end()) {
          out.seq = s->get<std::uint64_t>();
        }
      } else if (type == "fx") {
        if (j.at("pair").get_ref<const std::string&>() != fx_pair_) return false;
        out.instrument = static_cast<std::uint16_t>(kFxInstrument);
        out.kind = TickKind::Fx;
      } else {
        return false;
      }
    } catch (const nlohmann::json::exception&) {
      return false;
    }
    return out.bid > 0 && out.ask >= out.bid;
  }

 private:
  std::string fx_pair_;
  std::unordered_map<std::string, InstrumentId> us_, hk_;
};

}  // namespace adrmon::bench
