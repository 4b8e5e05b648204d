#!/usr/bin/env python3
"""Worst-case stack of every public function of the library, from GCC's
call-graph files (-fcallgraph-info=su: one .ci file per object, each node
with its frame size, each edge a call).

  stack_usage.py [--title T] [--limit BYTES] CI_FILE...

worst(f) = frame(f) + the largest worst(callee). What the call graph cannot
bound is flagged, never hidden:
  callback  a call through a function pointer: a transport's connect/send/
            recv/..., or the caller's body sink or element callback. Add the
            deepest of those (the port's own figure) to the number shown.
  libc      calls into the C library or the compiler's runtime (memcpy,
            strlen, __aeabi_uldivmod, ...): small leaf functions, not counted.
  dynamic   a frame whose size depends on the arguments (none expected).
  recursion a cycle in the call graph: no bound at all.
Prints a markdown table; with --limit, exits 1 when a worst case exceeds it.
"""
import argparse
import pathlib
import re
import sys

NODE = re.compile(r'node: \{ title: "([^"]+)" label: "([^"]*)"(.*)\}')
EDGE = re.compile(r'edge: \{ sourcename: "([^"]+)" targetname: "([^"]+)"')
FRAME = re.compile(r'\\n(\d+) bytes \(([a-z,]+)\)')


def load(files):
    frames, kinds, calls, names, where = {}, {}, {}, {}, {}
    for path in files:
        for line in pathlib.Path(path).read_text().splitlines():
            m = NODE.match(line)
            if m:
                title, label, rest = m.groups()
                f = FRAME.search(label)
                if f and "ellipse" not in rest:
                    frames[title] = int(f.group(1))
                    kinds[title] = f.group(2)
                    names[title] = label.split("\\n")[0]
                    where[title] = pathlib.Path(path).name.split(".")[0]
                    calls.setdefault(title, set())
                continue
            m = EDGE.match(line)
            if m:
                calls.setdefault(m.group(1), set()).add(m.group(2))
    return frames, kinds, calls, names, where


def analyse(frames, kinds, calls):
    """title -> (worst bytes, path of titles, flags)."""
    memo = {}

    def worst(title, stack):
        if title in memo:
            return memo[title]
        if title in stack:
            return 0, [title], {"recursion"}
        if title not in frames:
            flag = "callback" if title == "__indirect_call" else "libc"
            return 0, [], {flag}
        flags = {"dynamic"} if "dynamic" in kinds[title] else set()
        best, best_path = 0, []
        for callee in sorted(calls.get(title, ())):
            w, path, f = worst(callee, stack | {title})
            flags |= f
            if w > best:
                best, best_path = w, path
        result = (frames[title] + best, [title] + best_path, flags)
        if "recursion" not in flags:
            memo[title] = result
        return result

    return {t: worst(t, frozenset()) for t in frames}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--title", default="")
    ap.add_argument("--limit", type=int)
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    frames, kinds, calls, names, where = load(args.files)
    results = analyse(frames, kinds, calls)
    # Public: defined with external linkage, i.e. titled by the bare name.
    public = sorted((t for t in frames if ":" not in t and t.startswith("hc_")),
                    key=lambda t: (where[t], t))
    if args.title:
        print(f"### Stack, {args.title}\n")
    print("| module | function | own frame | worst case | deepest path | also |")
    print("|---|---|---:|---:|---|---|")
    over = []
    for t in public:
        total, path, flags = results[t]
        shown = " → ".join(names[p] for p in path[1:4]) + (" …" if len(path) > 4 else "")
        print(f"| {where[t]} | `{names[t]}` | {frames[t]} | {total} | {shown} | "
              f"{', '.join(sorted(flags - {'libc'}))} |")
        if args.limit is not None and (total > args.limit or "recursion" in flags
                                       or "dynamic" in flags):
            over.append(f"{names[t]}: {total} bytes {sorted(flags)}")
    top = max(public, key=lambda t: results[t][0])
    print(f"\nDeepest public call: `{names[top]}`, {results[top][0]} bytes "
          "(plus a callback's own stack where flagged).")
    if over:
        print(f"\nFAIL: over the {args.limit}-byte limit or unbounded:\n  " + "\n  ".join(over),
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
