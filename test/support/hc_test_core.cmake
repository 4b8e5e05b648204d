# hc_test_core: the part of the test support that needs no cmocka (the
# fixture loader, the mock client, the reference tokens, the JSON corpus's checks), shared by test/ (hc_test_support wraps
# it with cmocka's asserts) and bench/ (which builds without cmocka when the
# tests are off). Either directory may come first, or alone: both include
# this file, and the first one defines the target.
include_guard(GLOBAL)

add_library(hc_test_core STATIC
    ${CMAKE_CURRENT_LIST_DIR}/hc_fixture.c
    ${CMAKE_CURRENT_LIST_DIR}/hc_json_corpus.c
    ${CMAKE_CURRENT_LIST_DIR}/hc_json_ref.c
    ${CMAKE_CURRENT_LIST_DIR}/hc_mock_client.c)
target_include_directories(hc_test_core PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_compile_definitions(hc_test_core PRIVATE
    HC_FIXTURE_DIR="${PROJECT_SOURCE_DIR}/test/fixtures/healthchecks-3.0.1")
target_link_libraries(hc_test_core PUBLIC healthchecks hc_internal hc_port_mock PRIVATE hc_warnings)
