# QEMU RISC-V virt, 32-bit, as a microcontroller: RV32IMC code.
set(HC_BOARD_TOOLCHAIN riscv32-rv32imc)
set(HC_BOARD_CPU "RV32IMC")
set(HC_BOARD_QEMU qemu-system-riscv32 -M virt -bios none)
set(HC_BOARD_SOURCES startup.c)
# Debian's riscv64-unknown-elf GCC has no C library of its own: picolibc
# (Debian picolibc-riscv64-unknown-elf) supplies headers and libc.a.
set(HC_BOARD_COMPILE_OPTIONS --specs=picolibc.specs)
set(HC_BOARD_LINK_OPTIONS --specs=picolibc.specs)
