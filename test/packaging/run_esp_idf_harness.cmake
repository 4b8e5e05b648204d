# cmake -DHC_ROOT=... -DWORK=... -DPYTHON=... -DVARIANT=full|ping-only
#       -DTOOLCHAIN=<toolchain file> -P run_esp_idf_harness.cmake
#
# The root CMakeLists.txt as ESP-IDF would see it, without ESP-IDF:
#  1. an sdkconfig generated from Kconfig, with some limits changed from
#     their defaults so the probe can tell they were bridged; the ping-only
#     variant is the ESP-IDF example's configuration (its Kconfig.projbuild
#     and sdkconfig.defaults), and builds the example's main component too;
#  2. early expansion (script mode, no CONFIG_): it must register;
#  3. the harness project (esp_idf_harness/) configures and cross-builds the
#     component and the probe with -Werror;
#  4. check_component.py compares the registration with the sources, the
#     headers' includes and idf_component.yml.
cmake_minimum_required(VERSION 3.16)
foreach(var HC_ROOT WORK PYTHON VARIANT TOOLCHAIN)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "run_esp_idf_harness.cmake: -D${var}= is required")
    endif()
endforeach()
set(here ${CMAKE_CURRENT_LIST_DIR})

function(run)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
    if(NOT rc EQUAL 0)
        string(REPLACE ";" " " cmd "${ARGN}")
        message(FATAL_ERROR "FAILED (${rc}): ${cmd}\n${out}")
    endif()
    string(STRIP "${out}" out)
    set(run_output "${out}" PARENT_SCOPE)
endfunction()

if(VARIANT STREQUAL "full")
    set(settings --set HC_HOST_MAX=80 --set HC_TEXT_MAX=120 --set HC_NAME_MAX=64)
elseif(VARIANT STREQUAL "ping-only")
    set(example ${HC_ROOT}/examples/esp_idf_heartbeat)
    set(settings --kconfig ${example}/main/Kconfig.projbuild --defaults ${example}/sdkconfig.defaults
        --set HC_WITH_MANAGEMENT=n --set HC_HOST_MAX=48 --set HC_OUTBOX_BODY_MAX=100
        --set HEARTBEAT_CHECK_UUID=5bf66975-d4c7-4bf5-bcc8-b8d8a82ea278)
    set(example_main -DHC_EXAMPLE_MAIN=${example}/main)
else()
    message(FATAL_ERROR "VARIANT must be full or ping-only")
endif()

file(REMOVE_RECURSE ${WORK})
run(${PYTHON} ${here}/hc_kconfig.py gen --kconfig ${HC_ROOT}/Kconfig --out ${WORK}/config
    ${settings} --external MBEDTLS_CERTIFICATE_BUNDLE=y)
run(${CMAKE_COMMAND} -D ESP_PLATFORM=1 -D HC_ROOT=${HC_ROOT} -D OUT=${WORK}/early.txt
    -P ${here}/esp_idf_harness/early_expansion.cmake)
run(${PYTHON} ${here}/check_component.py manifest-requires ${HC_ROOT}/idf_component.yml public)
set(public_deps "${run_output}")
run(${PYTHON} ${here}/check_component.py manifest-requires ${HC_ROOT}/idf_component.yml private)
set(private_deps "${run_output}")
run(${CMAKE_COMMAND} -S ${here}/esp_idf_harness -B ${WORK}/build
    -DCMAKE_TOOLCHAIN_FILE=${TOOLCHAIN} -DCMAKE_BUILD_TYPE=MinSizeRel
    -DHC_ROOT=${HC_ROOT} -DHC_SDKCONFIG_DIR=${WORK}/config
    "-DHC_MANIFEST_REQUIRES=${public_deps}" "-DHC_MANIFEST_PRIV_REQUIRES=${private_deps}"
    ${example_main})
string(REGEX MATCH "harness: [0-9]+ limits bridged" bridged "${run_output}")
message(STATUS "${bridged}")
run(${CMAKE_COMMAND} --build ${WORK}/build)
run(${PYTHON} ${here}/check_component.py check --root ${HC_ROOT}
    --registration ${WORK}/build/registration-healthchecks.json --early ${WORK}/early.txt --variant ${VARIANT})
message(STATUS "${run_output}")
