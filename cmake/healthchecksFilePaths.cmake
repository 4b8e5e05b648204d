# healthchecks-c: its source files and include directories as plain lists,
# for a build that does not use this repository's CMakeLists.txt:
#
#   include(path/to/healthchecks/cmake/healthchecksFilePaths.cmake)
#   add_library(healthchecks STATIC ${HC_CORE_SOURCES} ${HC_PORT_POSIX_SOURCES})
#   target_include_directories(healthchecks PUBLIC ${HC_INCLUDE_PUBLIC_DIRS}
#                                                  ${HC_PORT_POSIX_INCLUDE_DIRS})
#
# The management API (HC_MANAGEMENT_SOURCES) needs jsmn.h on the include
# path (hc_jsmn.c compiles jsmn's parser as a static copy); a ping-only build takes HC_PING_SOURCES alone and defines
# HC_WITH_MANAGEMENT=0 for everything that includes healthchecks.h. Every
# source includes its private headers by relative path: no private include
# directory is needed. Nothing here needs a project or a target, so the
# file also serves ESP-IDF's early expansion.

get_filename_component(HC_ROOT_DIR ${CMAKE_CURRENT_LIST_DIR}/.. ABSOLUTE)
set(HC_CORE_DIR ${HC_ROOT_DIR}/components/healthchecks)

# What sending pings needs: error texts, the character rules, the buffer
# writer, URLs, the HTTP engine, the client, the ping API and the run
# wrapper.
set(HC_PING_SOURCES
    ${HC_CORE_DIR}/src/hc_error.c
    ${HC_CORE_DIR}/src/hc_lex.c
    ${HC_CORE_DIR}/src/hc_buf.c
    ${HC_CORE_DIR}/src/hc_url.c
    ${HC_CORE_DIR}/src/hc_http.c
    ${HC_CORE_DIR}/src/hc_client.c
    ${HC_CORE_DIR}/src/hc_ping.c
    ${HC_CORE_DIR}/src/hc_trap.c)

# The management API and its JSON layer (jsmn's parser included, in
# hc_jsmn.c), which a ping-only build leaves out.
set(HC_MANAGEMENT_SOURCES
    ${HC_CORE_DIR}/src/hc_jchar.c
    ${HC_CORE_DIR}/src/hc_jscan.c
    ${HC_CORE_DIR}/src/hc_jstream.c
    ${HC_CORE_DIR}/src/hc_json.c
    ${HC_CORE_DIR}/src/hc_jsmn.c
    ${HC_CORE_DIR}/src/hc_jwrite.c
    ${HC_CORE_DIR}/src/hc_objects.c
    ${HC_CORE_DIR}/src/hc_api.c)

# The outbox: undelivered signals kept in caller memory and sent late.
set(HC_OUTBOX_SOURCES ${HC_CORE_DIR}/src/hc_outbox.c)

set(HC_CORE_SOURCES ${HC_PING_SOURCES} ${HC_OUTBOX_SOURCES} ${HC_MANAGEMENT_SOURCES})

# Consumers include "healthchecks/healthchecks.h" (or one module's header).
set(HC_INCLUDE_PUBLIC_DIRS ${HC_CORE_DIR}/include)

# The transport ports: take the one(s) your platform needs.
set(HC_PORT_POSIX_SOURCES ${HC_ROOT_DIR}/port/posix/hc_port_posix.c
    ${HC_ROOT_DIR}/port/posix/hc_posix_file.c)
set(HC_PORT_POSIX_INCLUDE_DIRS ${HC_ROOT_DIR}/port/posix/include)
set(HC_PORT_MOCK_SOURCES ${HC_ROOT_DIR}/port/mock/hc_port_mock.c)
set(HC_PORT_MOCK_INCLUDE_DIRS ${HC_ROOT_DIR}/port/mock/include)
set(HC_PORT_LWIP_SOCKETS_SOURCES ${HC_ROOT_DIR}/port/lwip/src/hc_port_lwip_sockets.c)
set(HC_PORT_LWIP_RAW_SOURCES ${HC_ROOT_DIR}/port/lwip/src/hc_port_lwip_raw.c)
set(HC_PORT_LWIP_INCLUDE_DIRS ${HC_ROOT_DIR}/port/lwip/include)
set(HC_PORT_MBEDTLS_SOURCES ${HC_ROOT_DIR}/port/mbedtls/hc_port_mbedtls.c)
set(HC_PORT_MBEDTLS_INCLUDE_DIRS ${HC_ROOT_DIR}/port/mbedtls/include)
set(HC_PORT_ESP_IDF_SOURCES ${HC_ROOT_DIR}/port/esp_idf/hc_port_esp_idf.c
    ${HC_ROOT_DIR}/port/esp_idf/hc_esp_nvs.c)
set(HC_PORT_ESP_IDF_INCLUDE_DIRS ${HC_ROOT_DIR}/port/esp_idf/include)
