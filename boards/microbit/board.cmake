# BBC micro:bit: Cortex-M0, 256 KB flash, 16 KB RAM.
set(HC_BOARD_TOOLCHAIN arm-cortex-m0plus)   # cmake/<this>.cmake: ARMv6-M code runs on the M0
set(HC_BOARD_CPU "Cortex-M0")
set(HC_BOARD_QEMU qemu-system-arm -M microbit)
set(HC_BOARD_SOURCES startup.c ../common/startup_cortex_m.c)
set(HC_BOARD_COMPILE_OPTIONS "")
set(HC_BOARD_LINK_OPTIONS --specs=nano.specs)   # newlib-nano: string functions, setjmp
