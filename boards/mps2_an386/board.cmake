# Arm MPS2 AN386: Cortex-M4F, 4 MB code RAM, 4 MB data RAM, LAN9118.
set(HC_BOARD_TOOLCHAIN arm-cortex-m4)
set(HC_BOARD_CPU "Cortex-M4F")
set(HC_BOARD_QEMU qemu-system-arm -M mps2-an386)
set(HC_BOARD_SOURCES startup.c ../common/startup_cortex_m.c)
set(HC_BOARD_COMPILE_OPTIONS "")
set(HC_BOARD_LINK_OPTIONS --specs=nano.specs)
