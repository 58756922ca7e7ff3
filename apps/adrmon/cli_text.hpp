// Small text helpers shared by `adrmon check-config` and `adrmon explain`:
// numbers in the shortest form that reads back to the same double (as the
// alert log writes them), event times as UTC RFC 3339, and a URL cut down to
// scheme://host:port so nothing after the authority (a path or query that may
// carry a token) is ever printed. Cold path: everything allocates.
#pragma once

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace adrmon::cli {

// 104 -> "104", 7.8002 -> "7.8002", NaN -> "null" (as in alert JSON).
inline std::string num(double v) {
  if (!std::isfinite(v)) return std::isnan(v) ? "null" : (v > 0 ? "inf" : "-inf");
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return {buf, r.ptr};
}

// Fixed decimals for reading (the exact value is printed beside it).
inline std::string fixed(double v, int decimals) {
  if (!std::isfinite(v)) return num(v);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// 1763951411057959000 -> "2025-11-24T02:30:11.057959000Z".
inline std::string utc(std::int64_t ns) {
  using namespace std::chrono;
  const sys_time<nanoseconds> t{nanoseconds{ns}};
  const sys_days day = floor<days>(t);
  const year_month_day ymd{day};
  const auto in_day = t - day;
  const auto h = duration_cast<hours>(in_day);
  const auto m = duration_cast<minutes>(in_day - h);
  const auto s = duration_cast<seconds>(in_day - h - m);
  const auto frac = (in_day - h - m - s).count();
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%09lldZ",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<int>(h.count()),
                static_cast<int>(m.count()), static_cast<int>(s.count()),
                static_cast<long long>(frac));
  return buf;
}

// "https://user:pw@hooks.example.com/services/T0/B0/SECRET?x=1" ->
// "https://hooks.example.com:443". Userinfo, path, query and fragment are
// dropped; the port is the scheme's default when the URL names none. A URL
// without "://" gives "(unparsed url hidden)".
inline std::string url_authority(std::string_view url) {
  const std::size_t sep = url.find("://");
  if (sep == std::string_view::npos || sep == 0) return "(unparsed url hidden)";
  const std::string_view scheme = url.substr(0, sep);
  std::string_view rest = url.substr(sep + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (const std::size_t at = rest.rfind('@'); at != std::string_view::npos) {
    rest = rest.substr(at + 1);
  }
  const bool has_port = rest.starts_with('[') ? rest.find("]:") != std::string_view::npos
                                              : rest.find(':') != std::string_view::npos;
  std::string out(scheme);
  out += "://";
  out += rest;
  if (!has_port) out += scheme == "https" ? ":443" : scheme == "http" ? ":80" : "";
  return out;
}

}  // namespace adrmon::cli
