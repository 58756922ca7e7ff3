// Counting replacements of the global operator new/delete for the strategy
// test binary (allocation_counter.cpp). Counting is off except between
// start_counting_allocations() and stop_counting_allocations(), so gtest's own
// allocations elsewhere do not matter.
#pragma once

#include <cstddef>

namespace adrmon::test {

void start_counting_allocations() noexcept;
// Returns the number of operator new calls since start_counting_allocations().
std::size_t stop_counting_allocations() noexcept;

}  // namespace adrmon::test
