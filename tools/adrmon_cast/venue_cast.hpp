// adrmon-cast's venue publishers: an ITCH 5.0 file over MoldUDP64 (with a
// re-request server) or SoupBinTCP, an OMD-C capture over UDP, paced by the
// messages' own timestamps like the JSON publisher, with deliberate gaps.
//
// Cold-path tool code: loads the whole file once (the re-request buffer),
// then one thread paces and sends; the MoldUDP64 re-request server and the
// OMD-C retransmission service (RTS) each answer on a thread of their own
// from that immutable buffer. Network failures are
// counted error_code values; start-up problems throw std::runtime_error.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace adrmon {

struct VenueCastOptions {
  std::string itch;    // ITCH 5.0 file: [uint16 BE length][message] records
  std::string omdc;    // OMD-C capture: packets back to back
  std::string udp;     // MoldUDP64 / OMD-C: HOST:PORT to send to (unicast or multicast)
  std::string listen;  // SoupBinTCP: [tcp://]HOST:PORT to listen on
  std::string session = "ADRMON0001";  // MoldUDP64 / SoupBinTCP session (<= 10 characters)
  std::string rerequest;               // MoldUDP64: HOST:PORT of the re-request server
  std::string rts;                     // OMD-C: TCP HOST:PORT of the retransmission service
  int rts_heartbeat_ms = 1000;         // OMD-C RTS: heartbeat to an idle client
  std::string user = "adrmon";         // SoupBinTCP login
  std::string password = "adrmon";
  double speed = 0;              // real time x speed; <= 0: as fast as possible
  std::uint64_t drop_every = 0;  // UDP: skip every Nth packet; SoupBinTCP: cut after N
  std::uint64_t gap_first = 0;   // UDP: never multicast messages [first, first + count)
  std::uint64_t gap_count = 0;
  std::size_t messages_per_packet = 0;  // MoldUDP64: cap per packet (0: as many as fit 1400 B)
  int heartbeat_ms = 1000;    // MoldUDP64/SoupBinTCP heartbeats when idle; OMD-C: 0 = none
  int linger_ms = 1000;       // after the end: serve re-requests / reconnects this long
  unsigned wait_clients = 1;  // SoupBinTCP: start pacing once this many clients logged in
};

// Runs the publisher `opt` selects until the file is sent (and the linger is
// over) or `stop` is set. Prints a summary to stderr. Returns 0, or 1 when
// the network failed; throws std::runtime_error on bad options or files.
int run_venue_cast(const VenueCastOptions& opt, const std::atomic<bool>& stop);

}  // namespace adrmon
