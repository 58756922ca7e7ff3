# The bus library's unit tests (issue 12), included from tests/CMakeLists.txt.
# Neither needs a server; the end-to-end cases with real nats-server
# processes are tests/apps/bus_e2e.py.
adrmon_add_test_suite(adrmon_bus_tests
  LIBS adrmon::bus Threads::Threads
  SOURCES
    bus/ack_reply_test.cpp
    bus/bus_config_test.cpp
    bus/feed_order_test.cpp
    bus/tick_wire_test.cpp
)
