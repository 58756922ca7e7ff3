// Counting replacements of the global operator new/delete for a whole test
// binary (allocation_counter.cpp; link it through the adrmon_test_support
// library in tests/CMakeLists.txt). Counting is off except between
// start_counting_allocations() and stop_counting_allocations(), so gtest's
// own allocations elsewhere do not matter. The count is global: every thread
// that allocates inside the window is counted.
#pragma once

#include <cstddef>

namespace adrmon::test {

// Zeroes the count and starts counting. Any thread; no allocation.
void start_counting_allocations() noexcept;
// Stops counting; returns the number of operator new calls (every form,
// every thread) since start_counting_allocations(). Any thread.
std::size_t stop_counting_allocations() noexcept;

}  // namespace adrmon::test
