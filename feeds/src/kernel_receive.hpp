// Reads with what the kernel knows about them: recvmsg() with the
// receive stamp the kernel took when the datagram arrived (SO_TIMESTAMPNS,
// CLOCK_REALTIME) and, for UDP, the socket's running count of datagrams it
// dropped for want of buffer space (SO_RXQ_OVFL). Latency is then measured from the wire
// (the kernel's stamp), not from when our thread got round to reading, and
// kernel losses are counted where a tail loss leaves no seq gap to see.
// No allocation; one non-blocking recvmsg per read.
#pragma once

#include <linux/sock_diag.h>
#include <sys/socket.h>
#include <time.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace adrmon {

// Asks the kernel for receive stamps and (UDP) drop counts on `fd`. Best
// effort: a kernel that refuses either gives reads without it (stamp 0).
inline void enable_kernel_receive_info(int fd) noexcept {
  const int on = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
  ::setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof on);
}

// What one read returned: bytes, and what the kernel said about them.
struct StampedRead {
  std::size_t size = 0;        // 0 on a stream: the peer closed it
  std::int64_t kernel_ns = 0;  // CLOCK_REALTIME ns when the kernel received it; 0: no stamp
  std::uint32_t kernel_drops = 0;
  bool has_drops = false;  // kernel_drops is the socket's running total
};

// Reads what waits on `fd` into buf[0, cap): one datagram (a longer one is
// truncated to `cap`, as recv() would), or up to `cap` bytes of a stream
// (TCP: the stamp is that of the newest segment read). False when nothing
// waits (EAGAIN) or on an error (errno says which).
inline bool receive_stamped(int fd, char* buf, std::size_t cap, StampedRead& out) noexcept {
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(timespec)) + CMSG_SPACE(sizeof(std::uint32_t))];
  iovec iov{buf, cap};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n;
  do {
    n = ::recvmsg(fd, &msg, MSG_DONTWAIT);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return false;
  out.size = static_cast<std::size_t>(n);
  out.kernel_ns = 0;
  out.has_drops = false;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET) continue;
    if (c->cmsg_type == SCM_TIMESTAMPNS) {
      timespec ts;
      std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
      out.kernel_ns = std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
    } else if (c->cmsg_type == SO_RXQ_OVFL) {
      std::memcpy(&out.kernel_drops, CMSG_DATA(c), sizeof out.kernel_drops);
      out.has_drops = true;
    }
  }
  return true;
}

// The kernel's count of datagrams `fd` dropped (SO_MEMINFO), or `fallback`
// when it will not say. Cold path: once when a source closes.
inline std::uint64_t socket_kernel_drops(int fd, std::uint64_t fallback) noexcept {
  std::uint32_t info[SK_MEMINFO_VARS] = {};
  socklen_t len = sizeof info;
  if (::getsockopt(fd, SOL_SOCKET, SO_MEMINFO, info, &len) != 0 ||
      len < sizeof(std::uint32_t) * (SK_MEMINFO_DROPS + 1)) {
    return fallback;
  }
  return info[SK_MEMINFO_DROPS];
}

// CLOCK_REALTIME ns now (the kernel's stamps are on that clock).
inline std::int64_t realtime_ns() noexcept {
  timespec ts;
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

// The kernel's stamp `kernel_ns` (realtime) on the steady clock, given both
// clocks read now: steady_now minus how long ago the kernel took it. A stamp
// from the future (a clock step) maps to steady_now.
inline std::int64_t kernel_to_steady(std::int64_t kernel_ns, std::int64_t realtime_now,
                                     std::int64_t steady_now) noexcept {
  const std::int64_t ago = realtime_now - kernel_ns;
  return ago > 0 ? steady_now - ago : steady_now;
}

}  // namespace adrmon
