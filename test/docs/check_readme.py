#!/usr/bin/env python3
"""Every C sample of a Markdown file is real code.

  check_readme.py ROOT FILE.md CC [-I DIR | -isystem DIR | -D MACRO]...

A ```c block right after a line `<!-- quoted from PATH -->` must appear in
ROOT/PATH line for line (PATH is built by the project, so the quote is
compiled where it lives); any amount of extra indentation is allowed, the
same on every line. Every other ```c block is a translation unit of its own
and must compile with CC as C99 without a warning (-c, not linked; it may
declare functions that it does not define).
"""
import pathlib
import re
import subprocess
import sys
import tempfile

FLAGS = ["-std=c99", "-Wall", "-Wextra", "-Wpedantic", "-Wconversion", "-Wshadow", "-Werror"]


def blocks(text):
    """(line number, the line before, code) of every ```c block."""
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        if lines[i].strip() == "```c":
            start = i
            j = i + 1
            while j < len(lines) and lines[j].strip() != "```":
                j += 1
            before = next((lines[k] for k in range(start - 1, -1, -1) if lines[k].strip()), "")
            yield start + 1, before, lines[start + 1:j]
            i = j
        i += 1


def indent(line):
    return len(line) - len(line.lstrip(" "))


def quoted_in(code, source):
    """True if @p code appears in @p source as consecutive lines, all
    shifted right by the same number of spaces."""
    first = next(k for k, l in enumerate(code) if l.strip())
    for i, line in enumerate(source):
        if line.strip() != code[first].strip():
            continue
        shift = indent(line) - indent(code[first])
        if shift < 0 or i - first < 0 or i - first + len(code) > len(source):
            continue
        base = i - first
        if all((not c.strip() and not source[base + k].strip()) or
               source[base + k] == " " * shift + c for k, c in enumerate(code)):
            return True
    return False


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    root = pathlib.Path(sys.argv[1])
    doc = pathlib.Path(sys.argv[2])
    cc, extra = sys.argv[3], sys.argv[4:]
    problems, compiled, quoted = [], 0, 0
    for line, before, code in blocks(doc.read_text(encoding="utf-8")):
        m = re.match(r"\s*<!-- quoted from (\S+) -->", before)
        if m:
            source = (root / m.group(1)).read_text(encoding="utf-8").split("\n")
            if not quoted_in(code, source):
                problems.append(f"{doc.name}:{line}: the block is not in {m.group(1)} as quoted")
            quoted += 1
            continue
        with tempfile.TemporaryDirectory() as tmp:
            src = pathlib.Path(tmp) / f"sample_{line}.c"
            src.write_text("\n".join(code) + "\n")
            run = subprocess.run([cc, *FLAGS, *extra, "-c", str(src), "-o", str(src) + ".o"],
                                 capture_output=True, text=True)
        if run.returncode != 0:
            problems.append(f"{doc.name}:{line}: the sample does not compile:\n{run.stderr}")
        compiled += 1
    if problems:
        print("\n".join(problems))
        return 1
    print(f"OK: {doc.name}: {compiled} samples compile, {quoted} quotes match")
    return 0


if __name__ == "__main__":
    sys.exit(main())
