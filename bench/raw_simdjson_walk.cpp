// RawWalker: field loop over the object, one typed read per known key.
#include "raw_simdjson_walk.hpp"

#include <simdjson.h>

#include <cstdlib>

namespace adrmon::bench {

namespace {

// A known key and the member its value is read into.
template <class T>
struct Slot {
  std::string_view key;
  T RawFields::*member;
};

constexpr Slot<std::string_view> kStrings[] = {{"type", &RawFields::type},
                                               {"venue", &RawFields::venue},
                                               {"sym", &RawFields::sym},
                                               {"pair", &RawFields::pair}};
constexpr Slot<std::int64_t> kInt64s[] = {{"ts", &RawFields::ts}};
constexpr Slot<double> kDoubles[] = {{"bid", &RawFields::bid},
                                     {"ask", &RawFields::ask},
                                     {"bid_size", &RawFields::bid_size},
                                     {"ask_size", &RawFields::ask_size}};
constexpr Slot<std::uint64_t> kUint64s[] = {{"seq", &RawFields::seq}};

// Reads `v` as a T into the member of the slot named `key`, the error in
// `e`; false when no slot has that key.
template <class T, std::size_t N>
bool read_slot(const Slot<T> (&slots)[N], std::string_view key, simdjson::ondemand::value& v,
               RawFields& f, simdjson::error_code& e) noexcept {
  for (const Slot<T>& s : slots) {
    if (key == s.key) {
      e = v.get(f.*s.member);
      return true;
    }
  }
  return false;
}

}  // namespace

struct RawWalker::Impl {
  simdjson::ondemand::parser parser;
};

RawWalker::RawWalker() : impl_(std::make_unique<Impl>()) {
  if (impl_->parser.allocate(64 * 1024, 34) != simdjson::SUCCESS) std::abort();
}
RawWalker::~RawWalker() = default;

bool RawWalker::walk(std::string_view line, RawFields& f) noexcept {
  simdjson::ondemand::document doc;
  if (impl_->parser.iterate(line.data(), line.size(), line.size() + 64).get(doc)) return false;
  simdjson::ondemand::object obj;
  if (doc.get_object().get(obj)) return false;
  for (auto field_result : obj) {
    simdjson::ondemand::field field;
    if (std::move(field_result).get(field)) return false;
    std::string_view key;
    if (field.unescaped_key().get(key)) return false;
    simdjson::ondemand::value v = field.value();
    simdjson::error_code e = simdjson::SUCCESS;
    (void)(read_slot(kStrings, key, v, f, e) || read_slot(kInt64s, key, v, f, e) ||
           read_slot(kDoubles, key, v, f, e) || read_slot(kUint64s, key, v, f, e));
    if (e) return false;
  }
  return true;
}

}  // namespace adrmon::bench
