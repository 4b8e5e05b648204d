#!/usr/bin/env python3
"""Code-size tables of the library from cross-built archives, as markdown.

  size_table.py sizes OUT_DIR
      OUT_DIR holds the builds of scripts/size-table.sh: <target>-<Os|O2>/
      for each target, and optionally esp-idf-m4/ (the ESP-IDF harness build,
      for the ports). Prints three tables:
        1. per module, per target, -Os and -O2: .text (+ .rodata);
        2. a heartbeat firmware's real cost: test/packaging/footprint_heartbeat.c
           linked with --gc-sections, library sections only;
        3. the ports, Cortex-M4F -Os.
  size_table.py text ARCHIVE PREFIX [MODULE...]
      Prints the .text bytes (code only) of the archive's objects, or of the
      named modules' objects, summed: for scripts/check-footprint.sh.

.text counts code; .rodata (string tables, lookup tables) is shown apart
because the footprint budgets count .text. .data and .bss are always 0 (see
check-archive.sh).
"""
import pathlib
import re
import subprocess
import sys

TARGETS = [("arm-cortex-m0plus", "Cortex-M0+", "arm-none-eabi-"),
           ("arm-cortex-m4", "Cortex-M4F", "arm-none-eabi-"),
           ("riscv32-rv32imc", "RV32IMC", "riscv64-unknown-elf-")]
OPTS = ["Os", "O2"]
PING = ["hc_error", "hc_lex", "hc_buf", "hc_url", "hc_http", "hc_client", "hc_ping", "hc_trap"]
OUTBOX = ["hc_outbox"]
MANAGEMENT = ["hc_jchar", "hc_jscan", "hc_jstream", "hc_json", "hc_jsmn", "hc_jwrite", "hc_objects", "hc_api"]
ROLE = {
    "hc_error": "error texts", "hc_lex": "character rules", "hc_buf": "bounded buffer writer", "hc_url": "URL parser",
    "hc_http": "HTTP/1.1 engine", "hc_client": "client drivers", "hc_ping": "Pinging API",
    "hc_trap": "run wrapper", "hc_jchar": "JSON byte classes", "hc_jscan": "JSON grammar check", "hc_jstream": "JSON list splitter",
    "hc_json": "JSON values", "hc_jsmn": "jsmn's tokenizer", "hc_jwrite": "JSON writer", "hc_objects": "API objects",
    "hc_api": "Management API", "hc_outbox": "outbox: kept signals, images",
}
ROOT = pathlib.Path(__file__).resolve().parent.parent


def sections(archive, prefix):
    """module -> {'text': n, 'rodata': n, 'data': n, 'bss': n}."""
    out = subprocess.run([prefix + "size", "-A", "-d", str(archive)], check=True,
                         capture_output=True, text=True).stdout
    sizes, module = {}, None
    for line in out.splitlines():
        m = re.match(r"(\S+?)\.c\.(?:obj|o)\s+\(ex ", line)
        if m:
            module = m.group(1)
            sizes[module] = {"text": 0, "rodata": 0, "data": 0, "bss": 0}
            continue
        m = re.match(r"\.(text|rodata|srodata|data|sdata|bss|sbss)\S*\s+(\d+)", line)
        if m and module:
            kind = {"srodata": "rodata", "sdata": "data", "sbss": "bss"}.get(m.group(1), m.group(1))
            sizes[module][kind] += int(m.group(2))
    return sizes


def compiler(build):
    """The build's C compiler and its target flags (from the toolchain file)."""
    flags = re.search(r"^CMAKE_C_FLAGS:\w+=(.*)$", (build / "CMakeCache.txt").read_text(), re.M)
    cc = None
    for f in build.glob("CMakeFiles/*/CMakeCCompiler.cmake"):
        m = re.search(r'^set\(CMAKE_C_COMPILER "([^"]+)"\)', f.read_text(), re.M)
        cc = m.group(1) if m else cc
    if not cc or not flags:
        raise RuntimeError(f"{build}: no C compiler recorded; is it a CMake build directory?")
    return cc, flags.group(1).split()


def linked_heartbeat(build, opt):
    """.text/.rodata the library adds to a linked heartbeat (gc-sections)."""
    cc, flags = compiler(build)
    app = ROOT / "test/packaging/footprint_heartbeat.c"
    obj, elf, map_file = build / "heartbeat.o", build / "heartbeat.elf", build / "heartbeat.map"
    include = ROOT / "components/healthchecks/include"
    subprocess.run([cc, *flags, f"-{opt}", "-std=c99", f"-I{include}", "-c", str(app),
                    "-o", str(obj)], check=True)
    subprocess.run([cc, *flags, "-nostdlib", "-nostartfiles", "-Wl,--gc-sections",
                    "-Wl,-e,hc_footprint_entry", "-Wl,--unresolved-symbols=ignore-all",
                    f"-Wl,-Map,{map_file}", str(obj), str(build / "libhealthchecks.a"),
                    "-o", str(elf)], check=True)
    text = rodata = 0
    in_map, pending = False, None
    for line in map_file.read_text().splitlines():
        if line.startswith("Linker script and memory map"):
            in_map = True
            continue
        if not in_map:
            continue
        m = re.match(r"^ (\.[\w.]+)\s*$", line)
        if m:
            pending = m.group(1)
            continue
        m = re.match(r"^ (\.[\w.]+)?\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+(\S+)$", line)
        if m and "libhealthchecks.a(" in m.group(3):
            name = m.group(1) or pending
            size = int(m.group(2), 16)
            if name and re.match(r"\.s?rodata", name):
                rodata += size
            elif name and name.startswith(".text"):
                text += size
        pending = None
    return text, rodata


def cell(size):
    return f"{size['text']:,} (+{size['rodata']:,})".replace(",", " ")


def add(sizes, modules):
    total = {"text": 0, "rodata": 0}
    for mod in modules:
        for k in total:
            total[k] += sizes.get(mod, {}).get(k, 0)
    return total


def tables(out):
    builds = {(t, o): out / f"{t}-{o}" for t, _, _ in TARGETS for o in OPTS}
    sizes = {(t, o): sections(b / "libhealthchecks.a", p)
             for (t, o), b in builds.items() for tt, _, p in TARGETS if tt == t}
    cols = [(t, o) for t, _, _ in TARGETS for o in OPTS]
    label = {t: name for t, name, _ in TARGETS}

    print("#### Code size per module: .text bytes (+ .rodata)\n")
    print("| module | " + " | ".join(f"{label[t]} -{o}" for t, o in cols) + " |")
    print("|---|" + "---:|" * len(cols))
    for mod in PING + OUTBOX + MANAGEMENT:
        print(f"| {mod} ({ROLE[mod]}) | " + " | ".join(cell(sizes[c][mod]) for c in cols) + " |")
    print("| **ping-only library** (HC_WITH_MANAGEMENT=OFF HC_WITH_OUTBOX=OFF) | "
          + " | ".join(f"**{cell(add(sizes[c], PING))}**" for c in cols) + " |")
    print("| **ping-only with the outbox** (HC_WITH_MANAGEMENT=OFF) | "
          + " | ".join(f"**{cell(add(sizes[c], PING + OUTBOX))}**" for c in cols) + " |")
    print("| **full client** | "
          + " | ".join(f"**{cell(add(sizes[c], PING + OUTBOX + MANAGEMENT))}**" for c in cols)
          + " |")
    print("\nArchive sums: every function of each object, before the linker drops what a "
          "program does not call. .data and .bss are 0 everywhere.\n")

    print("#### A heartbeat firmware: what the library adds after linking\n")
    print("`test/packaging/footprint_heartbeat.c` (defaults, one client, one blocking "
          "`hc_ping_send`) linked with `--gc-sections`; library sections only, "
          "the transport and the C library not counted.\n")
    print("| target | -Os | -O2 |")
    print("|---|---:|---:|")
    for t, name, _ in TARGETS:
        cells = []
        for o in OPTS:
            text, rodata = linked_heartbeat(builds[(t, o)], o)
            cells.append(cell({"text": text, "rodata": rodata}))
        print(f"| {name} | " + " | ".join(cells) + " |")

    harness = out / "esp-idf-m4/build/healthchecks/lib__idf_healthchecks.a"
    print("\n#### Ports, Cortex-M4F -Os: .text bytes (+ .rodata)\n")
    print("| port | size | built against |")
    print("|---|---:|---|")
    mock = sections(builds[("arm-cortex-m4", "Os")] / "port/mock/libhc_port_mock.a", "arm-none-eabi-")
    print(f"| mock (host tests) | {cell(mock['hc_port_mock'])} | - |")
    if harness.exists():
        ports = sections(harness, "arm-none-eabi-")
        notes = {"hc_port_lwip_sockets": "lwIP 2.1 headers, an ESP-IDF-like lwipopts.h",
                 "hc_port_mbedtls": "mbedTLS 2.28 headers (ESP-IDF has 3.x)",
                 "hc_port_esp_idf": "ESP-IDF stand-in headers",
                 "hc_esp_nvs": "ESP-IDF stand-in headers"}
        for mod, note in notes.items():
            name = mod[len("hc_port_"):] if mod.startswith("hc_port_") else "esp_idf NVS blobs"
            print(f"| {name} | {cell(ports[mod])} | {note} |")
    print("\nPort sizes depend on the stack's configuration: indicative only.")


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "sizes":
        tables(pathlib.Path(sys.argv[2]))
        return 0
    if len(sys.argv) >= 4 and sys.argv[1] == "text":
        sizes = sections(pathlib.Path(sys.argv[2]), sys.argv[3])
        modules = sys.argv[4:] or list(sizes)
        missing = [m for m in modules if m not in sizes]
        if missing:
            print(f"size_table.py: not in the archive: {missing}", file=sys.stderr)
            return 2
        print(add(sizes, modules)["text"])
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
