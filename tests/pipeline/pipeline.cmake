# Unit tests of the pipeline library (stages, mailbox, run summary). Included
# from tests/CMakeLists.txt; real files from data/sample, real threads.
find_package(nlohmann_json REQUIRED)
add_executable(adrmon_pipeline_tests ${CMAKE_CURRENT_LIST_DIR}/engine_stage_test.cpp
                                     ${CMAKE_CURRENT_LIST_DIR}/run_summary_test.cpp)
target_link_libraries(adrmon_pipeline_tests PRIVATE adrmon::pipeline adrmon::feeds GTest::gtest_main
                                                    nlohmann_json::nlohmann_json adrmon_warnings)
target_compile_definitions(adrmon_pipeline_tests PRIVATE ADRMON_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
gtest_discover_tests(adrmon_pipeline_tests PROPERTIES LABELS unit DISCOVERY_TIMEOUT 60)
