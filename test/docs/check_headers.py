#!/usr/bin/env python3
"""Every public header (the library's and the ports') is usable from C++
and says what it is.

  check_headers.py ROOT [CXX]

Each header under ROOT/components/healthchecks/include/healthchecks and
ROOT/port/*/include must have a Doxygen @file block and wrap its
declarations in `extern "C"` (guarded by __cplusplus). With a C++ compiler
CXX, the umbrella header and the ports that need no third-party headers
(posix, mock) must also compile as C++.
"""
import pathlib
import re
import subprocess
import sys
import tempfile

GUARD = re.compile(r'#ifdef __cplusplus\s*\nextern "C" \{\s*\n#endif')
CLOSE = re.compile(r"#ifdef __cplusplus\s*\n\}\s*\n#endif")


def public_headers(root):
    yield from sorted((root / "components/healthchecks/include/healthchecks").glob("*.h"))
    yield from sorted(root.glob("port/*/include/*.h"))


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    root = pathlib.Path(sys.argv[1]).resolve()
    problems = []
    headers = list(public_headers(root))
    for h in headers:
        text = h.read_text(encoding="utf-8")
        name = h.relative_to(root)
        if not re.search(r"@file\s+" + re.escape(h.name) + r"\b", text):
            problems.append(f"{name}: no @file block")
        if not GUARD.search(text) or not CLOSE.search(text):
            problems.append(f'{name}: no extern "C" guard')
    if len(sys.argv) == 3:
        cxx = sys.argv[2]
        source = ('#include "healthchecks/healthchecks.h"\n'
                  '#include "hc_port_posix.h"\n#include "hc_port_mock.h"\n'
                  'int main() { return hc_strerror(HC_OK) ? 0 : 1; }\n')
        with tempfile.TemporaryDirectory() as tmp:
            src = pathlib.Path(tmp) / "all.cpp"
            src.write_text(source)
            cmd = [cxx, "-std=c++11", "-Wall", "-Wextra", "-Werror", "-fsyntax-only",
                   "-I", str(root / "components/healthchecks/include"),
                   "-I", str(root / "port/posix/include"), "-I", str(root / "port/mock/include"),
                   str(src)]
            run = subprocess.run(cmd, capture_output=True, text=True)
            if run.returncode != 0:
                problems.append("the headers do not compile as C++:\n" + run.stderr)
    if problems:
        print("\n".join(problems))
        return 1
    print(f'OK: {len(headers)} public headers, each with @file and extern "C"')
    return 0


if __name__ == "__main__":
    sys.exit(main())
