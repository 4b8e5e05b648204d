# cmake -DHC_ROOT=... -DWORK=... -DCC=... -P file_lists_consumer.cmake
#
# Builds test/packaging/file_lists_consumer (the library from
# cmake/healthchecksFilePaths.cmake alone, and the consumer program) in
# WORK, and runs the program.
cmake_minimum_required(VERSION 3.16)
foreach(var HC_ROOT WORK CC)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "file_lists_consumer.cmake: -D${var}= is required")
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
run(${CMAKE_COMMAND} -S ${CMAKE_CURRENT_LIST_DIR}/file_lists_consumer -B ${WORK}
    -DCMAKE_C_COMPILER=${CC} -DHC_ROOT=${HC_ROOT})
run(${CMAKE_COMMAND} --build ${WORK} -j2)
run(${WORK}/hc_consumer)
message(STATUS "file-lists consumer: ${run_output}")
