// Pinning a thread to a CPU (engine_cpu, feed_cpu in [pipeline]).
#pragma once

namespace adrmon {

// Pins the calling thread to `cpu`; cpu < 0 leaves it alone. Returns false
// when the kernel refused (the thread still runs, unpinned). Cold path.
bool pin_current_thread(int cpu) noexcept;

// How many CPUs this process may run on (its affinity mask; at least 1).
// Cold path: [pipeline] design = "auto" asks it once at start-up.
int usable_cpus() noexcept;

}  // namespace adrmon
