# The heartbeat as the whole firmware of QEMU's mps2-an386 (included by
# CMakeLists.txt when HB_BOARD=mps2_an386; toolchain cmake/arm-cortex-m4.cmake).
#
#   LWIP_SOURCE_DIR     lwIP 2.2 source tree      } scripts/build-deps.sh
#   MBEDTLS_SOURCE_DIR  Mbed TLS 3.6 source tree  } prints both
#   HB_CA_FILE          the CA the server's chain must lead to (DER, or PEM);
#                       default: a test PKI made here by test/tls/gen-certs.sh
#                       in <build>/pki, with leaves for hc-ping.test
#   HB_TLS_VARIANTS     further builds with other record buffer sizes, as
#                       IN:OUT pairs ("1024:512;2048:1024"), each giving
#                       heartbeat_mps2_an386_in<IN>_out<OUT>.elf
#
# Gives heartbeat_mps2_an386.elf and its linker map (.map), which
# scripts/firmware_size.py reads.
set(LWIP_SOURCE_DIR "" CACHE PATH "lwIP source tree (scripts/build-deps.sh)")
set(MBEDTLS_SOURCE_DIR "" CACHE PATH "Mbed TLS 3.6 source tree (scripts/build-deps.sh)")
set(HB_CA_FILE "" CACHE FILEPATH "CA certificate(s) compiled in (default: a test PKI)")
set(HB_TLS_VARIANTS "" CACHE STRING "further record sizes to build, as IN:OUT pairs")
option(HC_WERROR "Treat warnings as errors" OFF)
if(NOT CMAKE_BUILD_TYPE)
    set(CMAKE_BUILD_TYPE MinSizeRel CACHE STRING "" FORCE)
endif()

include(${HC_ROOT}/cmake/hc_firmware_deps.cmake)
set(HB_BOARDS_CMAKE ${HC_ROOT}/boards/boards.cmake CACHE FILEPATH "the emulated boards' CMake")
include(${HB_BOARDS_CMAKE})
hc_board_compile_options(mps2_an386)

# The client, ping API only (no management API, no jsmn).
set(HC_WITH_MANAGEMENT OFF CACHE BOOL "" FORCE)
add_subdirectory(${HC_ROOT} healthchecks)

set(fw ${CMAKE_CURRENT_SOURCE_DIR}/firmware)
set(board_dir ${HC_ROOT}/boards/mps2_an386)

# ---- dependencies, from their sources, with this firmware's configuration
hc_add_lwip(hb_lwip ${LWIP_SOURCE_DIR} ${fw})
hc_add_mbedtls(hb_mbed ${MBEDTLS_SOURCE_DIR} ${fw} hb_mbedtls_config.h)

# ---- board: start-up, clock, console, exit (boards/), and this firmware's
# LAN9118 driver and emulator-only entropy. HC_EMULATOR_BUILD is defined
# here and nowhere else: entropy_emulator.c refuses to build without it.
hc_add_board(hb_board mps2_an386)
add_library(hb_board_net STATIC ${board_dir}/lan9118.c ${board_dir}/entropy_emulator.c)
target_compile_definitions(hb_board_net PRIVATE HC_EMULATOR_BUILD=1)
target_link_libraries(hb_board_net PUBLIC hb_lwip PRIVATE hc_warnings)
target_include_directories(hb_board_net PUBLIC ${board_dir}
    PRIVATE $<TARGET_PROPERTY:hb_board,INTERFACE_INCLUDE_DIRECTORIES>)

# ---- the CA compiled in
if(HB_CA_FILE)
    set(ca_file ${HB_CA_FILE})
else()
    set(pki ${CMAKE_BINARY_DIR}/pki)
    set(ca_file ${pki}/trust.der)
    add_custom_command(OUTPUT ${ca_file}
        COMMAND ${CMAKE_COMMAND} -E env HC_TLS_EXTRA_SAN=DNS:hc-ping.test
                sh ${HC_ROOT}/test/tls/gen-certs.sh ${pki} ec > ${CMAKE_BINARY_DIR}/pki.log 2>&1
        DEPENDS ${HC_ROOT}/test/tls/gen-certs.sh
        COMMENT "A test PKI for hc-ping.test in ${pki}")
endif()
set(ca_c ${CMAKE_BINARY_DIR}/hb_tls_ca.c)
add_custom_command(OUTPUT ${ca_c}
    COMMAND ${CMAKE_COMMAND} -DIN=${ca_file} -DOUT=${ca_c} -DNAME=hb_tls_ca
            -P ${HC_ROOT}/cmake/hc_bin2c.cmake
    DEPENDS ${ca_file} ${HC_ROOT}/cmake/hc_bin2c.cmake)

# ---- one firmware image per record-size pair
function(hb_add_firmware suffix in_len out_len)
    set(name heartbeat_mps2_an386${suffix})
    hc_add_mbedtls_tls(hb_mbedtls${suffix} hb_mbed "${in_len}" "${out_len}")
    # The transport ports, as they would be added to any firmware build.
    add_library(hb_ports${suffix} STATIC ${HC_ROOT}/port/lwip/src/hc_port_lwip_raw.c
                ${HC_ROOT}/port/mbedtls/hc_port_mbedtls.c)
    target_include_directories(hb_ports${suffix} PUBLIC ${HC_ROOT}/port/lwip/include
                               ${HC_ROOT}/port/mbedtls/include)
    target_link_libraries(hb_ports${suffix} PUBLIC healthchecks hb_lwip hb_mbedtls${suffix}
                          PRIVATE hc_warnings)
    add_executable(${name}.elf main.c heartbeat.c board_mps2_an386.c hb_tls.c figures.c
                   ${ca_c})
    target_compile_definitions(${name}.elf PRIVATE HB_TLS=1 HB_FIGURES=1)
    target_link_libraries(${name}.elf PRIVATE hb_ports${suffix} hb_board_net hb_board
                          hc_warnings)
    target_link_options(${name}.elf PRIVATE -Wl,-Map=${CMAKE_CURRENT_BINARY_DIR}/${name}.map)
    set_source_files_properties(${ca_c} PROPERTIES COMPILE_OPTIONS "-Wno-pedantic")
endfunction()

hb_add_firmware("" "" "")
set(variants ${HB_TLS_VARIANTS})
list(REMOVE_DUPLICATES variants)
foreach(pair ${variants})
    if(NOT pair MATCHES "^([0-9]+):([0-9]+)$")
        message(FATAL_ERROR "HB_TLS_VARIANTS: '${pair}' is not IN:OUT")
    endif()
    hb_add_firmware(_in${CMAKE_MATCH_1}_out${CMAKE_MATCH_2} ${CMAKE_MATCH_1} ${CMAKE_MATCH_2})
endforeach()
