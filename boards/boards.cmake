# The emulated boards as CMake targets, for any project that builds
# programs to run under QEMU (the target tests, a firmware). Include this
# file, then:
#
#   hc_add_board(NAME BOARD)   an OBJECT library NAME with BOARD's start-up
#                              code, console, exit and stack helpers, whose
#                              usage requirements carry the linker script
#                              and link flags: link a program to it and it
#                              runs on the board.
#   hc_board_qemu(BOARD VAR)   sets VAR to the QEMU command line (a list)
#                              that runs a program on BOARD, without the
#                              program (append -kernel program.elf).
#
# BOARD is a directory here: microbit, mps2_an386, riscv32_virt, or host
# (the build machine, natively; no QEMU). Build with
# the board's toolchain file in cmake/ (see its board.cmake). A board's
# C library headers must be in use before any target is defined, so call
# hc_board_compile_options(BOARD) first, from the top directory.
include_guard(GLOBAL)
set(HC_BOARDS_DIR ${CMAKE_CURRENT_LIST_DIR})

# Reads BOARD's facts (HC_BOARD_* variables) into the caller's scope.
macro(hc_board_load board)
    unset(HC_BOARD_NATIVE)
    if(NOT EXISTS ${HC_BOARDS_DIR}/${board}/board.cmake)
        message(FATAL_ERROR "no board '${board}' in ${HC_BOARDS_DIR}")
    endif()
    include(${HC_BOARDS_DIR}/${board}/board.cmake)
endmacro()

function(hc_board_compile_options board)
    hc_board_load(${board})
    if(HC_BOARD_COMPILE_OPTIONS)
        add_compile_options(${HC_BOARD_COMPILE_OPTIONS})
    endif()
endfunction()

function(hc_add_board name board)
    hc_board_load(${board})
    set(dir ${HC_BOARDS_DIR}/${board})
    list(TRANSFORM HC_BOARD_SOURCES PREPEND ${dir}/)
    if(HC_BOARD_NATIVE)  # host: the board API over the C library, no start-up code
        add_library(${name} OBJECT ${HC_BOARD_SOURCES})
        target_include_directories(${name} PUBLIC ${dir} ${HC_BOARDS_DIR}/common)
        return()
    endif()
    add_library(${name} OBJECT ${HC_BOARDS_DIR}/common/board_common.c
                ${HC_BOARDS_DIR}/common/semihosting.c ${HC_BOARD_SOURCES})
    target_include_directories(${name} PUBLIC ${dir} ${HC_BOARDS_DIR}/common)
    # Our own start-up code in place of the C library's; sections.ld is
    # found through -L by the board's link.ld.
    target_link_options(${name} INTERFACE -nostartfiles ${HC_BOARD_LINK_OPTIONS}
        -L${HC_BOARDS_DIR}/common -T${dir}/link.ld -Wl,--gc-sections)
    set_property(TARGET ${name} APPEND PROPERTY INTERFACE_LINK_DEPENDS
                 ${dir}/link.ld ${HC_BOARDS_DIR}/common/sections.ld)
endfunction()

function(hc_board_qemu board var)
    hc_board_load(${board})
    # No network at all, no display, no monitor; console and exit status
    # through semihosting.
    set(${var} ${HC_BOARD_QEMU} -nographic -monitor none -serial none -net none
        -semihosting-config enable=on,target=native PARENT_SCOPE)
endfunction()
