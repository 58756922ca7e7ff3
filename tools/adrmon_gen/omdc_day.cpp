// Length: an OMD-C order-book flow (insert/change/delete/clear, suspension,
// session status) and the derivation of the HK quotes a decoder must emit from
// it.
// make_omdc_day: the HK quotes of a generated day as an HKEX OMD-C capture
// (packets back to back, each with its 16-byte header; little-endian), with
// the JSON records a correct decoder emits from it.
//
// Stream: Trading Session Status (20) and a Security Definition (11) per code
// first; then Aggregate Order Book Updates (53) per code: a quote is one
// message whose entries (new / change / delete by side and level) move level 1
// of both sides at once and keep 3-8 levels below; between quotes, messages
// that touch only deeper levels or only level 1's NumberOfOrders (no quote);
// some Trade Tickers (52, not a book message); one suspension: Security
// Status (21) "halt", a 74 clear of both sides, no book until the Security
// Status "resume", then the book is rebuilt in one message. Untracked codes
// run the same flow on quotes of their own and share packets with the
// tracked ones. Messages with the same SendTime are packed together (up to 8,
// under 1400 bytes); the Filler byte carries junk, as in real captures.
#include <algorithm>
#include <array>
#include <set>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "price_grid.hpp"
#include "rng.hpp"
#include "venue_day.hpp"

namespace adrmon::gen {
namespace {

constexpr std::int64_t kMs = 1'000'000;
constexpr std::size_t kMaxPacketBytes = 1400;
constexpr std::uint8_t kNew = 0, kChange = 1, kDelete = 2, kClear = 74;
constexpr std::array<std::uint8_t, 12> kFillerJunk{0,  1,   2,   12,  47,  92,
                                                   93, 132, 186, 198, 205, 221};

struct Entry {
  std::uint64_t qty = 0;
  std::int64_t price = 0;  // thousandths of HKD
  std::uint32_t orders = 0;
  std::uint16_t side = 0;  // 0 bid, 1 offer
  std::uint8_t level = 1;
  std::uint8_t action = kNew;
};

struct OMsg {
  std::int64_t ts = 0;
  std::uint16_t type = 0;
  std::uint32_t code = 0;
  std::vector<Entry> entries;   // 53
  std::uint8_t suspension = 0;  // 21
  std::string body;             // other types: the body as written
};

void le(std::string& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void text(std::string& out, std::string_view s, std::size_t n, char pad = ' ') {
  for (std::size_t i = 0; i < n; ++i) out.push_back(i < s.size() ? s[i] : pad);
}

// One code's aggregate book as the publisher keeps it (level 1 first).
class LevelFlow {
 public:
  LevelFlow(std::uint32_t code, int lot, Rng& rng, std::vector<OMsg>& out)
      : code_(code), lot_(lot), rng_(rng), out_(out), grid_(hk_grid()) {}

  bool empty() const { return bids_.empty() || asks_.empty(); }

  // One message that shows q at level 1; false when q is the top already.
  bool quote(const VenueQuote& q) {
    if (!empty() && bids_[0].price == q.bid && bids_[0].qty == u64(q.bid_size) &&
        asks_[0].price == q.ask && asks_[0].qty == u64(q.ask_size))
      return false;
    OMsg m = msg(q.ts);
    // The side moving away from the other goes first, so no state in between is crossed.
    const bool bid_first = asks_.empty() || q.bid < asks_[0].price;
    for (int i = 0; i < 2; ++i) {
      const bool bid = (i == 0) == bid_first;
      move_top(m, bid, bid ? q.bid : q.ask, bid ? q.bid_size : q.ask_size);
    }
    for (int i = 0; i < 2; ++i) keep_depth(m, i == 0);
    out_.push_back(std::move(m));
    return true;
  }

  // 0-2 messages below level 1 (or level 1's order count only) inside (from, to).
  void noise(std::int64_t from, std::int64_t to) {
    if (empty() || to - from < 2) return;
    const auto n = rng_.integer(0, 2);
    std::vector<std::int64_t> at;
    for (std::int64_t i = 0; i < n; ++i) at.push_back(from + 1 + rng_.integer(0, to - from - 2));
    std::sort(at.begin(), at.end());
    for (std::int64_t t : at) noise_at(t);
  }

  void noise_at(std::int64_t t) {
    if (empty()) return;
    if (rng_.uniform() < 0.08) {
      trade_ticker(t);
      return;
    }
    OMsg m = msg(t);
    const bool bid = rng_.integer(0, 1) == 0;
    std::vector<Level>& L = side(bid);
    const double u = rng_.uniform();
    const auto n = static_cast<std::int64_t>(L.size());
    if (u < 0.3 && n >= 2) {
      const auto k = static_cast<std::size_t>(rng_.integer(2, n));
      change(m, bid, k, u64(lot_ * rng_.integer(1, 40)),
             static_cast<std::uint32_t>(rng_.integer(1, 12)));
    } else if (u < 0.5 && n > 3) {
      erase(m, bid, static_cast<std::size_t>(rng_.integer(2, n)));
    } else if (u < 0.7 && n < 8) {
      append(m, bid);
    } else if (u < 0.85 && n >= 2 && n < 8) {
      for (std::size_t k = 2; k <= L.size(); ++k) {
        const std::int64_t p = further(bid, L[k - 2].price);
        if (p != L[k - 2].price && better(bid, p, L[k - 1].price)) {
          insert(m, bid, k, p, u64(lot_ * rng_.integer(1, 40)),
                 static_cast<std::uint32_t>(rng_.integer(1, 6)));
          break;
        }
      }
    } else {
      const std::uint32_t o = L[0].orders;
      change(m, bid, 1, L[0].qty, o > 1 && rng_.uniform() < 0.5 ? o - 1 : o + 1);
    }
    if (!m.entries.empty()) out_.push_back(std::move(m));
  }

  // Both sides cleared (74), e.g. at a suspension.
  void clear(std::int64_t ts) {
    OMsg m = msg(ts);
    for (std::uint16_t s = 0; s < 2; ++s) {
      Entry e;
      e.side = s;
      e.level = 1;
      e.action = kClear;
      m.entries.push_back(e);
    }
    bids_.clear();
    asks_.clear();
    out_.push_back(std::move(m));
  }

 private:
  struct Level {
    std::int64_t price;
    std::uint64_t qty;
    std::uint32_t orders;
  };
  static std::uint64_t u64(std::int64_t v) { return static_cast<std::uint64_t>(v); }
  static bool better(bool bid, std::int64_t a, std::int64_t b) { return bid ? a > b : a < b; }
  std::vector<Level>& side(bool bid) { return bid ? bids_ : asks_; }
  std::int64_t further(bool bid, std::int64_t p) const { return bid ? grid_.down(p) : grid_.up(p); }
  OMsg msg(std::int64_t ts) const {
    OMsg m;
    m.ts = ts;
    m.type = 53;
    m.code = code_;
    return m;
  }
  std::uint32_t orders_for(std::uint64_t qty) const {
    return static_cast<std::uint32_t>(1 + qty / static_cast<std::uint64_t>(lot_) / 8);
  }

  void insert(OMsg& m, bool bid, std::size_t level, std::int64_t price, std::uint64_t qty,
              std::uint32_t orders) {
    std::vector<Level>& L = side(bid);
    L.insert(L.begin() + static_cast<std::ptrdiff_t>(level - 1), Level{price, qty, orders});
    m.entries.push_back(entry(bid, level, kNew, L[level - 1]));
  }
  void change(OMsg& m, bool bid, std::size_t level, std::uint64_t qty, std::uint32_t orders) {
    Level& l = side(bid)[level - 1];
    l.qty = qty;
    l.orders = orders;
    m.entries.push_back(entry(bid, level, kChange, l));
  }
  void erase(OMsg& m, bool bid, std::size_t level) {
    std::vector<Level>& L = side(bid);
    m.entries.push_back(entry(bid, level, kDelete, L[level - 1]));
    L.erase(L.begin() + static_cast<std::ptrdiff_t>(level - 1));
  }
  void append(OMsg& m, bool bid) {
    std::vector<Level>& L = side(bid);
    const std::int64_t p = further(bid, L.back().price);
    if (p == L.back().price) return;  // the bottom of the price grid
    insert(m, bid, L.size() + 1, p, u64(lot_ * rng_.integer(1, 40)),
           static_cast<std::uint32_t>(rng_.integer(1, 10)));
  }
  static Entry entry(bool bid, std::size_t level, std::uint8_t action, const Level& l) {
    Entry e;
    e.qty = l.qty;
    e.price = l.price;
    e.orders = l.orders;
    e.side = bid ? 0 : 1;
    e.level = static_cast<std::uint8_t>(level);
    e.action = action;
    return e;
  }

  void move_top(OMsg& m, bool bid, std::int64_t p, std::int64_t size) {
    std::vector<Level>& L = side(bid);
    const std::uint64_t s = u64(size);
    while (!L.empty() && better(bid, L[0].price, p)) erase(m, bid, 1);
    if (!L.empty() && L[0].price == p) {
      if (L[0].qty != s) change(m, bid, 1, s, orders_for(s));
    } else {
      insert(m, bid, 1, p, s, orders_for(s));
    }
  }
  void keep_depth(OMsg& m, bool bid) {
    const auto want = static_cast<std::size_t>(rng_.integer(3, 6));
    while (side(bid).size() < want) {
      const std::size_t before = side(bid).size();
      append(m, bid);
      if (side(bid).size() == before) break;
    }
    while (side(bid).size() > 8) erase(m, bid, side(bid).size());
  }
  void trade_ticker(std::int64_t t) {
    OMsg m;
    m.ts = t;
    m.type = 52;
    m.code = code_;
    le(m.body, code_, 4);
    le(m.body, ++ticker_, 4);
    le(m.body, static_cast<std::uint64_t>(bids_[0].price), 4);
    le(m.body, static_cast<std::uint64_t>(lot_ * rng_.integer(1, 10)), 8);
    le(m.body, static_cast<std::uint64_t>(t), 8);
    le(m.body, 0, 2);  // TrdType: automatch
    m.body.push_back('N');
    m.body.push_back('\0');
    out_.push_back(std::move(m));
  }

  std::uint32_t code_;
  int lot_;
  Rng& rng_;
  std::vector<OMsg>& out_;
  Grid grid_;
  std::vector<Level> bids_, asks_;
  std::uint32_t ticker_ = 0;
};

std::string security_definition(std::uint32_t code, int lot, std::int64_t prev_close) {
  std::string b;
  le(b, code, 4);
  text(b, "MAIN", 4);
  text(b, "KYG" + std::to_string(100000000 + code), 12);
  text(b, "EQTY", 4);
  b.push_back('\1');  // ProductType
  b.push_back('\0');
  text(b, "01", 2);
  text(b, "CODE " + std::to_string(code), 40);
  text(b, "HKD", 3);
  for (const std::string name : {"GCCS", "GB"}) {  // UTF-16LE
    const std::string s = name + " " + std::to_string(code);
    for (std::size_t i = 0; i < 30; ++i) {
      b.push_back(i < s.size() ? s[i] : ' ');
      b.push_back('\0');
    }
  }
  le(b, static_cast<std::uint64_t>(lot), 4);  // @191
  le(b, 0, 4);
  le(b, static_cast<std::uint64_t>(prev_close), 4);  // @199
  text(b, "YYYYN", 5);                               // VCM, ShortSell, CAS, CCASS, Dummy
  b.push_back(' ');
  b.push_back('Y');  // StampDuty @209
  b.push_back(' ');
  le(b, 20191126, 4);  // ListingDate @211
  le(b, 0, 4);         // DelistingDate
  text(b, "", 38);     // FreeText @219
  b.resize(319, '\0');
  b.push_back('Y');  // POSFlag @319
  le(b, static_cast<std::uint64_t>(prev_close * 115 / 100), 4);
  le(b, static_cast<std::uint64_t>(prev_close * 85 / 100), 4);
  b.resize(536, '\0');
  le(b, 8, 2);  // NoUnderlyingSecurities: block length, count 0
  le(b, 0, 2);
  return b;
}

std::string session_status(std::uint8_t sub_id, std::uint8_t status, std::int64_t start,
                           std::int64_t end) {
  std::string b;
  text(b, "MAIN", 4);
  b.push_back('\0');
  b.push_back(static_cast<char>(sub_id));
  b.push_back(static_cast<char>(status));
  b.push_back('0');
  le(b, 0, 4);
  le(b, static_cast<std::uint64_t>(start), 8);
  le(b, static_cast<std::uint64_t>(end), 8);
  return b;
}

std::string body_of(const OMsg& m) {
  if (m.type == 53) {
    std::string b;
    le(b, m.code, 4);
    le(b, 0, 3);
    b.push_back(static_cast<char>(m.entries.size()));
    for (const Entry& e : m.entries) {
      le(b, e.qty, 8);
      le(b, static_cast<std::uint64_t>(static_cast<std::uint32_t>(e.price)), 4);
      le(b, e.orders, 4);
      le(b, e.side, 2);
      b.push_back(static_cast<char>(e.level));
      b.push_back(static_cast<char>(e.action));
      le(b, 0, 4);
    }
    return b;
  }
  if (m.type == 21) {
    std::string b;
    le(b, m.code, 4);
    b.push_back(static_cast<char>(m.suspension));
    le(b, 0, 3);
    return b;
  }
  return m.body;
}

// The contract's level-1 model over aggregate books, fed the messages as written.
class DeriveLevels {
 public:
  struct Top {
    std::int64_t bid = 0;
    std::uint64_t bid_qty = 0;
    std::int64_t ask = 0;
    std::uint64_t ask_qty = 0;
    bool bid_on = false, ask_on = false;
    friend bool operator==(const Top&, const Top&) = default;
  };
  Top top(std::uint32_t code) const {
    Top t;
    const auto it = books_.find(code);
    if (it == books_.end()) return t;
    const Book& b = it->second;
    if (!b.side[0].empty()) {
      t.bid = b.side[0][0].first;
      t.bid_qty = b.side[0][0].second;
      t.bid_on = true;
    }
    if (!b.side[1].empty()) {
      t.ask = b.side[1][0].first;
      t.ask_qty = b.side[1][0].second;
      t.ask_on = true;
    }
    return t;
  }
  void apply(std::uint32_t code, const Entry& e) {
    Book& b = books_[code];
    if (e.action == kClear) {
      b.side[0].clear();
      b.side[1].clear();
      return;
    }
    auto& L = b.side[e.side];
    const auto at = L.begin() + (e.level - 1);
    if (e.action == kNew) {
      L.insert(at, {e.price, e.qty});
      if (L.size() > 10) L.pop_back();
    } else if (e.action == kChange) {
      at->second = e.qty;
    } else {
      L.erase(at);
    }
  }

 private:
  struct Book {
    std::array<std::vector<std::pair<std::int64_t, std::uint64_t>>, 2> side;
  };
  std::unordered_map<std::uint32_t, Book> books_;
};

}  // namespace

VenueDay make_omdc_day(const OmdcDayInput& in) {
  Rng rng(in.seed, 5);
  std::unordered_map<std::uint32_t, std::uint32_t> inst_of_code;
  for (std::uint32_t i = 0; i < in.codes.size(); ++i) inst_of_code[in.codes[i]] = i;
  std::vector<std::uint32_t> untracked;
  std::set<std::uint32_t> used(in.codes.begin(), in.codes.end());
  while (untracked.size() < static_cast<std::size_t>(in.untracked)) {
    const auto c = static_cast<std::uint32_t>(rng.integer(1, 9999));
    if (used.insert(c).second) untracked.push_back(c);
  }

  VenueDay day;
  day.untracked_instruments = untracked.size();
  std::vector<OMsg> msgs;
  auto plain = [&](std::int64_t ts, std::uint16_t type, std::uint32_t code, std::string body) {
    OMsg m;
    m.ts = ts;
    m.type = type;
    m.code = code;
    m.body = std::move(body);
    msgs.push_back(std::move(m));
  };
  auto status = [&](std::int64_t ts, std::uint32_t code, std::uint8_t indicator) {
    OMsg m;
    m.ts = ts;
    m.type = 21;
    m.code = code;
    m.suspension = indicator;
    msgs.push_back(std::move(m));
  };
  // Start of day: session status, then every code's definition, in code order.
  plain(in.start_ns - 1000 * kMs, 20, 0, session_status(1, 4, in.start_ns - 1000 * kMs, 0));
  std::vector<std::uint32_t> all(used.begin(), used.end());
  std::vector<std::int64_t> first_mid(in.codes.size(), 0);
  for (const VenueQuote& q : in.quotes)
    if (first_mid[q.inst] == 0) first_mid[q.inst] = (q.bid + q.ask) / 2;
  for (std::size_t i = 0; i < all.size(); ++i) {
    const std::uint32_t c = all[i];
    const auto it = inst_of_code.find(c);
    const int lot = it == inst_of_code.end() ? 100 : in.lots[it->second];
    const std::int64_t prev = it == inst_of_code.end() ? 10000 : first_mid[it->second];
    plain(in.start_ns - 900 * kMs + static_cast<std::int64_t>(i / 2) * 1000, 11, c,
          security_definition(c, lot, prev));
  }
  plain(in.start_ns - 1 * kMs, 20, 0, session_status(3, 2, in.start_ns, in.end_ns));

  // Untracked codes share some packets with tracked quotes: their instants.
  std::vector<std::vector<std::int64_t>> extra(untracked.size());
  if (!untracked.empty()) {
    for (const VenueQuote& q : in.quotes)
      if (rng.uniform() < 0.3)
        extra[static_cast<std::size_t>(
                  rng.integer(0, static_cast<std::int64_t>(untracked.size()) - 1))]
            .push_back(q.ts);
  }

  // Tracked codes.
  std::vector<std::vector<VenueQuote>> shown(in.codes.size());
  std::vector<std::vector<const VenueQuote*>> by_inst(in.codes.size());
  for (const VenueQuote& q : in.quotes) by_inst.at(q.inst).push_back(&q);
  const HaltWindow& s = in.suspension;
  for (std::uint32_t i = 0; i < by_inst.size(); ++i) {
    LevelFlow flow(in.codes[i], in.lots[i], rng, msgs);
    const bool suspends = s.on && s.inst == i;
    bool suspended = false, resumed = false;
    std::int64_t prev = 0;
    for (const VenueQuote* q : by_inst[i]) {
      if (suspends && !suspended && q->ts >= s.start) {
        status(s.start, in.codes[i], 2);
        flow.clear(s.start);
        suspended = true;
      }
      if (suspended && !resumed && q->ts >= s.end) {
        status(s.end, in.codes[i], 3);
        resumed = true;
      }
      if (suspended && !resumed) {
        ++day.suspended_quotes;
        continue;
      }
      if (!flow.empty()) flow.noise(prev, q->ts);
      if (flow.quote(*q))
        shown[i].push_back(*q);
      else
        ++day.folded_quotes;
      prev = q->ts;
    }
    if (suspends && !suspended) {
      status(s.start, in.codes[i], 2);
      flow.clear(s.start);
      suspended = true;
    }
    if (suspended && !resumed) status(s.end, in.codes[i], 3);
  }
  // Untracked codes on quotes of their own.
  const Grid grid = hk_grid();
  for (std::size_t u = 0; u < untracked.size(); ++u) {
    LevelFlow flow(untracked[u], 100, rng, msgs);
    std::vector<std::int64_t> at = extra[u];
    for (std::int64_t t = in.start_ns;;) {
      t += 1 + static_cast<std::int64_t>(rng.exponential(in.untracked_rate) * 1e9);
      if (t >= in.end_ns) break;
      at.push_back(t);
    }
    std::sort(at.begin(), at.end());
    std::int64_t bid = grid.floor(rng.uniform(1000, 300000));
    for (std::int64_t t : at) {
      if (!flow.empty() && rng.uniform() < 0.4) {
        flow.noise_at(t);
        continue;
      }
      for (auto k = rng.integer(-2, 2); k != 0; k += k > 0 ? -1 : 1)
        bid = k > 0 ? grid.up(bid) : grid.down(bid);
      std::int64_t ask = bid;
      for (auto k = rng.integer(1, 3); k > 0; --k) ask = grid.up(ask);
      flow.quote(VenueQuote{t, 0, bid, ask, 100 * rng.integer(1, 50), 100 * rng.integer(1, 50)});
    }
  }
  std::stable_sort(msgs.begin(), msgs.end(),
                   [](const OMsg& a, const OMsg& b) { return a.ts < b.ts; });

  // Packets: same SendTime together; derive what a decoder emits.
  DeriveLevels book;
  std::uint32_t seq = 1;
  for (std::size_t i = 0; i < msgs.size();) {
    const std::int64_t ts = msgs[i].ts;
    const auto cap = static_cast<std::size_t>(rng.integer(1, 8));
    std::string payload;
    std::size_t n = 0;
    const std::uint32_t first_seq = seq;
    while (i < msgs.size() && msgs[i].ts == ts && n < cap) {
      const OMsg& m = msgs[i];
      const std::string body = body_of(m);
      if (n > 0 && 16 + payload.size() + 4 + body.size() > kMaxPacketBytes) break;
      le(payload, 4 + body.size(), 2);
      le(payload, m.type, 2);
      payload += body;
      ++day.counts[std::to_string(m.type)];
      const auto it = inst_of_code.find(m.code);
      const bool tracked = m.type != 20 && it != inst_of_code.end();
      if (tracked && m.type == 21) {
        DerivedRecord r;
        r.ts = ts;
        r.inst = it->second;
        r.is_status = true;
        r.trading = m.suspension != 2;
        day.records.push_back(r);
      } else if (tracked && m.type == 53) {
        const DeriveLevels::Top before = book.top(m.code);
        for (const Entry& e : m.entries) book.apply(m.code, e);
        const DeriveLevels::Top after = book.top(m.code);
        if (after.bid_on && after.ask_on && !(after == before)) {
          DerivedRecord r;
          r.ts = ts;
          r.inst = it->second;
          r.bid = after.bid;
          r.ask = after.ask;
          r.bid_size = static_cast<std::int64_t>(after.bid_qty);
          r.ask_size = static_cast<std::int64_t>(after.ask_qty);
          r.seq = seq;
          day.records.push_back(r);
        }
      }
      ++seq;
      ++n;
      ++i;
    }
    std::string& out = day.bytes;
    le(out, 16 + payload.size(), 2);
    out.push_back(static_cast<char>(n));
    out.push_back(static_cast<char>(kFillerJunk[static_cast<std::size_t>(rng.integer(0, 11))]));
    le(out, first_seq, 4);
    le(out, static_cast<std::uint64_t>(ts), 8);
    out += payload;
    ++day.counts["packets"];
  }

  day.drawn_quotes = in.quotes.size();
  const std::uint64_t derived =
      match_drawn_quotes(day.records, shown, "OMD-C", false,
                         [&](std::size_t i) { return std::to_string(in.codes[i]); });
  std::uint64_t shown_quotes = 0;
  for (const auto& v : shown) shown_quotes += v.size();
  day.intermediate_quotes = derived - shown_quotes;
  return day;
}

}  // namespace adrmon::gen
