// make_itch_day: the US quotes of a generated day as a Nasdaq TotalView-ITCH
// 5.0 file ([uint16 BE length][message] records, as Nasdaq's historical
// files), with the JSON records a correct decoder emits from it.
//
// Order flow (one Flow per symbol, its own book of resting orders):
//   first quote   the bid side is built while the ask side is empty (no quote
//                 yet), then one Add at the best ask shows the quote, then
//                 deeper asks (invisible below the best).
//   between       noise below the best: deep adds (A, some F), partial
//                 cancels (X), deletes (D), replaces (U) to other deep prices,
//                 hidden trade prints (P). None changes the top.
//   at a quote    each side moves in as few messages as it can: a better price
//                 is one Add; a larger size at the same price an Add or a
//                 Replace; a smaller one a partial Execution (E, C), Cancel
//                 (X), Delete (D) or Replace; a worse price first reshapes the
//                 deep level it falls back to (invisible), then removes the
//                 last order at the old best (D, a full E, or a U to a deeper
//                 price) or replaces it straight to the new price. When both
//                 sides change, the side moving away from the other goes first
//                 so the quote in between is never crossed; that quote (same
//                 ts) is in the JSON too, as the contract emits it.
// Untracked symbols (the directory's many other locates) run the same flow on
// quotes of their own, interleaved by ts. Local order ids become Nasdaq-style
// day-unique references, increasing in stream order, when the file is written.
#include <algorithm>
#include <array>
#include <functional>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "price_grid.hpp"
#include "rng.hpp"
#include "venue_day.hpp"

namespace adrmon::gen {
namespace {

constexpr std::int64_t kMs = 1'000'000;
constexpr std::int64_t kPrice4PerCent = 100;  // Price(4) has 4 implied decimals
constexpr std::uint32_t kNoSym = 0xffffffffu;

struct Msg {
  std::int64_t ts = 0;
  char type = 0;
  std::uint32_t sym = kNoSym;  // directory index (locate - 1)
  std::uint64_t ref = 0;       // local order id (A F E C X D; U: the original)
  std::uint64_t ref2 = 0;      // U: the new local id
  bool buy = false;
  std::uint32_t shares = 0;
  std::int64_t price = 0;  // cents
  char code = ' ';         // S: event code; H: trading state; C: printable
  std::uint8_t mpid = 0;   // F: attribution
};

std::uint32_t u32(std::int64_t v) {
  return static_cast<std::uint32_t>(v);
}

// One symbol's order flow. Levels are keyed so that begin() is the best on
// both sides: -price for bids, price for asks.
class Flow {
 public:
  Flow(std::uint32_t sym, Rng& rng, std::vector<Msg>& out, HaltWindow halt)
      : sym_(sym), rng_(rng), out_(out), halt_(halt) {}

  // Shows quote q as the top of book at q.ts. False when q equals the top
  // already (nothing to send, nothing a decoder emits).
  bool quote(const VenueQuote& q) {
    if (bids_.empty() || asks_.empty()) {
      init(q);
      return true;
    }
    const auto [b1, s1] = top(true);
    const auto [a1, t1] = top(false);
    if (b1 == q.bid && s1 == q.bid_size && a1 == q.ask && t1 == q.ask_size) return false;
    if (q.bid < a1) {
      set_side(q.ts, true, q.bid, q.bid_size);
      set_side(q.ts, false, q.ask, q.ask_size);
    } else {
      set_side(q.ts, false, q.ask, q.ask_size);
      set_side(q.ts, true, q.bid, q.bid_size);
    }
    return true;
  }

  // 0-2 messages below the best at instants strictly inside (from, to).
  void noise(std::int64_t from, std::int64_t to) {
    if (bids_.empty() || asks_.empty() || to - from < 2) return;
    const auto n = rng_.integer(0, 2);
    std::vector<std::int64_t> at;
    for (std::int64_t i = 0; i < n; ++i) at.push_back(from + 1 + rng_.integer(0, to - from - 2));
    std::sort(at.begin(), at.end());
    for (std::int64_t t : at) noise_one(t);
  }

 private:
  struct Ord {
    bool buy;
    std::int64_t price;
    std::int64_t shares;
  };
  using Levels = std::map<std::int64_t, std::vector<std::uint64_t>>;

  static std::int64_t key(bool buy, std::int64_t price) { return buy ? -price : price; }
  static std::int64_t price_of(bool buy, std::int64_t k) { return buy ? -k : k; }
  Levels& side(bool buy) { return buy ? bids_ : asks_; }
  std::int64_t total(const std::vector<std::uint64_t>& ids) const {
    std::int64_t s = 0;
    for (std::uint64_t id : ids) s += orders_.at(id).shares;
    return s;
  }
  std::pair<std::int64_t, std::int64_t> top(bool buy) {
    const Levels& lv = side(buy);
    return {price_of(buy, lv.begin()->first), total(lv.begin()->second)};
  }
  bool can_exec(std::int64_t ts) const {
    return !(halt_.on && ts >= halt_.start && ts < halt_.end);
  }
  Msg msg(std::int64_t ts, char type) const {
    Msg m;
    m.ts = ts;
    m.type = type;
    m.sym = sym_;
    return m;
  }

  // ---- the five book operations, each one message
  std::uint64_t add(std::int64_t ts, bool buy, std::int64_t price, std::int64_t shares) {
    const std::uint64_t id = (static_cast<std::uint64_t>(sym_) << 32) | ++next_id_;
    orders_[id] = Ord{buy, price, shares};
    side(buy)[key(buy, price)].push_back(id);
    Msg m = msg(ts, rng_.uniform() < 0.2 ? 'F' : 'A');
    m.ref = id;
    m.buy = buy;
    m.shares = u32(shares);
    m.price = price;
    m.mpid = static_cast<std::uint8_t>(rng_.integer(0, 3));
    out_.push_back(m);
    return id;
  }
  void unlink(std::uint64_t id) {
    const Ord o = orders_.at(id);
    Levels& lv = side(o.buy);
    auto it = lv.find(key(o.buy, o.price));
    std::erase(it->second, id);
    if (it->second.empty()) lv.erase(it);
    orders_.erase(id);
  }
  // Execution of n shares (E, or C at the resting price); a full one removes the order.
  void exec(std::int64_t ts, std::uint64_t id, std::int64_t n) {
    Ord& o = orders_.at(id);
    Msg m = msg(ts, rng_.uniform() < 0.75 ? 'E' : 'C');
    m.ref = id;
    m.shares = u32(n);
    m.price = o.price;
    m.code = rng_.uniform() < 0.9 ? 'Y' : 'N';
    out_.push_back(m);
    o.shares -= n;
    if (o.shares == 0) unlink(id);
  }
  void cancel(std::int64_t ts, std::uint64_t id, std::int64_t n) {  // partial: n < shares
    Msg m = msg(ts, 'X');
    m.ref = id;
    m.shares = u32(n);
    out_.push_back(m);
    orders_.at(id).shares -= n;
  }
  void del(std::int64_t ts, std::uint64_t id) {
    Msg m = msg(ts, 'D');
    m.ref = id;
    out_.push_back(m);
    unlink(id);
  }
  std::uint64_t replace(std::int64_t ts, std::uint64_t id, std::int64_t price,
                        std::int64_t shares) {
    const bool buy = orders_.at(id).buy;
    unlink(id);
    const std::uint64_t nid = (static_cast<std::uint64_t>(sym_) << 32) | ++next_id_;
    orders_[nid] = Ord{buy, price, shares};
    side(buy)[key(buy, price)].push_back(nid);
    Msg m = msg(ts, 'U');
    m.ref = id;
    m.ref2 = nid;
    m.shares = u32(shares);
    m.price = price;
    out_.push_back(m);
    return nid;
  }
  // Removes a whole order: a full execution when allowed, else a delete.
  void remove(std::int64_t ts, std::uint64_t id) {
    if (can_exec(ts) && rng_.uniform() < 0.5)
      exec(ts, id, orders_.at(id).shares);
    else
      del(ts, id);
  }

  // ---- building and moving the top
  void add_level(std::int64_t ts, bool buy, std::int64_t price) {
    const auto n = rng_.integer(1, 2);
    for (std::int64_t i = 0; i < n; ++i) add(ts, buy, price, 100 * rng_.integer(1, 10));
  }
  void init(const VenueQuote& q) {
    // Bids first while no ask rests: nothing is visible yet.
    std::int64_t p = q.bid;
    const auto deep_bids = rng_.integer(2, 5);
    for (std::int64_t i = 0; i < deep_bids; ++i) {
      p -= rng_.integer(1, 3);
      if (p < 1) break;
      add_level(q.ts, true, p);
    }
    if (q.bid_size >= 200 && rng_.uniform() < 0.5) {
      const std::int64_t first = 100 * rng_.integer(1, q.bid_size / 100 - 1);
      add(q.ts, true, q.bid, first);
      add(q.ts, true, q.bid, q.bid_size - first);
    } else {
      add(q.ts, true, q.bid, q.bid_size);
    }
    add(q.ts, false, q.ask, q.ask_size);  // the first quote
    p = q.ask;
    const auto deep_asks = rng_.integer(2, 5);
    for (std::int64_t i = 0; i < deep_asks; ++i) {
      p += rng_.integer(1, 3);
      add_level(q.ts, false, p);
    }
  }

  void set_side(std::int64_t ts, bool buy, std::int64_t p2, std::int64_t s2) {
    Levels& lv = side(buy);
    const std::int64_t k1 = lv.begin()->first;
    const std::int64_t k2 = key(buy, p2);
    if (k2 == k1) {
      same_price(ts, buy, p2, s2);
    } else if (k2 < k1) {
      add(ts, buy, p2, s2);  // a better price: one Add
    } else {
      worse_price(ts, buy, p2, s2);
    }
  }

  void same_price(std::int64_t ts, bool buy, std::int64_t p, std::int64_t s2) {
    const std::vector<std::uint64_t> ids = side(buy).begin()->second;
    const std::int64_t s1 = total(ids);
    if (s2 > s1) {
      const std::int64_t d = s2 - s1;
      if (ids.size() < 2 && rng_.uniform() < 0.5) {
        add(ts, buy, p, d);
      } else {
        const std::uint64_t id = ids[static_cast<std::size_t>(
            rng_.integer(0, static_cast<std::int64_t>(ids.size()) - 1))];
        replace(ts, id, p, orders_.at(id).shares + d);
      }
    } else if (s2 < s1) {
      reduce_best(ts, buy, p, s1 - s2);
    }
  }

  // Takes r shares off the best level (r < its total).
  void reduce_best(std::int64_t ts, bool buy, std::int64_t p, std::int64_t r) {
    const std::vector<std::uint64_t> ids = side(buy).begin()->second;
    if (can_exec(ts) && rng_.uniform() < 0.5 && orders_.at(ids.front()).shares >= r) {
      exec(ts, ids.front(), r);  // time priority: the oldest order trades
      return;
    }
    for (std::uint64_t id : ids) {
      if (orders_.at(id).shares == r) {
        del(ts, id);
        return;
      }
    }
    std::vector<std::uint64_t> big;
    for (std::uint64_t id : ids)
      if (orders_.at(id).shares > r) big.push_back(id);
    if (!big.empty()) {
      const std::uint64_t id =
          big[static_cast<std::size_t>(rng_.integer(0, static_cast<std::int64_t>(big.size()) - 1))];
      if (rng_.uniform() < 0.7)
        cancel(ts, id, r);
      else
        replace(ts, id, p, orders_.at(id).shares - r);
      return;
    }
    // No single order can absorb it: several messages, each a quote of its own.
    while (r > 0) {
      const std::uint64_t id = side(buy).begin()->second.front();
      const std::int64_t q = orders_.at(id).shares;
      if (q <= r) {
        remove(ts, id);
        r -= q;
      } else {
        if (can_exec(ts))
          exec(ts, id, r);
        else
          cancel(ts, id, r);
        r = 0;
      }
    }
  }

  void worse_price(std::int64_t ts, bool buy, std::int64_t p2, std::int64_t s2) {
    Levels& lv = side(buy);
    const std::int64_t k1 = lv.begin()->first;
    const std::int64_t k2 = key(buy, p2);
    // Below the best nothing shows: clear the levels in between, shape p2.
    std::vector<std::uint64_t> between;
    for (auto it = std::next(lv.begin()); it != lv.end() && it->first < k2; ++it)
      between.insert(between.end(), it->second.begin(), it->second.end());
    for (std::uint64_t id : between) del(ts, id);
    const bool has2 = lv.count(k2) != 0;
    if (has2) shape_level(ts, buy, p2, s2);
    const std::vector<std::uint64_t> old = lv.at(k1);
    if (old.size() == 1) {
      const std::uint64_t id = old.front();
      if (!has2) {
        if (rng_.uniform() < 0.5) {
          replace(ts, id, p2, s2);  // the order backs off to the new price
          return;
        }
        add(ts, buy, p2, s2);
      }
      const double u = rng_.uniform();
      const std::int64_t deeper = price_of(buy, k2 + rng_.integer(1, 3));
      if (u < 0.2 && deeper >= 1)
        replace(ts, id, deeper, orders_.at(id).shares);
      else
        remove(ts, id);
      return;
    }
    if (!has2) add(ts, buy, p2, s2);
    for (std::uint64_t id : old) remove(ts, id);  // intermediate quotes (same ts)
  }

  // Makes the (deep) level at p exactly s shares: the oldest order stays.
  void shape_level(std::int64_t ts, bool buy, std::int64_t p, std::int64_t s) {
    const std::vector<std::uint64_t> ids = side(buy).at(key(buy, p));
    for (std::size_t i = 1; i < ids.size(); ++i) del(ts, ids[i]);
    const std::uint64_t id = ids.front();
    const std::int64_t q = orders_.at(id).shares;
    if (q < s) {
      if (rng_.uniform() < 0.5)
        add(ts, buy, p, s - q);
      else
        replace(ts, id, p, s);
    } else if (q > s) {
      cancel(ts, id, q - s);
    }
  }

  // A random order below the best on `buy`'s side (0 when there is none).
  std::uint64_t deep_order(bool buy) {
    Levels& lv = side(buy);
    std::vector<std::uint64_t> ids;
    for (auto it = std::next(lv.begin()); it != lv.end(); ++it)
      ids.insert(ids.end(), it->second.begin(), it->second.end());
    if (ids.empty()) return 0;
    return ids[static_cast<std::size_t>(
        rng_.integer(0, static_cast<std::int64_t>(ids.size()) - 1))];
  }

  void noise_one(std::int64_t t) {
    const bool buy = rng_.integer(0, 1) == 0;
    Levels& lv = side(buy);
    const std::int64_t k1 = lv.begin()->first;
    const std::size_t deep = lv.size() - 1;
    const double u = rng_.uniform();
    const std::int64_t deep_price = price_of(buy, k1 + rng_.integer(1, 6));
    if ((deep < 2 || u < 0.35) && deep < 8) {
      if (deep_price >= 1) add(t, buy, deep_price, 100 * rng_.integer(1, 10));
    } else if (u < 0.55) {
      const std::uint64_t id = deep_order(buy);
      const std::int64_t q = orders_.at(id).shares;
      if (q >= 200)
        cancel(t, id, 100 * rng_.integer(1, q / 100 - 1));
      else
        del(t, id);
    } else if (u < 0.75) {
      del(t, deep_order(buy));
    } else if (u < 0.9) {
      if (deep_price >= 1) replace(t, deep_order(buy), deep_price, 100 * rng_.integer(1, 10));
    } else if (can_exec(t)) {
      Msg m = msg(t, 'P');  // a hidden order traded: a print, no book change
      m.buy = true;
      m.shares = u32(100 * rng_.integer(1, 5));
      m.price = (top(true).first + top(false).first) / 2;
      out_.push_back(m);
    }
  }

  std::uint32_t sym_;
  Rng& rng_;
  std::vector<Msg>& out_;
  HaltWindow halt_;
  Levels bids_, asks_;
  std::unordered_map<std::uint64_t, Ord> orders_;
  std::uint64_t next_id_ = 0;
};

// ---------------------------------------------------------------- encoding

constexpr std::size_t msg_length(char type) {
  switch (type) {
    case 'S':
      return 12;
    case 'R':
      return 39;
    case 'H':
      return 25;
    case 'A':
      return 36;
    case 'F':
      return 40;
    case 'E':
      return 31;
    case 'C':
      return 36;
    case 'X':
      return 23;
    case 'D':
      return 19;
    case 'U':
      return 35;
    case 'P':
      return 44;
    default:
      return 0;
  }
}

class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}
  void begin(char type, std::size_t len) {
    base_ = out_.size() + 2;
    put_be(len, 2);
    out_.append(len, '\0');
    out_[base_] = type;
  }
  void be(std::size_t off, std::uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i)
      out_[base_ + off + static_cast<std::size_t>(i)] =
          static_cast<char>((v >> (8 * (bytes - 1 - i))) & 0xff);
  }
  void ch(std::size_t off, char c) { out_[base_ + off] = c; }
  void alpha(std::size_t off, std::string_view s, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) out_[base_ + off + i] = i < s.size() ? s[i] : ' ';
  }

 private:
  void put_be(std::uint64_t v, int bytes) {
    for (int i = bytes - 1; i >= 0; --i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
  std::string& out_;
  std::size_t base_ = 0;
};

constexpr std::array<std::string_view, 4> kMpids{"GSCO", "MSCO", "UBSS", "NITE"};

// ---------------------------------------------------------------- derivation

// The contract's top-of-book model, fed the messages as written (global refs).
class DeriveBook {
 public:
  struct Top {
    std::int64_t bid = 0, bid_size = 0, ask = 0, ask_size = 0;
    bool both() const { return bid_size > 0 && ask_size > 0; }
    friend bool operator==(const Top&, const Top&) = default;
  };
  Top top(std::uint32_t sym) const {
    Top t;
    const Side& s = sides_.at(sym);
    if (!s.bids.empty()) t = Top{s.bids.begin()->first, s.bids.begin()->second, 0, 0};
    if (!s.asks.empty()) {
      t.ask = s.asks.begin()->first;
      t.ask_size = s.asks.begin()->second;
    }
    return t;
  }
  void track(std::uint32_t sym) { sides_[sym]; }
  bool tracked(std::uint32_t sym) const { return sides_.count(sym) != 0; }
  void add(std::uint32_t sym, std::uint64_t ref, bool buy, std::int64_t price, std::int64_t n) {
    orders_[ref] = O{sym, buy, price, n};
    level(sym, buy, price, n);
  }
  void reduce(std::uint64_t ref, std::int64_t n) {
    O& o = orders_.at(ref);
    level(o.sym, o.buy, o.price, -n);
    o.shares -= n;
    if (o.shares == 0) orders_.erase(ref);
  }
  void remove(std::uint64_t ref) { reduce(ref, orders_.at(ref).shares); }
  bool buy_of(std::uint64_t ref) const { return orders_.at(ref).buy; }

 private:
  struct O {
    std::uint32_t sym;
    bool buy;
    std::int64_t price;
    std::int64_t shares;
  };
  struct Side {
    std::map<std::int64_t, std::int64_t, std::greater<>> bids;
    std::map<std::int64_t, std::int64_t> asks;
  };
  void level(std::uint32_t sym, bool buy, std::int64_t price, std::int64_t delta) {
    Side& s = sides_.at(sym);
    if (buy) {
      if ((s.bids[price] += delta) == 0) s.bids.erase(price);
    } else {
      if ((s.asks[price] += delta) == 0) s.asks.erase(price);
    }
  }
  std::unordered_map<std::uint64_t, O> orders_;
  std::map<std::uint32_t, Side> sides_;
};

std::vector<std::string> directory(const ItchDayInput& in, Rng& rng) {
  std::set<std::string> names;
  for (const std::string& s : in.symbols) {
    if (s.empty() || s.size() > 8)
      throw std::runtime_error("ITCH carries symbols of 1-8 characters; '" + s + "' is not one");
    names.insert(s);
  }
  int added = 0;
  while (added < in.untracked) {
    std::string s;
    const auto len = rng.integer(1, 5);
    for (std::int64_t i = 0; i < len; ++i) s += static_cast<char>('A' + rng.integer(0, 25));
    if (names.insert(s).second) ++added;
  }
  return {names.begin(), names.end()};  // locates are assigned alphabetically, from 1
}

}  // namespace

VenueDay make_itch_day(const ItchDayInput& in) {
  Rng rng(in.seed, 4);
  const std::vector<std::string> dir = directory(in, rng);
  std::vector<std::uint32_t> sym_of_inst;
  std::vector<std::int64_t> inst_of_sym(dir.size(), -1);
  for (std::uint32_t i = 0; i < in.symbols.size(); ++i) {
    const auto at = static_cast<std::uint32_t>(
        std::lower_bound(dir.begin(), dir.end(), in.symbols[i]) - dir.begin());
    sym_of_inst.push_back(at);
    inst_of_sym[at] = i;
  }
  if (in.start_ns - 1000 * kMs < in.midnight_ns)
    throw std::runtime_error("ITCH: the day must start at least 1 s after local midnight");

  VenueDay day;
  std::vector<Msg> msgs;
  auto sys = [&](std::int64_t ts, char code) {
    Msg m;
    m.ts = ts;
    m.type = 'S';
    m.code = code;
    msgs.push_back(m);
  };
  auto action = [&](std::int64_t ts, std::uint32_t sym, char state) {
    Msg m;
    m.ts = ts;
    m.type = 'H';
    m.sym = sym;
    m.code = state;
    msgs.push_back(m);
  };
  // Start of day: system events, the directory, every symbol trading.
  sys(in.start_ns - 1000 * kMs, 'O');
  sys(in.start_ns - 999 * kMs, 'S');
  for (std::uint32_t s = 0; s < dir.size(); ++s) {
    Msg m;
    m.ts = in.start_ns - 990 * kMs + 1000 * static_cast<std::int64_t>(s);
    m.type = 'R';
    m.sym = s;
    msgs.push_back(m);
  }
  for (std::uint32_t s = 0; s < dir.size(); ++s)
    action(in.start_ns - 500 * kMs + 1000 * static_cast<std::int64_t>(s), s, 'T');
  sys(in.start_ns - 1 * kMs, 'Q');
  if (in.halt.on) {
    const std::uint32_t s = sym_of_inst.at(in.halt.inst);
    action(in.halt.start, s, 'H');
    action(in.halt.start + (in.halt.end - in.halt.start) * 3 / 4, s, 'Q');
    action(in.halt.end, s, 'T');
  }

  // Tracked flows, then the untracked ones on quotes of their own.
  std::vector<std::vector<const VenueQuote*>> by_inst(in.symbols.size());
  for (const VenueQuote& q : in.quotes) by_inst.at(q.inst).push_back(&q);
  std::vector<std::vector<VenueQuote>> shown(in.symbols.size());
  for (std::uint32_t i = 0; i < by_inst.size(); ++i) {
    HaltWindow h = in.halt;
    h.on = h.on && h.inst == i;
    Flow flow(sym_of_inst[i], rng, msgs, h);
    std::int64_t prev = 0;
    bool first = true;
    for (const VenueQuote* q : by_inst[i]) {
      if (!first) flow.noise(prev, q->ts);
      if (flow.quote(*q))
        shown[i].push_back(*q);
      else
        ++day.folded_quotes;
      prev = q->ts;
      first = false;
    }
  }
  const Grid grid = us_grid();
  for (std::uint32_t s = 0; s < dir.size(); ++s) {
    if (inst_of_sym[s] >= 0) continue;
    ++day.untracked_instruments;
    Flow flow(s, rng, msgs, HaltWindow{});
    std::int64_t bid = rng.integer(300, 30000);
    std::int64_t t = in.start_ns;
    std::int64_t prev = 0;
    bool first = true;
    for (;;) {
      t += 1 + static_cast<std::int64_t>(rng.exponential(in.untracked_rate) * 1e9);
      if (t >= in.end_ns) break;
      bid = std::max<std::int64_t>(20, bid + rng.integer(-2, 2));
      const VenueQuote q{t,
                         0,
                         bid,
                         bid + rng.integer(1, 3) * grid.tick_at(bid),
                         100 * rng.integer(1, 20),
                         100 * rng.integer(1, 20)};
      if (!first) flow.noise(prev, t);
      flow.quote(q);
      prev = t;
      first = false;
    }
  }
  sys(in.end_ns, 'M');
  sys(in.end_ns + 1 * kMs, 'E');
  sys(in.end_ns + 2 * kMs, 'C');
  std::stable_sort(msgs.begin(), msgs.end(),
                   [](const Msg& a, const Msg& b) { return a.ts < b.ts; });

  // Write, and derive what a decoder emits.
  day.bytes.reserve(msgs.size() * 36);
  Writer w(day.bytes);
  std::unordered_map<std::uint64_t, std::uint64_t> global;  // local id -> order reference
  std::uint64_t next_ref = 1 + static_cast<std::uint64_t>(rng.integer(0, 999));
  std::uint64_t next_match = 1 + static_cast<std::uint64_t>(rng.integer(0, 999));
  auto new_ref = [&](std::uint64_t local) {
    next_ref += static_cast<std::uint64_t>(rng.integer(1, 4));  // other venues' refs in between
    global[local] = next_ref;
    return next_ref;
  };
  DeriveBook book;
  for (std::uint32_t s : sym_of_inst) book.track(s);
  for (std::size_t i = 0; i < msgs.size(); ++i) {
    const Msg& m = msgs[i];
    const std::int64_t since_midnight = m.ts - in.midnight_ns;
    if (since_midnight < 0 || since_midnight >= (std::int64_t{1} << 48))
      throw std::runtime_error("ITCH: a message falls outside the 48-bit day of its date");
    const std::size_t len = msg_length(m.type);
    w.begin(m.type, len);
    const std::uint16_t locate = m.sym == kNoSym ? 0 : static_cast<std::uint16_t>(m.sym + 1);
    w.be(1, locate, 2);
    w.be(3, m.sym == kNoSym ? 0 : (m.sym % 7) + 1, 2);  // tracking number: not interpreted
    w.be(5, static_cast<std::uint64_t>(since_midnight), 6);
    const bool tracked = m.sym != kNoSym && book.tracked(m.sym);
    DeriveBook::Top before;
    if (tracked) before = book.top(m.sym);
    switch (m.type) {
      case 'S':
        w.ch(11, m.code);
        break;
      case 'R': {
        const bool adr = inst_of_sym[m.sym] >= 0;
        w.alpha(11, dir[m.sym], 8);
        w.ch(19, adr ? 'N' : (m.sym % 3 == 0 ? 'Q' : m.sym % 3 == 1 ? 'G' : 'N'));
        w.ch(20, adr ? ' ' : 'N');  // financial status: Nasdaq-listed only
        w.be(21, 100, 4);
        w.ch(25, 'N');
        w.ch(26, adr ? 'A' : 'C');
        w.alpha(27, adr ? "A " : "Z ", 2);
        w.ch(29, 'P');
        w.ch(30, 'N');
        w.ch(31, ' ');
        w.ch(32, '1');
        w.ch(33, 'N');
        w.be(34, 0, 4);
        w.ch(38, 'N');
        break;
      }
      case 'H':
        w.alpha(11, dir[m.sym], 8);
        w.ch(19, m.code);
        w.ch(20, ' ');
        w.alpha(21, m.code == 'H' ? "T1" : m.code == 'Q' ? "T2" : "", 4);
        if (tracked) {
          DerivedRecord r;
          r.ts = m.ts;
          r.inst = static_cast<std::uint32_t>(inst_of_sym[m.sym]);
          r.is_status = true;
          r.trading = m.code == 'T';
          day.records.push_back(r);
        }
        break;
      case 'A':
      case 'F': {
        const std::uint64_t ref = new_ref(m.ref);
        w.be(11, ref, 8);
        w.ch(19, m.buy ? 'B' : 'S');
        w.be(20, m.shares, 4);
        w.alpha(24, dir[m.sym], 8);
        w.be(32, static_cast<std::uint64_t>(m.price * kPrice4PerCent), 4);
        if (m.type == 'F') w.alpha(36, kMpids[m.mpid], 4);
        if (tracked) book.add(m.sym, ref, m.buy, m.price, m.shares);
        break;
      }
      case 'E':
      case 'C': {
        const std::uint64_t ref = global.at(m.ref);
        w.be(11, ref, 8);
        w.be(19, m.shares, 4);
        w.be(23, ++next_match, 8);
        if (m.type == 'C') {
          w.ch(31, m.code);
          w.be(32, static_cast<std::uint64_t>(m.price * kPrice4PerCent), 4);
        }
        if (tracked) book.reduce(ref, m.shares);
        break;
      }
      case 'X': {
        const std::uint64_t ref = global.at(m.ref);
        w.be(11, ref, 8);
        w.be(19, m.shares, 4);
        if (tracked) book.reduce(ref, m.shares);
        break;
      }
      case 'D': {
        const std::uint64_t ref = global.at(m.ref);
        w.be(11, ref, 8);
        if (tracked) book.remove(ref);
        break;
      }
      case 'U': {
        const std::uint64_t ref = global.at(m.ref);
        const std::uint64_t ref2 = new_ref(m.ref2);
        w.be(11, ref, 8);
        w.be(19, ref2, 8);
        w.be(27, m.shares, 4);
        w.be(31, static_cast<std::uint64_t>(m.price * kPrice4PerCent), 4);
        if (tracked) {
          const bool buy = book.buy_of(ref);
          book.remove(ref);
          book.add(m.sym, ref2, buy, m.price, m.shares);
        }
        break;
      }
      case 'P':
        w.be(11, 0, 8);
        w.ch(19, 'B');
        w.be(20, m.shares, 4);
        w.alpha(24, dir[m.sym], 8);
        w.be(32, static_cast<std::uint64_t>(m.price * kPrice4PerCent), 4);
        w.be(36, ++next_match, 8);
        break;
      default:
        throw std::logic_error("ITCH: no encoder for a message type");
    }
    ++day.counts[std::string(1, m.type)];
    if (tracked && m.type != 'H') {
      const DeriveBook::Top after = book.top(m.sym);
      if (after.both() && !(after == before)) {
        DerivedRecord r;
        r.ts = m.ts;
        r.inst = static_cast<std::uint32_t>(inst_of_sym[m.sym]);
        r.bid = after.bid;
        r.ask = after.ask;
        r.bid_size = after.bid_size;
        r.ask_size = after.ask_size;
        r.seq = i + 1;
        day.records.push_back(r);
      }
    }
  }

  // Every quote shown must be among the derived ones, in order.
  day.drawn_quotes = in.quotes.size();
  const std::uint64_t derived = match_drawn_quotes(day.records, shown, "ITCH", true,
                                                   [&](std::size_t i) { return in.symbols[i]; });
  day.intermediate_quotes = derived - (in.quotes.size() - day.folded_quotes);
  return day;
}

}  // namespace adrmon::gen
