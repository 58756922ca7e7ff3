// Length: the strict parser with every reject rule of the contract in its
// documented order, and the typed readers it inlines for speed.
// TickParser: full-object On-Demand walk, then semantic checks in a fixed order.
#include "adrmon/feeds/tick_parser.hpp"

#include <simdjson.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace adrmon {

namespace ondemand = simdjson::ondemand;

// What the walk collected. Semantic problems are recorded, not returned, so
// the walk can still prove the rest of the line is valid JSON first.
struct TickParser::Fields {
  std::uint32_t present = 0;
  bool duplicate = false;
  bool wrong_type = false;
  bool ts_out_of_range = false;
  bool price_out_of_range = false;
  bool size_out_of_range = false;
  std::string_view type, venue, sym, pair;
  std::int64_t ts = 0;
  double bid = 0, ask = 0, bid_size = 0, ask_size = 0;
  std::uint64_t seq = 0;
  bool trading = false;
};

namespace {

using Fields = TickParser::Fields;

constexpr std::size_t kMaxDepth = 32;

// JSON number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
bool is_json_number(std::string_view s) noexcept {
  std::size_t i = 0;
  const std::size_t n = s.size();
  auto digit = [&](std::size_t k) { return k < n && s[k] >= '0' && s[k] <= '9'; };
  if (i < n && s[i] == '-') ++i;
  if (!digit(i)) return false;
  if (s[i] == '0') {
    ++i;
  } else {
    while (digit(i)) ++i;
  }
  if (i < n && s[i] == '.') {
    ++i;
    if (!digit(i)) return false;
    while (digit(i)) ++i;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digit(i)) return false;
    while (digit(i)) ++i;
  }
  return i == n;
}

std::string_view trim_right(std::string_view s) noexcept {
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// Fully validates a value we do not use (or one of the wrong type), so that
// the whole line is proven to be valid JSON. Returns false on invalid JSON.
bool validate(ondemand::value value, std::size_t depth) noexcept {
  if (depth > kMaxDepth) return false;
  ondemand::json_type type;
  if (value.type().get(type)) return false;
  switch (type) {
    case ondemand::json_type::object: {
      ondemand::object obj;
      if (value.get_object().get(obj)) return false;
      for (auto field_result : obj) {
        ondemand::field field;
        if (std::move(field_result).get(field)) return false;
        std::string_view key;
        if (field.unescaped_key().get(key)) return false;
        if (!validate(field.value(), depth + 1)) return false;
      }
      return true;
    }
    case ondemand::json_type::array: {
      ondemand::array arr;
      if (value.get_array().get(arr)) return false;
      for (auto element : arr) {
        ondemand::value v;
        if (std::move(element).get(v)) return false;
        if (!validate(v, depth + 1)) return false;
      }
      return true;
    }
    case ondemand::json_type::string: {
      std::string_view s;
      return !value.get_string().get(s);
    }
    case ondemand::json_type::number:
      return is_json_number(trim_right(value.raw_json_token()));
    case ondemand::json_type::boolean: {
      bool b;
      return !value.get_bool().get(b);
    }
    case ondemand::json_type::null: {
      bool is_null = false;
      return !value.is_null().get(is_null) && is_null;
    }
  }
  return false;
}

enum class Field : std::uint8_t {
  Type,
  Ts,
  Venue,
  Sym,
  Pair,
  Bid,
  Ask,
  BidSize,
  AskSize,
  Seq,
  Trading,
  Count
};

// Fixed-length compare after the length switch: the compiler turns it into one
// or two integer compares instead of a call to string_view::compare + memcmp.
template <std::size_t N>
inline bool eq(std::string_view s, const char (&lit)[N]) noexcept {
  return std::memcmp(s.data(), lit, N - 1) == 0;
}

Field field_of(std::string_view key) noexcept {
  switch (key.size()) {
    case 2:
      if (eq(key, "ts")) return Field::Ts;
      break;
    case 3:
      if (eq(key, "sym")) return Field::Sym;
      if (eq(key, "bid")) return Field::Bid;
      if (eq(key, "ask")) return Field::Ask;
      if (eq(key, "seq")) return Field::Seq;
      break;
    case 4:
      if (eq(key, "type")) return Field::Type;
      if (eq(key, "pair")) return Field::Pair;
      break;
    case 5:
      if (eq(key, "venue")) return Field::Venue;
      break;
    case 7:
      if (eq(key, "trading")) return Field::Trading;
      break;
    case 8:
      if (eq(key, "bid_size")) return Field::BidSize;
      if (eq(key, "ask_size")) return Field::AskSize;
      break;
  }
  return Field::Count;
}

constexpr std::uint32_t bit(Field f) noexcept {
  return 1u << static_cast<unsigned>(f);
}

// Outcome of reading one typed field: ok, wrong JSON type, a valid JSON number
// we cannot represent, or invalid JSON.
enum class Read : std::uint8_t { Ok, WrongType, OutOfRange, Invalid };

[[gnu::always_inline]] inline Read read_string(ondemand::value value,
                                               std::string_view& out) noexcept {
  if (!value.get_string().get(out)) return Read::Ok;  // fast path
  ondemand::json_type type;
  if (value.type().get(type)) return Read::Invalid;
  if (type == ondemand::json_type::string) return Read::Invalid;  // a bad escape
  return validate(value, 1) ? Read::WrongType : Read::Invalid;
}

// Numbers longer than this take the exact path below: Debian's simdjson 3.0.1
// misrounds some decimals with more than 19 significant digits (it reads
// 0.6666669223372036854775808666665 as 2.04e-13; found by fuzz_tick_parser
// against nlohmann). A 19-character token has at most 19 digits: fast path.
constexpr std::size_t kSimdjsonExactDigits = 19;

[[gnu::always_inline]] inline Read read_double(ondemand::value value, double& out) noexcept {
  const std::string_view raw = trim_right(value.raw_json_token());
  if (raw.size() <= kSimdjsonExactDigits) [[likely]] {
    if (!value.get_double().get(out)) return Read::Ok;  // fast path
  } else if (!raw.empty() && (raw[0] == '-' || (raw[0] >= '0' && raw[0] <= '9'))) {
    if (!is_json_number(raw)) return Read::Invalid;
    const auto [end, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), out);
    if (ec == std::errc::result_out_of_range) return Read::OutOfRange;
    return ec == std::errc() && end == raw.data() + raw.size() ? Read::Ok : Read::Invalid;
  }
  ondemand::json_type type;
  if (value.type().get(type)) return Read::Invalid;
  if (type != ondemand::json_type::number) {
    return validate(value, 1) ? Read::WrongType : Read::Invalid;
  }
  return is_json_number(raw) ? Read::OutOfRange : Read::Invalid;
}

[[gnu::always_inline]] inline Read read_int64(ondemand::value value, std::int64_t& out) noexcept {
  // Fast path: a well-formed integer. Only a failure looks at the raw token.
  if (!value.get_int64().get(out)) return Read::Ok;
  ondemand::json_type type;
  if (value.type().get(type)) return Read::Invalid;
  if (type != ondemand::json_type::number) {
    return validate(value, 1) ? Read::WrongType : Read::Invalid;
  }
  const std::string_view token = trim_right(value.raw_json_token());
  if (!is_json_number(token)) return Read::Invalid;
  for (const char c : token) {
    if (c == '.' || c == 'e' || c == 'E') return Read::WrongType;
  }
  return Read::OutOfRange;
}

Read read_uint64(ondemand::value value, std::uint64_t& out) noexcept {
  // kNoSeq (2^64 - 1) is reserved to mean "no seq"; everything below is a seq.
  if (!value.get_uint64().get(out)) return out == kNoSeq ? Read::WrongType : Read::Ok;
  ondemand::json_type type;
  if (value.type().get(type)) return Read::Invalid;
  if (type != ondemand::json_type::number) {
    return validate(value, 1) ? Read::WrongType : Read::Invalid;
  }
  // A negative, fractional or too large number: valid JSON, wrong type for seq.
  return is_json_number(trim_right(value.raw_json_token())) ? Read::WrongType : Read::Invalid;
}

// Reads one known field into `f`. Returns false on invalid JSON.
bool read_field(Field which, ondemand::value value, Fields& f) noexcept {
  Read r = Read::Ok;
  switch (which) {
    case Field::Type:
      r = read_string(value, f.type);
      break;
    case Field::Venue:
      r = read_string(value, f.venue);
      break;
    case Field::Sym:
      r = read_string(value, f.sym);
      break;
    case Field::Pair:
      r = read_string(value, f.pair);
      break;
    case Field::Ts:
      r = read_int64(value, f.ts);
      if (r == Read::OutOfRange) f.ts_out_of_range = true;
      break;
    case Field::Bid:
    case Field::Ask:
      r = read_double(value, which == Field::Bid ? f.bid : f.ask);
      if (r == Read::OutOfRange) f.price_out_of_range = true;
      break;
    case Field::BidSize:
    case Field::AskSize:
      r = read_double(value, which == Field::BidSize ? f.bid_size : f.ask_size);
      if (r == Read::OutOfRange) f.size_out_of_range = true;
      break;
    case Field::Seq:
      r = read_uint64(value, f.seq);
      break;
    case Field::Trading:
      if (value.get_bool().get(f.trading)) {
        r = validate(value, 1) ? Read::WrongType : Read::Invalid;
      }
      break;
    case Field::Count:
      return validate(value, 1);
  }
  if (r == Read::Invalid) return false;
  if (r == Read::WrongType) f.wrong_type = true;
  return true;
}

// Walks every field of `obj` into `f`. Returns false on invalid JSON.
bool walk(ondemand::object obj, Fields& f) noexcept {
  for (auto field_result : obj) {
    ondemand::field field;
    if (std::move(field_result).get(field)) return false;
    std::string_view key;
    if (field.unescaped_key().get(key)) return false;
    const Field which = field_of(key);
    if (which != Field::Count) {
      if (f.present & bit(which)) f.duplicate = true;
      f.present |= bit(which);
    }
    if (!read_field(which, field.value(), f)) return false;
  }
  return true;
}

bool is_json_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// Where the text of `line` starts: its first byte that is not JSON
// whitespace (its end when it has none).
const char* text_start(std::string_view line) noexcept {
  const char* p = line.data();
  const char* const end = p + line.size();
  while (p < end && is_json_space(*p)) ++p;
  return p;
}

constexpr std::uint32_t kQuoteRequired = bit(Field::Ts) | bit(Field::Venue) | bit(Field::Sym) |
                                         bit(Field::Bid) | bit(Field::Ask) | bit(Field::BidSize) |
                                         bit(Field::AskSize);
constexpr std::uint32_t kFxRequired =
    bit(Field::Ts) | bit(Field::Pair) | bit(Field::Bid) | bit(Field::Ask);
constexpr std::uint32_t kStatusRequired =
    bit(Field::Ts) | bit(Field::Venue) | bit(Field::Sym) | bit(Field::Trading);

}  // namespace

struct TickParser::Json {
  ondemand::parser parser;  // parse(): one line per document
  // parse_lines(): one iterate_many stream per run. Its own parser because a
  // stream allocates to (batch size, default depth) unless already so.
  ondemand::parser stream;
};

TickParser::~TickParser() = default;
TickParser::TickParser(TickParser&&) noexcept = default;
TickParser& TickParser::operator=(TickParser&&) noexcept = default;

TickParser::TickParser(const Config& config)
    : json_(std::make_unique<Json>()),
      us_(config.pairs.size() + config.aliases.us.size()),
      hk_(config.pairs.size() + config.aliases.hk.size()),
      fx_pair_(config.fx.pair),
      fx_min_(config.fx.min),
      fx_max_(config.fx.max) {
  if (json_->parser.allocate(kMaxLineBytes, kMaxDepth + 2) != simdjson::SUCCESS ||
      json_->stream.allocate(kRunBytes) != simdjson::SUCCESS) {
    throw std::runtime_error("simdjson: cannot allocate the tick parser");
  }
  for (PairId id = 0; id < config.pairs.size(); ++id) {
    us_.insert(config.pairs[id].adr, adr_instrument(id));
    hk_.insert(config.pairs[id].hk, hk_instrument(id));
  }
  // [aliases]: another key for the same instrument, resolved once here.
  for (const SymbolAlias& a : config.aliases.us) us_.insert(a.vendor, us_.find(a.target));
  for (const SymbolAlias& a : config.aliases.hk) {
    hk_.insert(strip_leading_zeros(a.vendor), hk_.find(a.target));
  }
  for (const SymbolAlias& a : config.aliases.fx) fx_aliases_.push_back(a.vendor);
}

bool TickParser::is_fx_pair(std::string_view pair) const noexcept {
  if (pair == fx_pair_) return true;
  for (const std::string& a : fx_aliases_) {  // a vendor's name for it: only then
    if (pair == a) return true;
  }
  return false;
}

Reject TickParser::parse(std::string_view line, Tick& out) noexcept {
  if (line.size() > kMaxLineBytes) return Reject::LineTooLong;
  ondemand::document doc;
  if (json_->parser.iterate(line.data(), line.size(), line.size() + kLinePadding).get(doc)) {
    return Reject::InvalidJson;
  }
  ondemand::object obj;
  if (doc.get_object().get(obj)) return Reject::InvalidJson;
  Fields f;
  if (!walk(obj, f)) return Reject::InvalidJson;
  // Anything after the object (a second object, garbage) makes the line invalid:
  // current_location() only succeeds while unread input remains.
  const char* rest = nullptr;
  if (!doc.current_location().get(rest)) return Reject::InvalidJson;
  return judge(f, out);
}

Reject TickParser::judge(const Fields& f, Tick& out) noexcept {
  if (f.duplicate) return Reject::DuplicateField;
  if (f.wrong_type) return Reject::WrongType;
  if (!(f.present & bit(Field::Type))) return Reject::MissingField;

  const bool quote = f.type.size() == 5 && eq(f.type, "quote");
  const bool status = !quote && f.type.size() == 6 && eq(f.type, "status");
  if (!quote && !status && !(f.type.size() == 2 && eq(f.type, "fx"))) return Reject::UnknownType;
  const std::uint32_t required = quote ? kQuoteRequired : (status ? kStatusRequired : kFxRequired);
  if ((f.present & required) != required) return Reject::MissingField;

  InstrumentId id = kFxInstrument;
  if (quote || status) {
    if (f.venue.size() == 2 && eq(f.venue, "US")) {
      id = us_.find(f.sym);
    } else if (f.venue.size() == 2 && eq(f.venue, "HK")) {
      id = hk_.find(strip_leading_zeros(f.sym));
    } else {
      return Reject::BadVenue;
    }
    if (id == kNoInstrument) {
      rejected_symbol_ = f.sym;
      return Reject::UnknownSymbol;
    }
  } else if (!is_fx_pair(f.pair)) {
    rejected_symbol_ = f.pair;
    return Reject::UnknownSymbol;
  }

  if (f.ts_out_of_range || f.ts < kMinTsEvent) {
    rejected_ts_ = f.ts_out_of_range ? 0 : f.ts;
    return Reject::BadTimestamp;
  }
  if (status) [[unlikely]] {
    // A halt or its end: no prices; the kind is the state.
    out = Tick{};
    out.ts_event = f.ts;
    out.seq = (f.present & bit(Field::Seq)) != 0 ? f.seq : kNoSeq;
    out.instrument = static_cast<std::uint16_t>(id);
    out.kind = f.trading ? TickKind::Trading : TickKind::Halted;
    return Reject::None;
  }
  if (f.price_out_of_range || !std::isfinite(f.bid) || !std::isfinite(f.ask) || !(f.bid > 0) ||
      !(f.ask > 0)) {
    return Reject::BadPrice;
  }
  if (quote && (f.size_out_of_range || !(f.bid_size >= 0) || !(f.ask_size >= 0) ||
                !std::isfinite(f.bid_size) || !std::isfinite(f.ask_size))) {
    return Reject::BadSize;
  }
  if (f.bid > f.ask) return Reject::CrossedQuote;
  if (!quote && (f.bid < fx_min_ || f.ask > fx_max_)) return Reject::FxOutOfBand;

  out.ts_event = f.ts;
  out.ts_recv = 0;
  out.bid = f.bid;
  out.ask = f.ask;
  out.bid_size = quote ? f.bid_size : 0;
  out.ask_size = quote ? f.ask_size : 0;
  out.seq = (f.present & bit(Field::Seq)) != 0 ? f.seq : kNoSeq;
  out.parse_ns = 0;
  out.instrument = static_cast<std::uint16_t>(id);
  out.kind = quote ? TickKind::Quote : TickKind::Fx;
  out.source = 0;
  return Reject::None;
}

void TickParser::record(Reject r, ParsedLine& out) const noexcept {
  out.reject = r;
  out.rejected_ts = rejected_ts_;
  out.symbol_size = 0;
  if (r == Reject::UnknownSymbol) {
    const std::string_view sym = rejected_symbol_.substr(0, ParsedLine::kSymbolBytes);
    std::memcpy(out.symbol, sym.data(), sym.size());
    out.symbol_size = static_cast<std::uint8_t>(sym.size());
  }
}

std::size_t TickParser::parse_run(std::span<const std::string_view> run, ParsedLine* out) noexcept {
  if (run.size() < 2) return 0;
  const char* const begin = text_start(run.front());
  const char* const end = run.back().data() + run.back().size();
  ondemand::document_stream stream;
  if (json_->stream.iterate_many(begin, static_cast<std::size_t>(end - begin), kRunBytes)
          .get(stream)) {
    return 0;
  }
  // Every line but the last: the last has no next line to prove where its
  // object ends (at the end of a stream, stage 1 drops an unclosed string's
  // opening quote, so `{...}"` would look complete). It is parsed alone.
  std::size_t k = 0;
  for (auto it = stream.begin(); it != stream.end() && k + 1 < run.size(); ++it) {
    // The document starts where line k's text does (the first one is
    // reported at 0, where the stream starts: line 0's text).
    if (k > 0 && begin + it.current_index() != text_start(run[k])) return k;
    ondemand::document_reference doc;
    if ((*it).get(doc)) return k;
    ondemand::object obj;
    if (doc.get_object().get(obj)) return k;
    Fields f;
    if (!walk(obj, f)) return k;
    // The next token is where the next line's text starts: the object was
    // alone on its line, which is what parse() checks.
    const char* next = nullptr;
    if (doc.current_location().get(next) || next != text_start(run[k + 1])) return k;
    record(judge(f, out[k].tick), out[k]);
    ++k;
  }
  return k;
}

void TickParser::parse_lines(std::span<const std::string_view> lines, ParsedLine* out) noexcept {
  std::size_t i = 0;
  while (i < lines.size()) {
    // The run: lines[i, j) within kRunBytes, none blank, each after the one
    // before with only JSON whitespace between them.
    const char* const begin = lines[i].data();
    std::size_t j = i;
    const char* prev_end = begin;
    while (j < lines.size()) {
      const char* const b = lines[j].data();
      const char* const e = b + lines[j].size();
      if (b < prev_end || e - begin > static_cast<std::ptrdiff_t>(kRunBytes)) break;
      if (text_start(lines[j]) == e) break;
      const char* p = prev_end;
      while (p < b && is_json_space(*p)) ++p;
      if (p != b) break;
      prev_end = e;
      ++j;
    }
    if (j == i) {  // longer than a run, blank, or not after the line before
      record(parse(lines[i], out[i].tick), out[i]);
      ++i;
      continue;
    }
    const std::span<const std::string_view> run = lines.subspan(i, j - i);
    const std::size_t streamed = parse_run(run, out + i);
    streamed_lines_ += streamed;
    for (std::size_t k = streamed; k < run.size(); ++k) {
      record(parse(run[k], out[i + k].tick), out[i + k]);
    }
    i = j;
  }
}

}  // namespace adrmon
