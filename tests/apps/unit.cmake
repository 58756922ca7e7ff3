# Unit tests of the daemon's parts (adrmon::app), one GoogleTest executable.
# Included from tests/apps/CMakeLists.txt; paths are relative to this file so
# it works wherever it is included from.
find_package(GTest REQUIRED)
find_package(nlohmann_json REQUIRED)  # dashboard_test reads the server's JSON
include(GoogleTest)

add_executable(adrmon_app_tests ${CMAKE_CURRENT_LIST_DIR}/webhook_sink_test.cpp
                                ${CMAKE_CURRENT_LIST_DIR}/dashboard_test.cpp)
target_link_libraries(adrmon_app_tests PRIVATE adrmon::app GTest::gtest_main nlohmann_json::nlohmann_json
                                               adrmon_warnings)
# The test replaces global operator new/delete (malloc/free) to count
# allocations; GCC 12 then flags Boost's inlined exception clones as
# mismatched new/delete, a false positive for this replacement.
target_compile_options(adrmon_app_tests PRIVATE -Wno-mismatched-new-delete)
gtest_discover_tests(adrmon_app_tests PROPERTIES LABELS unit DISCOVERY_TIMEOUT 60)
