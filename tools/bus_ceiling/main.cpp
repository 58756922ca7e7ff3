// adrmon-bus-ceiling: the JetStream server's own ceiling on this machine,
// measured alone, for the bus throughput figure (issue 12, docs/BENCHMARKS.md).
//
// One cnats client publishes COUNT records of 80 bytes (the size of adrmon's
// wire Tick) with a Nats-Msg-Id each, asynchronously with at most WINDOW
// awaiting their ack (adrmon feed's default window), spread over 53 subjects
// (26 pairs x 2 legs + FX) of a file-stored stream with a 2-minute duplicate
// window (adrmon's stream defaults). Then an ephemeral pull consumer reads
// them all back, through the same PullFetch as adrmon's nats:// source. No
// parsing, no engine, no adrmon code on the publishing side: what adrmon's
// figures lose against these is adrmon's own cost.
//
// Prints one JSON line: {"count":N,"publish_per_s":X,"consume_per_s":Y,
// "publish_failed":F}. Exit 0, or 2 with a reason on stderr.
#include <nats/nats.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "pull_fetch.hpp"

namespace {

using Clock = std::chrono::steady_clock;

std::atomic<long> g_failed{0};

void on_publish_error(jsCtx*, jsPubAckErr*, void*) {
  g_failed.fetch_add(1, std::memory_order_relaxed);
}

bool ok(natsStatus s, const char* what) {
  if (s == NATS_OK) return true;
  std::fprintf(stderr, "adrmon-bus-ceiling: %s: %s\n", what, natsStatus_GetText(s));
  return false;
}

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"The JetStream server's own publish and consume ceiling, one cnats client"};
  std::string url = "nats://127.0.0.1:4222";
  long count = 200'000;
  int window = 16384;
  app.add_option("--url", url, "Server (nats://HOST:PORT)");
  app.add_option("--count", count, "Records to publish, then consume")
      ->check(CLI::Range(1L, 1L << 30));
  app.add_option("--window", window, "Publishes awaiting their ack at most")
      ->check(CLI::Range(1, 1 << 20));
  CLI11_PARSE(app, argc, argv);

  natsConnection* nc = nullptr;
  if (!ok(natsConnection_ConnectTo(&nc, url.c_str()), ("connect " + url).c_str())) return 2;
  jsOptions jo;
  jsOptions_Init(&jo);
  jo.PublishAsync.MaxPending = window;
  jo.PublishAsync.ErrHandler = on_publish_error;
  jsCtx* js = nullptr;
  if (!ok(natsConnection_JetStream(&js, nc, &jo), "JetStream")) return 2;

  const char* stream = "ADRMON_CEILING";
  js_DeleteStream(js, stream, nullptr, nullptr);  // a fresh stream every run
  jsStreamConfig sc;
  jsStreamConfig_Init(&sc);
  sc.Name = stream;
  const char* subjects[] = {"ceiling.>"};
  sc.Subjects = subjects;
  sc.SubjectsLen = 1;
  sc.Storage = js_FileStorage;
  sc.Duplicates = 120'000'000'000;  // ns, adrmon's duplicate_window default
  jsStreamInfo* si = nullptr;
  if (!ok(js_AddStream(&si, js, &sc, nullptr, nullptr), "create stream")) return 2;
  jsStreamInfo_Destroy(si);

  std::vector<std::string> names;
  for (int i = 0; i < 53; ++i) names.push_back("ceiling.S" + std::to_string(i));
  char record[80] = {};
  char id[32];

  const Clock::time_point p0 = Clock::now();
  for (long i = 0; i < count; ++i) {
    natsMsg* m = nullptr;
    std::snprintf(record, sizeof record, "%ld", i);
    std::snprintf(id, sizeof id, "c:%ld", i);
    if (!ok(natsMsg_Create(&m, names[static_cast<std::size_t>(i % 53)].c_str(), nullptr, record,
                           static_cast<int>(sizeof record)),
            "message") ||
        !ok(natsMsgHeader_Set(m, "Nats-Msg-Id", id), "header")) {
      return 2;
    }
    natsStatus s;
    while ((s = js_PublishMsgAsync(js, &m, nullptr)) == NATS_TIMEOUT) {
    }  // the window was full for StallWait: try again
    if (!ok(s, "publish")) return 2;
  }
  jsPubOptions po;
  jsPubOptions_Init(&po);
  po.MaxWait = 60'000;
  if (!ok(js_PublishAsyncComplete(js, &po), "waiting for the acks")) return 2;
  const double publish_s = seconds_since(p0);

  jsSubOptions so;
  jsSubOptions_Init(&so);
  so.Stream = stream;
  so.Config.AckPolicy = js_AckNone;
  so.Config.DeliverPolicy = js_DeliverAll;
  natsSubscription* sub = nullptr;
  if (!ok(js_PullSubscribe(&sub, js, "ceiling.>", nullptr, nullptr, &so, nullptr), "consumer")) {
    return 2;
  }
  adrmon::bus::PullFetch fetch(sub, 4096);
  long received = 0;
  const Clock::time_point c0 = Clock::now();
  while (received < count - g_failed.load()) {
    natsMsgList list{};
    const natsStatus s = fetch.next(list, 1000);
    if (s == NATS_TIMEOUT) {
      std::fprintf(stderr, "adrmon-bus-ceiling: consumer idle after %ld of %ld\n", received, count);
      return 2;
    }
    if (!ok(s, "fetch")) return 2;
    received += list.Count;
    natsMsgList_Destroy(&list);
  }
  const double consume_s = seconds_since(c0);

  std::printf(
      "{\"count\":%ld,\"publish_per_s\":%.0f,\"consume_per_s\":%.0f,\"publish_failed\":%ld}\n",
      count, static_cast<double>(count) / publish_s, static_cast<double>(received) / consume_s,
      g_failed.load());
  natsSubscription_Destroy(sub);
  js_DeleteStream(js, stream, nullptr, nullptr);
  jsCtx_Destroy(js);
  natsConnection_Destroy(nc);
  nats_Close();
  return 0;
}
