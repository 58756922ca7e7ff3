// Fuzz target: arbitrary bytes -> parse_config.
//
// The loader's contract: any text gives either a Config or a ConfigError
// (file, line, key, message) -- never another exception, a crash, a hang or
// UB. A Config that comes back must hold everything docs/FORMATS.md says the
// loader validates, and a TickParser must build from it.
#include <set>
#include <typeinfo>

#include "fuzz_common.hpp"

namespace {

using namespace adrmon;
using adrmon::fuzz::fuzz_fail;

bool good_symbol(const std::string& s) {
  if (s.empty() || s.size() > SymbolTable::kMaxSymbolBytes) return false;
  for (unsigned char c : s) {
    if (c <= 0x20 || c == '"' || c == '\\' || c == 0x7f) return false;
  }
  return true;
}

void check_thresholds(const Thresholds& t) {
  if (!std::isfinite(t.enter_bps) || !std::isfinite(t.exit_bps) || !std::isfinite(t.cost_bps) ||
      !std::isfinite(t.conversion_fee_usd)) {
    fuzz_fail("a non-finite threshold was accepted");
  }
  if (t.exit_bps > t.enter_bps) fuzz_fail("exit_bps > enter_bps was accepted");
  if (t.max_age_ns < 0 || t.min_persist_ns < 0 || t.conversion_fee_usd < 0) {
    fuzz_fail("a negative age, persistence or fee was accepted");
  }
}

void check_config(const Config& c) {
  if (!(c.fx.min > 0) || !(c.fx.min < c.fx.max) || !std::isfinite(c.fx.max)) {
    fuzz_fail("a bad [fx] band was accepted");
  }
  if (!good_symbol(c.fx.pair)) fuzz_fail("a bad fx pair was accepted");
  if (c.pairs.size() > kMaxPairs) fuzz_fail("more pairs than instrument ids");
  check_thresholds(c.defaults);
  std::set<std::string> adrs, hks;
  for (const PairConfig& p : c.pairs) {
    if (!(p.ratio > 0) || !std::isfinite(p.ratio)) fuzz_fail("a bad ratio was accepted");
    if (!good_symbol(p.adr) || !good_symbol(p.hk)) fuzz_fail("a bad symbol was accepted");
    for (char ch : p.hk) {
      if (ch < '0' || ch > '9') fuzz_fail("an HK code that is not all digits was accepted");
    }
    if (strip_leading_zeros(p.hk) != p.hk) fuzz_fail("an HK code kept its leading zeros");
    if (!adrs.insert(p.adr).second || !hks.insert(p.hk).second) {
      fuzz_fail("a symbol in two pairs was accepted");
    }
    if (p.name != p.adr + "/" + p.hk) fuzz_fail("pair name is not ADR/HK");
    check_thresholds(p.thresholds);
  }
  TickParser parser(c);  // must build from anything the loader accepts
  for (PairId id = 0; id < c.pairs.size(); ++id) {
    if (parser.find_us(c.pairs[id].adr) != adr_instrument(id) ||
        parser.find_hk(c.pairs[id].hk) != hk_instrument(id)) {
      fuzz_fail("a configured symbol does not resolve to its id");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const Config c = parse_config(text, "<fuzz>");
    check_config(c);
  } catch (const ConfigError& e) {
    // The key may be empty: TOML allows "" = 1, reported as key ''.
    if (e.file() != "<fuzz>" || e.line() < 0 ||
        std::string_view(e.what()).substr(0, 7) != "<fuzz>:") {
      fuzz_fail("a ConfigError that does not name the file and line");
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", typeid(e).name(), e.what());
    fuzz_fail("parse_config threw something other than ConfigError");
  } catch (...) {
    fuzz_fail("parse_config threw a non-std exception");
  }
  return 0;
}
