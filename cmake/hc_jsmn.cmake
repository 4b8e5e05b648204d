# jsmn.h for the management API's JSON layer (hc_json.h includes it for the
# token type; hc_jsmn.c compiles jsmn's parser, static). On a host it is
# Debian's libjsmn-dev. A cross compiler does not search /usr/include (nor
# does find_path for a Generic system, hence PATHS), so it gets a copy of
# just that one header in the build tree, never in the source tree.
# Sets HC_JSMN_INCLUDE_DIR (the fuzz build uses it too) and adds it to the
# library's public include path.
find_path(HC_JSMN_INCLUDE_DIR jsmn.h PATHS /usr/local/include /usr/include NO_CMAKE_FIND_ROOT_PATH)
if(NOT HC_JSMN_INCLUDE_DIR)
    message(FATAL_ERROR "jsmn.h not found: install libjsmn-dev or set HC_JSMN_INCLUDE_DIR")
endif()
if(CMAKE_CROSSCOMPILING)
    configure_file(${HC_JSMN_INCLUDE_DIR}/jsmn.h ${PROJECT_BINARY_DIR}/hc_jsmn/jsmn.h COPYONLY)
    target_include_directories(healthchecks SYSTEM PUBLIC $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}/hc_jsmn>)
else()
    target_include_directories(healthchecks SYSTEM PUBLIC $<BUILD_INTERFACE:${HC_JSMN_INCLUDE_DIR}>)
endif()
