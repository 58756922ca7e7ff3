# Unit tests of the sinks and the dashboard: one GoogleTest executable per
# library. Included from tests/apps/CMakeLists.txt; paths are relative to the
# tests/ folder so it works wherever it is included from.
find_package(GTest REQUIRED)
find_package(Boost 1.74 REQUIRED)
find_package(OpenSSL REQUIRED)  # tls_test_server.hpp (the https webhook tests)
find_package(nlohmann_json REQUIRED)  # dashboard_test reads the server's JSON
include(GoogleTest)
set(ADRMON_TESTS_ROOT ${CMAKE_CURRENT_LIST_DIR}/..)

add_executable(adrmon_sinks_tests
  ${ADRMON_TESTS_ROOT}/sinks/http_post_client_test.cpp
  ${ADRMON_TESTS_ROOT}/sinks/json_lines_sink_test.cpp
  ${ADRMON_TESTS_ROOT}/sinks/stdout_sink_test.cpp
  ${ADRMON_TESTS_ROOT}/sinks/webhook_config_test.cpp
  ${ADRMON_TESTS_ROOT}/sinks/webhook_filter_test.cpp
  ${ADRMON_TESTS_ROOT}/sinks/webhook_sink_test.cpp
  ${ADRMON_TESTS_ROOT}/sinks/webhook_tls_test.cpp
  ${ADRMON_TESTS_ROOT}/sinks/webhook_url_test.cpp
)
# adrmon_test_support: tests/support on the include path (http_test_server.hpp,
# tls_test_server.hpp, which also needs OpenSSL and the openssl CLI at run time).
target_link_libraries(adrmon_sinks_tests PRIVATE adrmon::sinks adrmon_test_support Boost::headers
                                                 OpenSSL::SSL GTest::gtest_main adrmon_warnings)
# webhook_sink_test.cpp replaces global operator new/delete (malloc/free) to
# count the test thread's allocations; GCC 12 then flags Boost's inlined
# exception clones as mismatched new/delete, a false positive for this
# replacement.
target_compile_options(adrmon_sinks_tests PRIVATE -Wno-mismatched-new-delete)
gtest_discover_tests(adrmon_sinks_tests PROPERTIES LABELS unit TIMEOUT 300 DISCOVERY_TIMEOUT 60)

add_executable(adrmon_dashboard_tests
  ${ADRMON_TESTS_ROOT}/dashboard/connection_limits_test.cpp
  ${ADRMON_TESTS_ROOT}/dashboard/http_routes_test.cpp
  ${ADRMON_TESTS_ROOT}/dashboard/metrics_test.cpp
  ${ADRMON_TESTS_ROOT}/dashboard/websocket_test.cpp
)
# tests/support on the include path for http_client.hpp (the Beast HTTP and
# WebSocket test clients).
target_include_directories(adrmon_dashboard_tests PRIVATE ${ADRMON_TESTS_ROOT}/support)
target_link_libraries(adrmon_dashboard_tests PRIVATE adrmon::dashboard GTest::gtest_main
                                                     nlohmann_json::nlohmann_json adrmon_warnings)
gtest_discover_tests(adrmon_dashboard_tests PROPERTIES LABELS unit TIMEOUT 300 DISCOVERY_TIMEOUT 60)
