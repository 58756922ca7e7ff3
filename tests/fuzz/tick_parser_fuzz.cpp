// Fuzz target: arbitrary bytes -> LineFramer -> TickParser::parse, line by line.
//
// Checked on every line, besides "no crash, hang, leak or UB" (ASan+UBSan):
// - an accepted tick keeps the contract (fuzz_common.hpp: finite positive
//   prices, bid <= ask, known instrument, ts > 0, FX inside the band);
// - the verdict does not depend on the padding bytes after the line (the
//   line is parsed again from a copy followed by 64 '9's);
// - an independent strict JSON validator (JsonCheck below: RFC 8259
//   grammar, RFC 3629 UTF-8) agrees on "one complete, valid JSON object"
//   versus invalid_json, and for an accepted tick nlohmann::json reads the
//   same field values (ts, prices and sizes bit for bit, seq, instrument).
//   Not compared where docs/FORMATS.md counts differently: nesting deeper
//   than 31, and a line starting with a UTF-8 BOM (mid-stream it is
//   invalid_json; the framer skips one only at the start of a stream);
// - TickParser::parse_lines over all the input's lines at once (one read,
//   as TickFileReader batches them) gives every line parse()'s verdict, tick,
//   rejected ts and unknown symbol.
#include <nlohmann/json.hpp>

#include "fuzz_common.hpp"

namespace {

using namespace adrmon;
using adrmon::fuzz::fuzz_fail;

// One line's parse() outcome, for the parse_lines comparison.
struct Verdict {
  Reject reject;
  Tick tick;
  std::int64_t rejected_ts;
  std::string symbol;
};

// The framer's read chunk, and run.sh's -max_len: an input arrives in one read.
constexpr std::size_t kChunk = 4096;

struct State {
  TickParser parser{fuzz::fuzz_config()};
  TickParser batch{fuzz::fuzz_config()};
  LineFramer framer{kChunk, kMaxLineBytes};
  std::vector<std::string_view> lines;
  std::vector<Verdict> verdicts;
  std::vector<ParsedLine> parsed;
  std::vector<char> copy = std::vector<char>(kMaxLineBytes + kLinePadding + 1);
};

// A plain, strict JSON validator (RFC 8259 grammar, RFC 3629 UTF-8, escaped
// surrogates paired), independent of simdjson: the oracle for "one complete,
// valid JSON object". It also reports the deepest nesting.
class JsonCheck {
 public:
  explicit JsonCheck(std::string_view s)
      : p_(reinterpret_cast<const unsigned char*>(s.data())), e_(p_ + s.size()) {}

  bool object_line() {
    ws();
    if (p_ == e_ || *p_ != '{') return false;
    if (!value(1)) return false;
    ws();
    return p_ == e_;
  }
  int deepest() const { return deepest_; }

 private:
  void ws() {
    while (p_ < e_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
  }
  bool eat(char c) {
    if (p_ < e_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }
  bool value(int depth) {
    ws();
    if (p_ == e_) return false;
    switch (*p_) {
      case '{':
      case '[': {
        const bool object = *p_ == '{';
        const char close = object ? '}' : ']';
        deepest_ = std::max(deepest_, depth);
        ++p_;
        ws();
        if (eat(close)) return true;
        for (;;) {
          if (object) {
            ws();
            if (!string()) return false;
            ws();
            if (!eat(':')) return false;
          }
          if (!value(depth + 1)) return false;
          ws();
          if (eat(close)) return true;
          if (!eat(',')) return false;
        }
      }
      case '"':
        return string();
      case 't':
        return literal("true");
      case 'f':
        return literal("false");
      case 'n':
        return literal("null");
      default:
        return number();
    }
  }
  bool literal(std::string_view word) {
    if (static_cast<std::size_t>(e_ - p_) < word.size() ||
        std::memcmp(p_, word.data(), word.size()) != 0) {
      return false;
    }
    p_ += word.size();
    return true;
  }
  bool digits() {
    const unsigned char* start = p_;
    while (p_ < e_ && *p_ >= '0' && *p_ <= '9') ++p_;
    return p_ > start;
  }
  bool number() {
    eat('-');
    if (eat('0')) {
      // no leading zeros
    } else if (!digits()) {
      return false;
    }
    if (eat('.') && !digits()) return false;
    if (p_ < e_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      if (!eat('+')) eat('-');
      if (!digits()) return false;
    }
    return true;
  }
  int hex4() {
    if (e_ - p_ < 4) return -1;
    int v = 0;
    for (int i = 0; i < 4; ++i) {
      const unsigned char c = *p_++;
      v <<= 4;
      if (c >= '0' && c <= '9') {
        v |= c - '0';
      } else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') {
        v |= (c | 0x20) - 'a' + 10;
      } else {
        return -1;
      }
    }
    return v;
  }
  bool string() {
    if (!eat('"')) return false;
    while (p_ < e_) {
      const unsigned char c = *p_++;
      if (c == '"') return true;
      if (c < 0x20) return false;
      if (c == '\\') {
        if (p_ == e_) return false;
        const unsigned char k = *p_++;
        if (k == 'u') {
          const int u = hex4();
          if (u < 0) return false;
          if (u >= 0xDC00 && u <= 0xDFFF) return false;  // a lone low surrogate
          if (u >= 0xD800 && u <= 0xDBFF) {              // must pair with a low one
            if (!eat('\\') || !eat('u')) return false;
            const int lo = hex4();
            if (lo < 0xDC00 || lo > 0xDFFF) return false;
          }
        } else if (std::strchr("\"\\/bfnrt", k) == nullptr || k == 0) {
          return false;
        }
      } else if (c >= 0x80 && !utf8_tail(c)) {
        return false;
      }
    }
    return false;
  }
  // The rest of one UTF-8 sequence whose first byte is `c` (RFC 3629 table).
  bool utf8_tail(unsigned char c) {
    int n;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
    } else if (c == 0xE0) {
      n = 2, lo = 0xA0;
    } else if (c == 0xED) {
      n = 2, hi = 0x9F;
    } else if (c >= 0xE1 && c <= 0xEF) {
      n = 2;
    } else if (c == 0xF0) {
      n = 3, lo = 0x90;
    } else if (c >= 0xF1 && c <= 0xF3) {
      n = 3;
    } else if (c == 0xF4) {
      n = 3, hi = 0x8F;
    } else {
      return false;
    }
    for (int i = 0; i < n; ++i) {
      if (p_ == e_ || *p_ < (i == 0 ? lo : 0x80) || *p_ > (i == 0 ? hi : 0xBF)) return false;
      ++p_;
    }
    return true;
  }

  const unsigned char* p_;
  const unsigned char* e_;
  int deepest_ = 0;
};

// Bit for bit, except that nlohmann reads "-0" as the integer 0 (+0.0)
// where simdjson keeps -0.0; both are a size of zero (a price of -0 is
// rejected either way).
bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0 || (a == 0 && b == 0);
}

// The instrument id the config gives this record, or kNoInstrument.
InstrumentId expected_instrument(const nlohmann::json& j) {
  const Config& c = fuzz::fuzz_config();
  if (j.at("type") == "fx") return kFxInstrument;
  const std::string sym = j.at("sym").get<std::string>();
  const bool us = j.at("venue") == "US";
  for (PairId p = 0; p < c.pairs.size(); ++p) {
    if (us && c.pairs[p].adr == sym) return adr_instrument(p);
    if (!us && c.pairs[p].hk == strip_leading_zeros(sym)) return hk_instrument(p);
  }
  return kNoInstrument;
}

void check_against_nlohmann(std::string_view line, Reject r, const Tick& t) {
  const bool bom = line.size() >= 3 && std::memcmp(line.data(), "\xEF\xBB\xBF", 3) == 0;
  if (bom) {
    if (r != Reject::InvalidJson)
      fuzz_fail("a line starting with a BOM was not invalid_json", line);
    return;
  }
  JsonCheck check(line);
  const bool valid = check.object_line();
  if (valid && check.deepest() > 31) return;  // the depth limits are counted differently
  if (!valid && r != Reject::InvalidJson) fuzz_fail("invalid JSON was not refused", line);
  if (valid && r == Reject::InvalidJson) fuzz_fail("a valid JSON object was refused", line);
  if (r != Reject::None) return;

  // nlohmann refuses numbers beyond double (1e999) that the grammar allows
  // in fields adrmon ignores; such lines get no value comparison.
  const nlohmann::json j = nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
  if (j.is_discarded()) return;
  const nlohmann::json& ts = j.at("ts");
  if (!ts.is_number_integer() || ts.get<std::int64_t>() != t.ts_event)
    fuzz_fail("ts differs", line);
  if (!same_bits(j.at("bid").get<double>(), t.bid)) fuzz_fail("bid differs", line);
  if (!same_bits(j.at("ask").get<double>(), t.ask)) fuzz_fail("ask differs", line);
  if (t.kind == TickKind::Quote) {
    if (!same_bits(j.at("bid_size").get<double>(), t.bid_size)) fuzz_fail("bid_size differs", line);
    if (!same_bits(j.at("ask_size").get<double>(), t.ask_size)) fuzz_fail("ask_size differs", line);
  }
  if (j.contains("seq")) {
    if (!j["seq"].is_number_unsigned() || j["seq"].get<std::uint64_t>() != t.seq) {
      fuzz_fail("seq differs", line);
    }
  } else if (t.has_seq()) {
    fuzz_fail("seq invented", line);
  }
  if (expected_instrument(j) != t.instrument) fuzz_fail("instrument differs", line);
  if ((j.at("type") == "fx") != (t.kind == TickKind::Fx)) fuzz_fail("kind differs", line);
}

void check_line(State& s, std::string_view line) {
  Tick t{};
  const Reject r = s.parser.parse(line, t);
  s.lines.push_back(line);
  s.verdicts.push_back({r, t, s.parser.rejected_ts(),
                        r == Reject::UnknownSymbol ? std::string(s.parser.rejected_symbol().substr(
                                                         0, ParsedLine::kSymbolBytes))
                                                   : std::string()});
  if (static_cast<std::size_t>(r) >= kRejectReasonCount || r == Reject::OutOfOrder) {
    fuzz_fail("parser returned an impossible reject", line);
  }
  if (r == Reject::None) fuzz::check_accepted(t, fuzz::fuzz_config(), line);

  // The same bytes followed by different padding must get the same verdict.
  std::memcpy(s.copy.data(), line.data(), line.size());
  std::memset(s.copy.data() + line.size(), '9', kLinePadding);
  Tick t2{};
  const Reject r2 = s.parser.parse(std::string_view(s.copy.data(), line.size()), t2);
  if (r2 != r) fuzz_fail("verdict depends on the padding after the line", line);
  if (r == Reject::None && !fuzz::same_tick(t, t2)) fuzz_fail("tick depends on the padding", line);

  check_against_nlohmann(line, r, t);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static State& s = *new State;
  s.framer.reset();
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  s.lines.clear();
  s.verdicts.clear();
  fuzz::drive_framer(
      s.framer, bytes, [](std::size_t space) { return space; },
      [&](std::string_view line) { check_line(s, line); }, [] {});
  // Every line came from one read: the views still stand, and parse_lines
  // must agree with parse() on each.
  if (size > kChunk || s.lines.empty()) return 0;
  s.parsed.resize(s.lines.size());
  s.batch.parse_lines(s.lines, s.parsed.data());
  for (std::size_t i = 0; i < s.lines.size(); ++i) {
    const Verdict& v = s.verdicts[i];
    const ParsedLine& p = s.parsed[i];
    if (p.reject != v.reject) fuzz_fail("parse_lines and parse differ on the verdict", s.lines[i]);
    if (v.reject == Reject::None && !fuzz::same_tick(p.tick, v.tick)) {
      fuzz_fail("parse_lines and parse differ on the tick", s.lines[i]);
    }
    if (v.reject == Reject::BadTimestamp && p.rejected_ts != v.rejected_ts) {
      fuzz_fail("parse_lines and parse differ on the rejected ts", s.lines[i]);
    }
    if (v.reject == Reject::UnknownSymbol &&
        std::string_view(p.symbol, p.symbol_size) != v.symbol) {
      fuzz_fail("parse_lines and parse differ on the unknown symbol", s.lines[i]);
    }
  }
  return 0;
}
