# Unity (ThrowTheSwitch's C test framework), which the target tests and
# examples/unity_host_test use. It is never copied into this repository:
# HC_UNITY_DIR names a directory holding unity.c, unity.h and
# unity_internals.h; left empty, the sources Debian ships in trixie's cmock
# package (architecture "all") are fetched once into build/deps by
# scripts/fetch-debian.sh (a private apt configuration; the machine's own
# apt setup is not touched).
#
# hc_unity_library(NAME [DEFINITIONS...]) then builds Unity as a static
# library NAME with those compile definitions (Unity is configured by
# macros: output function, 64-bit support, no floating point, ...). Its
# headers are SYSTEM includes: Unity's own code is held to its own
# warnings, not ours.
include_guard(GLOBAL)

set(HC_UNITY_DIR "" CACHE PATH
    "Unity's src directory (unity.c, unity.h); empty: fetched from Debian trixie's cmock package")
if(HC_UNITY_DIR)
    set(unity_dir ${HC_UNITY_DIR})
else()
    # Asked at every configure: once unpacked, the script answers at once,
    # and a deleted build/deps is fetched again rather than left dangling.
    execute_process(COMMAND ${CMAKE_CURRENT_LIST_DIR}/../scripts/fetch-debian.sh deb trixie cmock
                    OUTPUT_VARIABLE cmock_root RESULT_VARIABLE fetch_result
                    OUTPUT_STRIP_TRAILING_WHITESPACE)
    if(NOT fetch_result EQUAL 0)
        message(FATAL_ERROR "Unity: fetching Debian's cmock package failed. Point HC_UNITY_DIR at "
                            "Unity's src directory, or configure with -DHC_BUILD_TESTS=OFF.")
    endif()
    set(unity_dir ${cmock_root}/usr/share/cmock/vendor/unity/src)
endif()
if(NOT EXISTS ${unity_dir}/unity.c OR NOT EXISTS ${unity_dir}/unity.h)
    message(FATAL_ERROR "Unity: no unity.c and unity.h in ${unity_dir}")
endif()
# Where hc_unity_library() finds the sources, from any directory.
set(HC_UNITY_SOURCE_DIR ${unity_dir} CACHE INTERNAL "Unity's sources in use")

function(hc_unity_library name)
    add_library(${name} STATIC ${HC_UNITY_SOURCE_DIR}/unity.c)
    target_include_directories(${name} SYSTEM PUBLIC ${HC_UNITY_SOURCE_DIR})
    target_compile_definitions(${name} PUBLIC ${ARGN})
endfunction()
