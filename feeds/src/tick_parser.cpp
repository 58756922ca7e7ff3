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

namespace {

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

// What the walk collected. Semantic problems are recorded, not returned, so
// the walk can still prove the rest of the line is valid JSON first.
struct Fields {
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

constexpr std::uint32_t kQuoteRequired = bit(Field::Ts) | bit(Field::Venue) | bit(Field::Sym) |
                                         bit(Field::Bid) | bit(Field::Ask) | bit(Field::BidSize) |
                                         bit(Field::AskSize);
constexpr std::uint32_t kFxRequired =
    bit(Field::Ts) | bit(Field::Pair) | bit(Field::Bid) | bit(Field::Ask);
constexpr std::uint32_t kStatusRequired =
    bit(Field::Ts) | bit(Field::Venue) | bit(Field::Sym) | bit(Field::Trading);

}  // namespace

struct TickParser::Json {
  ondemand::parser parser;
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
  if (json_->parser.allocate(kMaxLineBytes, kMaxDepth + 2) != simdjson::SUCCESS) {
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
  for (auto field_result : obj) {
    ondemand::field field;
    if (std::move(field_result).get(field)) return Reject::InvalidJson;
    std::string_view key;
    if (field.unescaped_key().get(key)) return Reject::InvalidJson;
    const Field which = field_of(key);
    if (which != Field::Count) {
      if (f.present & bit(which)) f.duplicate = true;
      f.present |= bit(which);
    }
    if (!read_field(which, field.value(), f)) return Reject::InvalidJson;
  }
  // Anything after the object (a second object, garbage) makes the line invalid:
  // current_location() only succeeds while unread input remains.
  const char* rest = nullptr;
  if (!doc.current_location().get(rest)) return Reject::InvalidJson;

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

}  // namespace adrmon
