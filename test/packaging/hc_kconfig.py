#!/usr/bin/env python3
"""Kconfig checks and sdkconfig generation for the ESP-IDF packaging tests.

  hc_kconfig.py check --root ROOT
      Every CONFIG_ symbol the component and the ESP-IDF example use (code,
      CMake, sdkconfig.defaults) is defined in a Kconfig or is a known
      ESP-IDF symbol; every symbol of the Kconfigs is used; defaults are sane:
      inside their range, equal to hc_config.h for the compile-time limits
      and to hc_config_defaults() for the runtime settings.
  hc_kconfig.py gen --kconfig FILE... --out DIR [--defaults sdkconfig.defaults]
                    [--set SYM=VAL]... [--external SYM=VAL]...
      Evaluates Kconfig files like ESP-IDF does (defaults, then an
      sdkconfig.defaults file, then --set; depends on) and writes
      DIR/sdkconfig.h and DIR/sdkconfig.cmake in IDF's formats. Symbols the
      files do not define (ESP-IDF's own) come from --external, or from the
      defaults file.
  hc_kconfig.py selftest --root ROOT
      Proves that check fails on broken copies of the tree.

Reads the subset of Kconfig the project uses: menu/endmenu (with depends on),
config, bool/int/string with a prompt, default, range, depends on (SYM, !SYM,
&&, ||, parentheses), comment, help. Anything else is an error, so a construct
this reader does not know cannot pass unnoticed.
"""
import argparse
import pathlib
import re
import shutil
import sys
import tempfile

# CONFIG_ symbols of ESP-IDF itself (or of its registry components) that the
# component or the example may use, with the Kconfig that defines them.
EXTERNAL_SYMBOLS = {
    "MBEDTLS_CERTIFICATE_BUNDLE": "esp-idf components/mbedtls/Kconfig",
    "MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_CMN": "esp-idf components/mbedtls/Kconfig",
    "JSMN_PARENT_LINKS": "espressif/jsmn Kconfig",
}

# Runtime settings: Kconfig symbol -> (hc_config_t field, value when
# hc_config_defaults() leaves the field zeroed).
RUNTIME_FIELDS = {
    "HC_PING_URL": ("ping_url", ""),
    "HC_API_URL": ("api_url", ""),
    "HC_USER_AGENT": ("user_agent", ""),
    "HC_CONNECT_TIMEOUT_MS": ("connect_timeout_ms", 0),
    "HC_IO_TIMEOUT_MS": ("io_timeout_ms", 0),
    "HC_REQUEST_TIMEOUT_MS": ("request_timeout_ms", 0),
    "HC_DEADLINE_MS": ("deadline_ms", 0),
    "HC_MAX_ATTEMPTS": ("max_attempts", 0),
    "HC_BACKOFF_MS": ("backoff_ms", 0),
    "HC_BACKOFF_MAX_MS": ("backoff_max_ms", 0),
    "HC_KEEP_ALIVE": ("keep_alive", False),
    "HC_API_VERSION": ("api_version", 0),
}

COMPONENT_KCONFIG = "Kconfig"
EXAMPLE_DIR = "examples/esp_idf_heartbeat"
EXAMPLE_KCONFIG = EXAMPLE_DIR + "/main/Kconfig.projbuild"
CONFIG_H = "components/healthchecks/include/healthchecks/hc_config.h"
CLIENT_C = "components/healthchecks/src/hc_client.c"
# What the ESP-IDF component compiles, and its CMake.
IDF_CMAKE = "cmake/hc_esp_idf_component.cmake"
COMPONENT_CODE = ["CMakeLists.txt", IDF_CMAKE, "components/healthchecks", "port/esp_idf",
                  "port/lwip", "port/mbedtls"]
CODE_SUFFIXES = {".c", ".h", ".txt", ".cmake"}


class KconfigError(Exception):
    pass


class Symbol:
    def __init__(self, name, where):
        self.name = name
        self.where = where
        self.type = None
        self.prompt = None
        self.default = None
        self.range = None
        self.depends = []  # expressions, all must hold (menus' included)


def _unquote(text, where):
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise KconfigError(f"{where}: expected a quoted string, got {text!r}")
    return re.sub(r'\\(.)', r'\1', text[1:-1])


def parse_kconfig(path):
    """Symbols of a Kconfig file, in order."""
    symbols = {}
    menu_depends = []   # one list per open menu
    current = None
    help_indent = None
    lines = pathlib.Path(path).read_text().splitlines()
    for n, raw in enumerate(lines, 1):
        where = f"{path}:{n}"
        indent = len(raw) - len(raw.lstrip())
        line = raw.strip()
        if help_indent is not None:
            if not line or indent > help_indent:
                continue
            help_indent = None
        if not line or line.startswith("#"):
            continue
        word, _, rest = line.partition(" ")
        rest = rest.strip()
        if word == "menu":
            _unquote(rest, where)
            menu_depends.append([])
            current = None
        elif word == "endmenu":
            if not menu_depends:
                raise KconfigError(f"{where}: endmenu without menu")
            menu_depends.pop()
            current = None
        elif word == "config":
            if not re.fullmatch(r"[A-Z0-9_]+", rest):
                raise KconfigError(f"{where}: bad symbol name {rest!r}")
            if rest in symbols:
                raise KconfigError(f"{where}: {rest} defined twice")
            current = Symbol(rest, where)
            current.depends = [d for deps in menu_depends for d in deps]
            symbols[rest] = current
        elif word == "comment":
            _unquote(rest, where)
            current = None
        elif word in ("bool", "int", "string"):
            if current is None or current.type is not None:
                raise KconfigError(f"{where}: type outside a config or given twice")
            current.type = word
            current.prompt = _unquote(rest, where) if rest else None
        elif word == "default":
            if current is None:
                raise KconfigError(f"{where}: default outside a config")
            if " if " in rest:
                raise KconfigError(f"{where}: conditional defaults are not supported here")
            current.default = rest
        elif word == "range":
            parts = rest.split()
            if current is None or len(parts) != 2:
                raise KconfigError(f"{where}: range needs two numbers inside a config")
            current.range = (int(parts[0], 0), int(parts[1], 0))
        elif word == "depends":
            expr = rest[3:].strip() if rest.startswith("on ") else None
            if not expr:
                raise KconfigError(f"{where}: expected 'depends on EXPR'")
            if current is not None:
                current.depends.append(expr)
            elif menu_depends:
                menu_depends[-1].append(expr)
            else:
                raise KconfigError(f"{where}: depends on outside a menu or config")
        elif word == "help":
            help_indent = indent
        else:
            raise KconfigError(f"{where}: unsupported Kconfig keyword {word!r}")
    if menu_depends:
        raise KconfigError(f"{path}: menu without endmenu")
    for s in symbols.values():
        if s.type is None:
            raise KconfigError(f"{s.where}: {s.name} has no type")
    return symbols


def eval_expr(expr, value_of):
    """Evaluates SYM, !SYM, &&, || and parentheses; value_of(SYM) -> bool."""
    tokens = re.findall(r"&&|\|\||!|\(|\)|[A-Za-z0-9_]+|\S", expr)
    pos = 0

    def peek():
        return tokens[pos] if pos < len(tokens) else None

    def take():
        nonlocal pos
        pos += 1
        return tokens[pos - 1]

    def primary():
        tok = take()
        if tok == "!":
            return not primary()
        if tok == "(":
            v = disjunction()
            if take() != ")":
                raise KconfigError(f"unbalanced parentheses in {expr!r}")
            return v
        if not re.fullmatch(r"[A-Z0-9_]+", tok or ""):
            raise KconfigError(f"unexpected {tok!r} in {expr!r}")
        return value_of(tok)

    def conjunction():
        v = primary()
        while peek() == "&&":
            take()
            v = primary() and v
        return v

    def disjunction():
        v = conjunction()
        while peek() == "||":
            take()
            v = conjunction() or v
        return v

    result = disjunction()
    if pos != len(tokens):
        raise KconfigError(f"trailing {tokens[pos]!r} in {expr!r}")
    return result


def typed_value(sym, text):
    if sym.type == "bool":
        if text not in ("y", "n"):
            raise KconfigError(f"{sym.where}: {sym.name}: bool value must be y or n, not {text!r}")
        return text == "y"
    if sym.type == "int":
        return int(text, 0)
    return _unquote(text, sym.where)


def evaluate(symbols, overrides, externals):
    """Values of the symbols whose dependencies hold, like IDF's sdkconfig."""
    values = {}

    def value_of(name):
        if name in values:
            return bool(values[name])
        if name in symbols:
            return False   # defined later or inactive
        return externals.get(name, "n") == "y"

    for sym in symbols.values():  # Kconfig order: a dependency comes first
        if not all(eval_expr(d, value_of) for d in sym.depends):
            continue
        text = overrides.get(sym.name, sym.default)
        if text is None:
            raise KconfigError(f"{sym.where}: {sym.name} has no default")
        if sym.type == "string" and sym.name in overrides:
            text = '"' + text + '"'
        value = typed_value(sym, text)
        if sym.range and not sym.range[0] <= value <= sym.range[1]:
            raise KconfigError(f"{sym.name}={value} is outside its range {sym.range}")
        values[sym.name] = value
    return values


def read_defaults(path):
    """SYM -> value text of an sdkconfig.defaults file (strings unquoted)."""
    values = {}
    for line in pathlib.Path(path).read_text().splitlines():
        m = re.match(r"# CONFIG_([A-Z0-9_]+) is not set$", line.strip())
        if m:
            values[m.group(1)] = "n"
            continue
        m = re.match(r"CONFIG_([A-Z0-9_]+)=(.*)$", line.strip())
        if m:
            text = m.group(2)
            values[m.group(1)] = _unquote(text, str(path)) if text.startswith('"') else text
    return values


def write_sdkconfig(values, externals, out):
    out.mkdir(parents=True, exist_ok=True)
    header = ["/* Generated by hc_kconfig.py for the ESP-IDF harness. */", "#pragma once"]
    cmake = ["# Generated by hc_kconfig.py for the ESP-IDF harness."]
    merged = dict(values)
    for name, text in externals.items():
        merged[name] = text == "y" if text in ("y", "n") else text
    for name, v in merged.items():
        if isinstance(v, bool):
            if v:
                header.append(f"#define CONFIG_{name} 1")
            cmake.append(f'set(CONFIG_{name} "{"y" if v else ""}")')
        elif isinstance(v, int):
            header.append(f"#define CONFIG_{name} {v}")
            cmake.append(f"set(CONFIG_{name} {v})")
        else:
            quoted = '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
            header.append(f"#define CONFIG_{name} {quoted}")
            cmake.append(f"set(CONFIG_{name} {quoted})")
    (out / "sdkconfig.h").write_text("\n".join(header) + "\n")
    (out / "sdkconfig.cmake").write_text("\n".join(cmake) + "\n")


# ------------------------------------------------------------------ check

def code_files(root, entries):
    for entry in entries:
        path = root / entry
        if path.is_file():
            yield path
        elif path.is_dir():
            for f in sorted(path.rglob("*")):
                if f.is_file() and (f.suffix in CODE_SUFFIXES or f.name == "CMakeLists.txt"):
                    yield f


def config_uses(files):
    """CONFIG_ symbols named in the files -> where first seen."""
    uses = {}
    for f in files:
        for n, line in enumerate(f.read_text(errors="replace").splitlines(), 1):
            for name in re.findall(r"\bCONFIG_([A-Z0-9_]*[A-Z0-9])\b", line):
                uses.setdefault(name, f"{f}:{n}")
    return uses


def config_h_limits(root):
    text = (root / CONFIG_H).read_text()
    return {m.group(1): int(m.group(2))
            for m in re.finditer(r"^#define (HC_[A-Z0-9_]+) (\d+)\s*$", text, re.M)}


def client_defaults(root):
    text = (root / CLIENT_C).read_text()
    m = re.search(r"void hc_config_defaults\(hc_config_t \*cfg\)\s*\{(.*?)\n\}", text, re.S)
    if not m:
        raise KconfigError(f"{CLIENT_C}: hc_config_defaults() not found")
    fields = {}
    for field, value in re.findall(r"cfg->(\w+) = (.+?);", m.group(1)):
        value = value.strip()
        if value.startswith('"'):
            fields[field] = value[1:-1]
        elif value in ("true", "false"):
            fields[field] = value == "true"
        else:
            fields[field] = int(value.rstrip("uU"), 0)
    return fields


def check(root):
    errors = []
    comp = parse_kconfig(root / COMPONENT_KCONFIG)
    example_kconfig = root / EXAMPLE_KCONFIG
    example = parse_kconfig(example_kconfig) if example_kconfig.exists() else {}
    both = set(comp) & set(example)
    if both:
        errors.append(f"defined in both Kconfigs: {sorted(both)}")

    comp_uses = config_uses(code_files(root, COMPONENT_CODE))
    example_files = list(code_files(root, [EXAMPLE_DIR]))
    defaults_files = sorted((root / EXAMPLE_DIR).glob("sdkconfig.defaults*"))
    example_uses = config_uses(example_files + defaults_files)

    # 1. Every symbol used is defined.
    known = set(comp) | set(example) | set(EXTERNAL_SYMBOLS)
    for name, where in sorted({**comp_uses, **example_uses}.items()):
        if name not in known:
            errors.append(f"{where}: CONFIG_{name} is defined in no Kconfig")

    for sym in list(comp.values()) + list(example.values()):
        for expr in sym.depends:
            for name in re.findall(r"[A-Z0-9_]+", expr):
                if name not in known:
                    errors.append(f"{sym.where}: {sym.name} depends on unknown {name}")

    # 2. Every symbol defined is used. A compile-time limit is used through
    # the bridge in the component's registration (HC_<X> from CONFIG_HC_<X>).
    limits = config_h_limits(root)
    bridge = "CONFIG_${macro}" in (root / IDF_CMAKE).read_text()
    code_only = config_uses(f for f in code_files(root, COMPONENT_CODE + [EXAMPLE_DIR]))
    for name, sym in comp.items():
        if name in code_only or (bridge and name in limits):
            continue
        errors.append(f"{sym.where}: {name} is used nowhere")
    for name, sym in example.items():
        if name not in config_uses(example_files):
            errors.append(f"{sym.where}: {name} is used nowhere in the example")

    # 3. Sane defaults.
    for sym in list(comp.values()) + list(example.values()):
        if not sym.prompt:
            errors.append(f"{sym.where}: {sym.name} has no prompt")
        if sym.default is None:
            errors.append(f"{sym.where}: {sym.name} has no default")
            continue
        try:
            value = typed_value(sym, sym.default)
        except (KconfigError, ValueError) as e:
            errors.append(str(e))
            continue
        if sym.type == "int":
            if sym.range is None:
                errors.append(f"{sym.where}: int {sym.name} has no range")
            elif not sym.range[0] <= value <= sym.range[1]:
                errors.append(f"{sym.where}: {sym.name} default {value} outside range {sym.range}")
        elif sym.range is not None:
            errors.append(f"{sym.where}: {sym.type} {sym.name} has a range")
        if sym.name.endswith("_URL") and not re.match(r"https?://", value):
            errors.append(f"{sym.where}: {sym.name} default {value!r} is not an http(s) URL")
    for macro, value in limits.items():
        sym = comp.get(macro)
        if sym is None:
            errors.append(f"{CONFIG_H}: {macro} has no Kconfig symbol")
        elif sym.type != "int" or sym.default is None or int(sym.default, 0) != value:
            errors.append(f"{sym.where}: {macro} default {sym.default} differs from hc_config.h ({value})")
    defaults = client_defaults(root)
    for name, (field, zero) in RUNTIME_FIELDS.items():
        sym = comp.get(name)
        if sym is None:
            errors.append(f"{COMPONENT_KCONFIG}: no symbol {name} for hc_config_t.{field}")
            continue
        expected = defaults.get(field, zero)
        if typed_value(sym, sym.default) != expected:
            errors.append(f"{sym.where}: {name} default {sym.default} differs from "
                          f"hc_config_defaults() ({expected!r})")
    runtime_like = {n for n in comp if n not in limits and n not in RUNTIME_FIELDS}
    expected_others = {"HC_WITH_MANAGEMENT", "HC_WITH_OUTBOX", "HC_TLS_CA_BUNDLE",
                       "HC_TLS_INSECURE_SKIP_VERIFY"}
    for name in sorted(runtime_like - expected_others):
        errors.append(f"{comp[name].where}: {name} is neither a limit of hc_config.h nor a "
                      "known runtime or build setting (add it to hc_kconfig.py)")
    insecure = comp.get("HC_TLS_INSECURE_SKIP_VERIFY")
    if insecure is not None and insecure.default != "n":
        errors.append(f"{insecure.where}: TLS verification must be on by default")
    return errors


# --------------------------------------------------------------- selftest

def selftest(root):
    """check() must fail on each broken copy, and pass on the real tree."""
    failures = []
    if check(root):
        failures.append("the real tree does not pass")

    def broken(name, mutate):
        with tempfile.TemporaryDirectory() as tmp:
            copy = pathlib.Path(tmp)
            for entry in COMPONENT_CODE + [COMPONENT_KCONFIG, EXAMPLE_DIR]:
                src = root / entry
                if src.is_dir():
                    shutil.copytree(src, copy / entry)
                elif src.exists():
                    (copy / entry).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy(src, copy / entry)
            mutate(copy)
            try:
                problems = check(copy)
            except KconfigError as e:
                problems = [str(e)]
            if not problems:
                failures.append(f"check passed a tree with {name}")

    def edit(path, old, new):
        def mutate(copy):
            text = (copy / path).read_text()
            if old not in text:
                raise KconfigError(f"selftest: {old!r} not in {path}")
            (copy / path).write_text(text.replace(old, new, 1))
        return mutate

    broken("an unused symbol", edit(COMPONENT_KCONFIG, "endmenu\n\nendmenu",
                                     "endmenu\n    config HC_UNUSED_THING\n        bool \"x\"\n"
                                     "        default n\n\nendmenu"))
    broken("an undefined symbol in code",
           edit("port/esp_idf/hc_port_esp_idf.c", "CONFIG_HC_PING_URL", "CONFIG_HC_PING_URI"))
    broken("a limit whose default differs from hc_config.h",
           edit(COMPONENT_KCONFIG, "default 8192", "default 4096"))
    broken("a runtime default differing from hc_config_defaults()",
           edit(COMPONENT_KCONFIG, "default 30000", "default 60000"))
    broken("a default outside its range", edit(COMPONENT_KCONFIG, "range 16 256", "range 100 256"))
    broken("an unknown Kconfig keyword", edit(COMPONENT_KCONFIG, "config HC_KEEP_ALIVE",
                                             "menuconfig HC_KEEP_ALIVE"))
    if (root / EXAMPLE_DIR / "sdkconfig.defaults").exists():
        broken("a misspelt symbol in sdkconfig.defaults",
               lambda copy: (copy / EXAMPLE_DIR / "sdkconfig.defaults").open("a").write(
                   "CONFIG_HC_DEADLINE_SECONDS=5\n"))
    return failures


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("check", "selftest"):
        sub.add_parser(name).add_argument("--root", required=True, type=pathlib.Path)
    g = sub.add_parser("gen")
    g.add_argument("--kconfig", required=True, type=pathlib.Path, action="append")
    g.add_argument("--defaults", type=pathlib.Path)
    g.add_argument("--out", required=True, type=pathlib.Path)
    g.add_argument("--set", action="append", default=[], metavar="SYM=VAL")
    g.add_argument("--external", action="append", default=[], metavar="SYM=VAL")
    args = ap.parse_args()
    try:
        if args.cmd == "gen":
            symbols = {}
            for path in args.kconfig:
                symbols.update(parse_kconfig(path))
            overrides, externals = {}, {}
            if args.defaults:
                for name, text in read_defaults(args.defaults).items():
                    (overrides if name in symbols else externals)[name] = text
            overrides.update(kv.split("=", 1) for kv in args.set)
            unknown = set(overrides) - set(symbols)
            if unknown:
                raise KconfigError(f"--set of unknown symbols {sorted(unknown)}")
            externals.update(kv.split("=", 1) for kv in args.external)
            write_sdkconfig(evaluate(symbols, overrides, externals), externals, args.out)
            return 0
        problems = check(args.root) if args.cmd == "check" else selftest(args.root)
    except KconfigError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    for p in problems:
        print(("FAIL: " if args.cmd == "check" else "SELFTEST FAIL: ") + p, file=sys.stderr)
    if not problems:
        print(f"OK: {args.cmd}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
