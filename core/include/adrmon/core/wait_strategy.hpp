// WaitStrategy: how an idle consumer thread waits for work (see doorbell.hpp).
// Its own header so the hot path can name it without including the config.
#pragma once

#include <cstdint>

namespace adrmon {

// Spin: poll with pause (lowest latency, burns a core). Yield: poll and
// yield the CPU. Block: spin briefly, yield, then park on a futex.
enum class WaitStrategy : std::uint8_t { Spin, Yield, Block };

}  // namespace adrmon
