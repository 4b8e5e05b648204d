# cmake -DIN=file -DOUT=file.c -DNAME=symbol -P hc_bin2c.cmake
# Writes IN's bytes as "const uint8_t NAME[]" and "const size_t NAME_len"
# into OUT: a certificate compiled into a firmware.
file(READ ${IN} hex HEX)
string(LENGTH "${hex}" hex_len)
math(EXPR len "${hex_len} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "((0x..,){16})" "\\1\n    " bytes "${bytes}")
file(WRITE ${OUT} "/* Generated from ${IN} by cmake/hc_bin2c.cmake. */\n"
     "#include <stddef.h>\n#include <stdint.h>\n\n"
     "const uint8_t ${NAME}[] = {\n    ${bytes}\n};\n"
     "const size_t ${NAME}_len = ${len};\n")
