# adrmon: the two commands a newcomer types are `make demo` and `make test`.
# Everything else here is for developers. Builds go to build/<type>.

JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=
RELEASE := build/release
ASAN := build/asan
TSAN := build/tsan

.PHONY: all setup build demo test bench format clean

all: build

setup:
	@bash scripts/setup.sh

$(RELEASE)/CMakeCache.txt:
	cmake -S . -B $(RELEASE) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null

build: setup $(RELEASE)/CMakeCache.txt
	cmake --build $(RELEASE) -j $(JOBS)

demo: build
	@bash scripts/demo.sh $(RELEASE)

test: build
	ctest --test-dir $(RELEASE) --output-on-failure -j $(JOBS)

# Release benchmarks with same-run baselines -> bench-results/report.md and a chart.
# BENCH_QUICK=1 for a short run.
bench: build
	@bash scripts/setup.sh bench
	bash scripts/bench.sh $(RELEASE)

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf build
