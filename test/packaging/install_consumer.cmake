# cmake -DHC_ROOT=... -DWORK=... -DCC=... [-DPKG_CONFIG=...] -P install_consumer.cmake
#
# Builds the library alone in WORK, installs it with cmake --install into
# WORK/prefix, then builds and runs test/packaging/consumer against it twice:
# through find_package(healthchecks COMPONENTS mock posix), and through
# pkg-config, each time beside the consumer's own compiled jsmn (the
# library's must not clash with it). A find_package asking for a port that
# was not built must fail.
cmake_minimum_required(VERSION 3.16)
foreach(var HC_ROOT WORK CC)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "install_consumer.cmake: -D${var}= is required")
    endif()
endforeach()

function(run)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
    if(NOT rc EQUAL 0)
        string(REPLACE ";" " " cmd "${ARGN}")
        message(FATAL_ERROR "FAILED (${rc}): ${cmd}\n${out}")
    endif()
    set(run_output "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE ${WORK})
set(prefix ${WORK}/prefix)

run(${CMAKE_COMMAND} -S ${HC_ROOT} -B ${WORK}/lib -DCMAKE_C_COMPILER=${CC}
    -DCMAKE_BUILD_TYPE=Release -DHC_BUILD_TESTS=OFF -DHC_BUILD_EXAMPLES=OFF)
run(${CMAKE_COMMAND} --build ${WORK}/lib -j4)
run(${CMAKE_COMMAND} --install ${WORK}/lib --prefix ${prefix})
foreach(f include/healthchecks/hc_client.h include/hc_port_mock.h include/hc_port_posix.h
          lib/libhealthchecks.a lib/cmake/healthchecks/healthchecks-config.cmake
          lib/pkgconfig/healthchecks.pc lib/pkgconfig/healthchecks-mock.pc)
    if(NOT EXISTS ${prefix}/${f})
        message(FATAL_ERROR "cmake --install did not install ${f}")
    endif()
endforeach()

# 1. find_package
run(${CMAKE_COMMAND} -S ${CMAKE_CURRENT_LIST_DIR}/consumer -B ${WORK}/consumer
    -DCMAKE_C_COMPILER=${CC} -DCMAKE_PREFIX_PATH=${prefix})
run(${CMAKE_COMMAND} --build ${WORK}/consumer)
run(${WORK}/consumer/hc_consumer)
message(STATUS "find_package consumer: ${run_output}")

# 2. A port that is not part of the package is reported missing.
execute_process(COMMAND ${CMAKE_COMMAND} -S ${CMAKE_CURRENT_LIST_DIR}/consumer
                        -B ${WORK}/consumer-missing -DCMAKE_C_COMPILER=${CC}
                        -DCMAKE_PREFIX_PATH=${prefix} "-DHC_CONSUMER_COMPONENTS=mock;nosuchport"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(rc EQUAL 0 OR NOT out MATCHES "nosuchport")
    message(FATAL_ERROR "find_package(healthchecks COMPONENTS nosuchport) did not fail:\n${out}")
endif()

# 3. pkg-config
if(NOT PKG_CONFIG)
    find_program(PKG_CONFIG NAMES pkg-config pkgconf REQUIRED)
endif()
set(ENV{PKG_CONFIG_PATH} ${prefix}/lib/pkgconfig)
run(${PKG_CONFIG} --cflags --libs healthchecks-mock healthchecks-posix)
string(STRIP "${run_output}" flags)
separate_arguments(flags UNIX_COMMAND "${flags}")
run(${CC} -std=c99 -o ${WORK}/hc_consumer_pc ${CMAKE_CURRENT_LIST_DIR}/consumer/main.c
    ${CMAKE_CURRENT_LIST_DIR}/consumer/own_jsmn.c ${flags})
run(${WORK}/hc_consumer_pc)
message(STATUS "pkg-config consumer: ${run_output}")
