# The build machine itself, so that a program written for the boards also
# runs natively: the board API over stdio; no stack measurement.
set(HC_BOARD_CPU "host")
set(HC_BOARD_QEMU "")
set(HC_BOARD_SOURCES board_host.c)
set(HC_BOARD_COMPILE_OPTIONS "")
set(HC_BOARD_LINK_OPTIONS "")
set(HC_BOARD_NATIVE ON)
