#!/usr/bin/env python3
"""Flash and RAM of a firmware image by component, from its GNU ld map.

Every input section the linker placed is given to the component its object
file belongs to (the first rule of COMPONENTS that matches the object's
path); fill between sections goes with the section before it. Flash is what
the image stores (.text with .rodata, the exception index, the initial
values of .data); RAM is .data, .bss and the stack. The stack and the
Mbed TLS arena (a static array) are shown on their own rows.

Usage: firmware_size.py MAP   (prints a Markdown table)
"""

from __future__ import annotations

import re
import sys

# (component, regex on the object's path), first match wins.
COMPONENTS = [
    ("library (libhealthchecks)", r"libhealthchecks\.a"),
    ("ports (lwIP raw, mbedTLS)", r"libhb_ports[^/]*\.a"),
    ("lwIP 2.2.1", r"libhb_lwip\.a"),
    ("Mbed TLS 3.6", r"libhb_mbed[^/]*\.a"),
    ("board (start-up, console, LAN9118, entropy)", r"hb_board|board_mps2_an386\.c"),
    ("libc and libgcc (newlib-nano)", r"/lib(c|c_nano|g|g_nano|m|nosys|gcc)\.a"),
    ("application (heartbeat, TLS set-up, figures)", r"."),
]
ARENA = "Mbed TLS arena (static, in the application)"
STACK = "stack (the linker script's)"
FLASH_SECTIONS = {".text", ".ARM.exidx", ".data"}
RAM_SECTIONS = {".data", ".bss", ".stack"}

# An input section: " .name  0xADDR  0xSIZE  object", the address and size
# on the next line when the name is long.
INPUT = re.compile(r"^ (\S+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)(?:\s+(.*))?$")
NAME_ONLY = re.compile(r"^ (\S+)$")
ADDR_SIZE = re.compile(r"^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)(?:\s+(.*))?$")
OUTPUT = re.compile(r"^(\.\S+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)")


def component(obj: str) -> str:
    return next(name for name, rule in COMPONENTS if re.search(rule, obj))


def input_sections(path: str):
    """(output section, input section, address, size, object) for each
    input section the map lists, in the map's order."""
    with open(path) as f:
        lines = f.read().split("Linker script and memory map", 1)[1].splitlines()
    out, pending = None, None
    for line in lines:
        m = OUTPUT.match(line)
        if m:
            out, pending = m[1], None
            if out == ".stack":
                yield out, "", int(m[2], 16), int(m[3], 16), None
            continue
        if out is None or out == ".stack":
            continue
        m = INPUT.match(line)
        if m:
            yield out, m[1], int(m[2], 16), int(m[3], 16), m[4]
            pending = None
            continue
        m = NAME_ONLY.match(line)
        if m:
            pending = m[1]
            continue
        m = ADDR_SIZE.match(line)
        if m and pending and m[3] and not m[3].startswith("0x"):
            yield out, pending, int(m[1], 16), int(m[2], 16), m[3]
        pending = None


def measure(path: str) -> dict[str, list[int]]:
    """{component: [flash, ram]} in bytes."""
    sizes: dict[str, list[int]] = {}
    by_output: dict[str, list] = {}
    for item in input_sections(path):
        by_output.setdefault(item[0], []).append(item)
    for out, items in by_output.items():
        if out not in FLASH_SECTIONS | RAM_SECTIONS:
            continue
        # Merged string sections (.rodata.*.str1.1) overlap the ones before
        # them: count each byte once, for the section that reaches it first.
        end, last = 0, None
        for _, name, addr, size, obj in sorted(items, key=lambda i: i[2]):
            size = max(0, addr + size - max(addr, end))
            end = max(end, addr + size)
            if out == ".stack":
                who = STACK
            elif name == "*fill*" or not obj:
                who = last
            elif name.startswith(".bss.arena") and "hb_tls.c" in obj:
                who = ARENA
            else:
                who = component(obj)
            if who is None or size == 0:
                continue
            if name != "*fill*":
                last = who
            row = sizes.setdefault(who, [0, 0])
            if out in FLASH_SECTIONS:
                row[0] += size
            if out in RAM_SECTIONS:
                row[1] += size
    return sizes


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    sizes = measure(sys.argv[1])
    order = [name for name, _ in COMPONENTS] + [ARENA, STACK]
    rows = [(name, *sizes[name]) for name in order if name in sizes]
    total = (sum(r[1] for r in rows), sum(r[2] for r in rows))
    print("| component | flash (bytes) | RAM (bytes) |")
    print("|---|---:|---:|")
    def n(v: int) -> str:
        return f"{v:,}".replace(",", " ")
    for name, flash, ram in rows:
        print(f"| {name} | {n(flash)} | {n(ram)} |")
    print(f"| **total** | **{n(total[0])}** | **{n(total[1])}** |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
