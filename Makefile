# adrmon: the two commands a newcomer types are `make demo` and `make test`.
# Everything else here is for developers. Builds go to build/<type>.

JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=
RELEASE := build/release
ASAN := build/asan
TSAN := build/tsan

.PHONY: all setup build demo demo-sample demo-sessions test bench format clean fuzz asan tsan package

all: build

setup:
	@bash scripts/setup.sh

$(RELEASE)/CMakeCache.txt:
	cmake -S . -B $(RELEASE) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null

build: setup $(RELEASE)/CMakeCache.txt
	cmake --build $(RELEASE) -j $(JOBS)

# make demo: a whole calendar day (data/sessions, issue 9) at 2000x, ~45 s:
# the HK morning against US overnight, lunch, a halt, the HK close.
# make demo-sample: the short 300-second sample the tests pin, at 20x.
demo: build
	@DEMO_DATA=data/sessions DEMO_SECONDS=86400 DEMO_SPEED=$${DEMO_SPEED:-2000} bash scripts/demo.sh $(RELEASE)

demo-sample: build
	@bash scripts/demo.sh $(RELEASE)

# A whole generated calendar day (data/sessions/README.txt): US overnight, pre,
# regular and post; HK pre-open, continuous, lunch, closing auction; a halt.
# 24 h of event time at x2000 = ~45 s; DEMO_SPEED=5000 is faster.
demo-sessions: demo

test: build
	ctest --test-dir $(RELEASE) --output-on-failure -j $(JOBS)

# The Debian package: build/release/adrmon_<version>_<arch>.deb (CPack; the
# install rules are at the end of CMakeLists.txt). Builds only what it ships;
# re-running cmake refreshes the version from git describe.
package: setup $(RELEASE)/CMakeCache.txt
	cmake -S . -B $(RELEASE) >/dev/null
	cmake --build $(RELEASE) -j $(JOBS) --target adrmon adrmon-gen adrmon-cast adrmon_man
	rm -f $(RELEASE)/adrmon_*.deb
	cd $(RELEASE) && cpack -G DEB
	@ls $(RELEASE)/adrmon_*.deb

# Release benchmarks with same-run baselines -> bench-results/report.md and a chart.
# BENCH_QUICK=1 for a short run.
bench: build
	@bash scripts/setup.sh bench
	bash scripts/bench.sh $(RELEASE)

# ---- robustness (docs/ROBUSTNESS.md) --------------------------------------
# Sanitizer builds: RelWithDebInfo at -O1 -g1, no benchmarks (so no
# perf_guard). -O1 is what the ASan and TSan manuals recommend; -g1 keeps the
# line tables a report's stack needs and drops the variable info. Together
# they halve the compile time of each file (websocket_session.cpp under ASan:
# 92 s at -O2 -g, 48 s at -O1 -g1), which is most of CI's sanitizer stages.
SAN_CMAKE := -DCMAKE_BUILD_TYPE=RelWithDebInfo '-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG' \
	-DADRMON_BENCH=OFF $(CMAKE_FLAGS)
FUZZ := build/fz
FUZZ_SECONDS ?= 60
# TSan runs what has threads: the daemon end to end (daemon_*, robustness_*,
# the dashboard in a browser), the daemon's unit tests (adrmon_app_tests) and
# the JSON Lines parse workers (FileReplayParallel, adrmon_parallel_parse_tests).
TSAN_TESTS ?= ^(daemon_|robustness_|dashboard_browser|Webhook|Dashboard|FileReplayParallel|CaptureReadAhead)
# Throughput measurements mean nothing under a sanitizer (like perf_guard,
# which ADRMON_BENCH=OFF leaves out): not run in asan/tsan.
SAN_SKIP ?= ^dashboard_idle_clients$$
ASAN_ENV := ASAN_OPTIONS=detect_leaks=1:check_initialization_order=1:strict_init_order=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# suppress_equal_addresses=0: the suppressed moodycamel reports (tests/tsan.supp)
# would otherwise each scan a list of every racy address seen so far, slowing
# the engine to ~1000 ticks/s (quadratic) and timing out the TCP tests.
TSAN_ENV := TSAN_OPTIONS="suppressions=$(CURDIR)/tests/tsan.supp halt_on_error=1 second_deadlock_stack=1 suppress_equal_addresses=0"

# libFuzzer targets (clang-14, ASan+UBSan), FUZZ_SECONDS each; prints
# executions and time per target.
fuzz: setup
	@bash scripts/setup.sh fuzz
	CC=clang-14 CXX=clang++-14 cmake -S tests/fuzz -B $(FUZZ) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(FUZZ) -j $(JOBS)
	bash tests/fuzz/run.sh $(FUZZ) $(FUZZ_SECONDS)

$(ASAN)/CMakeCache.txt:
	cmake -S . -B $(ASAN) $(SAN_CMAKE) -DADRMON_SANITIZE=address,undefined >/dev/null

# The whole test suite under ASan+UBSan.
asan: setup $(ASAN)/CMakeCache.txt
	cmake --build $(ASAN) -j $(JOBS)
	$(ASAN_ENV) ctest --test-dir $(ASAN) --output-on-failure -j $(JOBS) -E '$(SAN_SKIP)'

$(TSAN)/CMakeCache.txt:
	cmake -S . -B $(TSAN) $(SAN_CMAKE) -DADRMON_SANITIZE=thread >/dev/null

# The threaded tests under TSan (tests/tsan.supp says what is suppressed and why).
# Only what those tests run is built under TSan (the binaries and the sinks'
# and dashboard's gtests), not every suite: the stage's build time halves.
TSAN_TARGETS ?= adrmon adrmon-gen adrmon-cast adrmon_sinks_tests adrmon_dashboard_tests adrmon_parallel_parse_tests
tsan: setup $(TSAN)/CMakeCache.txt
	cmake --build $(TSAN) -j $(JOBS) --target $(TSAN_TARGETS)
	$(TSAN_ENV) ctest --test-dir $(TSAN) --output-on-failure -j $(JOBS) -R '$(TSAN_TESTS)' -E '$(SAN_SKIP)'

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf build
