# RV32IMC (ilp32, soft float), with Debian's riscv64-unknown-elf GCC, which
# targets rv32 too but ships no C library. Only static archives are built
# (nothing is linked), so the C library needs its declarations only: they
# come from newlib's target-independent headers, Debian's libnewlib-dev
# (/usr/include/newlib), searched after GCC's own freestanding headers
# (stdint.h, stddef.h, stdbool.h, limits.h) so those keep precedence.
# A firmware build uses its own SDK's toolchain and C library instead.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR riscv32)
set(CMAKE_C_COMPILER riscv64-unknown-elf-gcc)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(HC_NEWLIB_HEADERS /usr/include/newlib CACHE PATH "newlib's C library headers (Debian libnewlib-dev)")
set(CMAKE_C_FLAGS_INIT "-march=rv32imc -mabi=ilp32 -ffunction-sections -fdata-sections -idirafter ${HC_NEWLIB_HEADERS}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
