// RawWalker: field loop over the object, one typed read per known key.
#include "raw_simdjson_walk.hpp"

#include <simdjson.h>

#include <cstdlib>

namespace adrmon::bench {

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
    if (key == "type") {
      e = v.get_string().get(f.type);
    } else if (key == "ts") {
      e = v.get_int64().get(f.ts);
    } else if (key == "venue") {
      e = v.get_string().get(f.venue);
    } else if (key == "sym") {
      e = v.get_string().get(f.sym);
    } else if (key == "pair") {
      e = v.get_string().get(f.pair);
    } else if (key == "bid") {
      e = v.get_double().get(f.bid);
    } else if (key == "ask") {
      e = v.get_double().get(f.ask);
    } else if (key == "bid_size") {
      e = v.get_double().get(f.bid_size);
    } else if (key == "ask_size") {
      e = v.get_double().get(f.ask_size);
    } else if (key == "seq") {
      e = v.get_uint64().get(f.seq);
    }
    if (e) return false;
  }
  return true;
}

}  // namespace adrmon::bench
