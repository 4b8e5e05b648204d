#!/usr/bin/env python3
"""Checks the ESP-IDF component's registration (recorded by the harness)
against its sources and its manifest.

  check_component.py manifest-requires ROOT/idf_component.yml public|private
      Prints the manifest's public or private dependencies as IDF component
      names (espressif/jsmn -> espressif__jsmn), ';'-separated, for the harness.
  check_component.py check --root ROOT --registration JSON --early TXT --variant full|ping-only
      - the requirements do not depend on the configuration (early
        expansion, which has no CONFIG_ values, saw the same ones);
      - the sources are the core modules of the variant plus the IDF ports;
      - every header the public headers include comes from the component
        itself, the C library, REQUIRES or a public manifest dependency, and
        every REQUIRES is needed by a public header (else it belongs in
        PRIV_REQUIRES); every header a source includes comes from a declared
        requirement, and every PRIV_REQUIRES is needed;
      - the manifest has the fields the registry needs, MIT, the version of
        project(), and requires jsmn publicly because hc_json.h includes it.
"""
import argparse
import json
import pathlib
import re
import sys

import yaml

STD_C = {"stddef.h", "stdint.h", "stdbool.h", "string.h", "stdio.h", "limits.h", "stdlib.h",
         "stdarg.h", "errno.h", "ctype.h", "time.h", "inttypes.h", "assert.h"}
# ESP-IDF's common requirements: every component gets them without asking.
COMMON = {"cxx", "newlib", "freertos", "esp_hw_support", "heap", "log", "soc", "hal",
          "esp_rom", "esp_common", "esp_system"}
# Which ESP-IDF component provides a header (by path prefix or name).
PROVIDERS = [
    ("lwip/", "lwip"), ("netif/", "lwip"),
    ("mbedtls/", "mbedtls"), ("psa/", "mbedtls"), ("esp_crt_bundle.h", "mbedtls"),
    ("esp_timer.h", "esp_timer"), ("esp_random.h", "esp_hw_support"),
    ("freertos/", "freertos"), ("esp_err.h", "esp_common"), ("esp_log.h", "log"),
    ("jsmn.h", "espressif__jsmn"), ("nvs.h", "nvs_flash"), ("nvs_flash.h", "nvs_flash"),
]
PING_MODULES = {"hc_error", "hc_lex", "hc_buf", "hc_url", "hc_http", "hc_client", "hc_ping", "hc_trap",
                "hc_outbox"}
IDF_PORT_SOURCES = {"port/lwip/src/hc_port_lwip_sockets.c", "port/mbedtls/hc_port_mbedtls.c",
                    "port/esp_idf/hc_port_esp_idf.c", "port/esp_idf/hc_esp_nvs.c"}


def glob_match(pattern, path):
    """The component manager's file patterns: ** spans directories, * and ?
    stay within one."""
    rx = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            rx, i = rx + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            rx, i = rx + ".*", i + 2
        elif pattern[i] == "*":
            rx, i = rx + "[^/]*", i + 1
        elif pattern[i] == "?":
            rx, i = rx + "[^/]", i + 1
        else:
            rx, i = rx + re.escape(pattern[i]), i + 1
    return re.fullmatch(rx, path) is not None


def idf_name(dep):
    return dep.replace("/", "__")


def manifest_deps(manifest):
    """{idf component name: 'public' | 'private'} of the manifest."""
    deps = {}
    for name, spec in (manifest.get("dependencies") or {}).items():
        if name == "idf":
            continue
        full = name if "/" in name else "espressif/" + name
        require = spec.get("require", "private") if isinstance(spec, dict) else "private"
        deps[idf_name(full)] = require
    return deps


def includes(path):
    for line in path.read_text(errors="replace").splitlines():
        m = re.match(r'\s*#\s*include\s*[<"]([^>"]+)[>"]', line)
        if m:
            yield m.group(1)


def provider(header, own_dirs, here):
    """None for the component's own headers and the C library, else the
    providing component's name; raises for a header nobody provides."""
    if header in STD_C or header == "sdkconfig.h":
        return None
    if (here / header).exists() or any((d / header).exists() for d in own_dirs):
        return None
    for prefix, component in PROVIDERS:
        if header == prefix or (prefix.endswith("/") and header.startswith(prefix)):
            return component
    raise LookupError(header)


def check(root, reg, early, variant):
    errors = []
    manifest = yaml.safe_load((root / "idf_component.yml").read_text())
    mdeps = manifest_deps(manifest)
    requires = set(reg["requires"])
    priv_requires = set(reg["priv_requires"])

    # Requirements cannot depend on Kconfig: IDF reads them before it has any.
    early_req = dict(line.split("=", 1) for line in early.read_text().splitlines() if "=" in line)
    if set(filter(None, early_req["REQUIRES"].split(";"))) != requires or \
       set(filter(None, early_req["PRIV_REQUIRES"].split(";"))) != priv_requires:
        errors.append(f"requirements differ between early expansion ({early_req}) and the "
                      f"build ({sorted(requires)}, {sorted(priv_requires)})")

    # Sources: the variant's core modules and the IDF ports, nothing else.
    srcs = {pathlib.Path(s).resolve().relative_to(root).as_posix() for s in reg["srcs"]}
    core = {p.relative_to(root).as_posix()
            for p in (root / "components/healthchecks/src").glob("*.c")}
    want = {s for s in core if variant == "full" or pathlib.Path(s).stem in PING_MODULES}
    want |= IDF_PORT_SOURCES
    for s in sorted(want - srcs):
        errors.append(f"not registered: {s}")
    for s in sorted(srcs - want):
        errors.append(f"registered but not expected in the {variant} build: {s}")

    # Headers: public ones may only need public requirements.
    own_dirs = [pathlib.Path(d) for d in reg["include_dirs"] + reg["priv_include_dirs"]]
    public_ok = requires | {c for c, r in mdeps.items() if r == "public"}
    private_ok = public_ok | priv_requires | set(mdeps) | COMMON
    needed_public, needed_private = set(), set()
    public_headers = [h for d in reg["include_dirs"] for h in pathlib.Path(d).rglob("*.h")]
    for header in public_headers:
        for inc in includes(header):
            try:
                comp = provider(inc, own_dirs, header.parent)
            except LookupError:
                errors.append(f"{header}: no component known to provide <{inc}>")
                continue
            if comp is None:
                continue
            needed_public.add(comp)
            if comp not in public_ok:
                errors.append(f"{header}: public header includes <{inc}> from {comp}, "
                              "which is not a public requirement")
    for src in reg["srcs"]:
        src = pathlib.Path(src)
        for inc in includes(src):
            try:
                comp = provider(inc, own_dirs, src.parent)
            except LookupError:
                errors.append(f"{src}: no component known to provide <{inc}>")
                continue
            if comp is None:
                continue
            needed_private.add(comp)
            if comp not in private_ok:
                errors.append(f"{src}: includes <{inc}> from {comp}, which is not required")
    for comp in sorted(requires - needed_public):
        errors.append(f"REQUIRES {comp}: no public header needs it (make it PRIV_REQUIRES)")
    for comp in sorted(priv_requires - needed_private - needed_public):
        errors.append(f"PRIV_REQUIRES {comp}: no source needs it")
    if "espressif__jsmn" in needed_public and mdeps.get("espressif__jsmn") != "public":
        errors.append("hc_json.h includes <jsmn.h>: espressif/jsmn needs require: public")

    # The manifest itself.
    for field in ("version", "description", "license", "url", "targets", "dependencies", "files"):
        if not manifest.get(field):
            errors.append(f"idf_component.yml: no {field}")
    if manifest.get("license") != "MIT":
        errors.append("idf_component.yml: license is not MIT")
    m = re.search(r"project\(healthchecks VERSION ([0-9.]+)", (root / "CMakeLists.txt").read_text())
    if not m or str(manifest.get("version")) != m.group(1):
        errors.append(f"idf_component.yml version {manifest.get('version')} differs from "
                      f"project() ({m.group(1) if m else 'none'})")
    idf = (manifest.get("dependencies") or {}).get("idf")
    if not idf:
        errors.append("idf_component.yml: no idf version dependency")
    excluded = (manifest.get("files") or {}).get("exclude") or []
    if not any(e.startswith("test/") for e in excluded):
        errors.append("idf_component.yml: the tests are not excluded from the archive")
    # What the root CMakeLists.txt includes must ship in the archive.
    for piece in re.findall(r"include\(\$\{CMAKE_CURRENT_LIST_DIR\}/([^)]+)\)",
                            (root / "CMakeLists.txt").read_text()):
        for pattern in excluded:
            if glob_match(pattern, piece):
                errors.append(f"idf_component.yml: excludes {piece} ({pattern}), which "
                              "CMakeLists.txt includes")
    return errors


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("manifest-requires")
    m.add_argument("manifest", type=pathlib.Path)
    m.add_argument("visibility", choices=["public", "private"])
    c = sub.add_parser("check")
    c.add_argument("--root", required=True, type=pathlib.Path)
    c.add_argument("--registration", required=True, type=pathlib.Path)
    c.add_argument("--early", required=True, type=pathlib.Path)
    c.add_argument("--variant", required=True, choices=["full", "ping-only"])
    args = ap.parse_args()
    if args.cmd == "manifest-requires":
        deps = manifest_deps(yaml.safe_load(args.manifest.read_text()))
        print(";".join(sorted(n for n, r in deps.items() if r == args.visibility)))
        return 0
    errors = check(args.root.resolve(), json.loads(args.registration.read_text()),
                   args.early, args.variant)
    for e in errors:
        print("FAIL:", e, file=sys.stderr)
    if not errors:
        print(f"OK: component registration ({args.variant})")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
