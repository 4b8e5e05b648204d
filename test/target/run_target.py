#!/usr/bin/env python3
"""Runs one target suite under QEMU and judges the run.

    run_target.py --cpu CPU --readme README.md --elf SUITE.elf
                  [--suite NAME] [--report FILE] [--timeout S] -- QEMU COMMAND...

The suite (test/target) prints Unity's results, then "stack <group> <bytes>"
after each test group, and exits through semihosting with its failure
count. The run passes only when all of these hold:
  - QEMU ended by itself within the timeout (a hung program is killed);
  - Unity's summary line is there and says 0 failures;
  - the exit status is that failure count (so a crash, which exits 255,
    or a program that never reached its end, cannot pass);
  - no group overflowed its stack, and every group's measured stack is at
    most what the README's table "Stack measured on emulated CPUs" claims
    for CPU (the row whose first cell starts with CPU; the last column).

--expect-crash turns it around for the harness's own check (board_crash.c):
the run passes only when the program reports a fault or trap and exits 255.

--report appends "tests<TAB>suite<TAB>count" and "stack<TAB>suite<TAB>group<TAB>bytes"
lines for scripts/target-test.sh.
"""
import argparse
import re
import subprocess
import sys

TABLE_TITLE = "Stack measured on emulated CPUs"
SUMMARY = re.compile(r"^(\d+) Tests (\d+) Failures (\d+) Ignored", re.M)
STACK = re.compile(r"^stack (\S+) (\d+)( OVERFLOW)?$", re.M)


def claimed_stack(readme, cpu):
    """The claim for CPU in the README's table, in bytes."""
    with open(readme, encoding="utf-8") as f:
        lines = f.read().splitlines()
    at = next((i for i, line in enumerate(lines)
               if line.lstrip("#").strip() == TABLE_TITLE and line.startswith("#")), None)
    if at is None:
        sys.exit(f"run_target.py: {readme} has no heading '{TABLE_TITLE}'")
    for line in lines[at + 1:]:
        if line.startswith("#"):
            break  # the next section: the table is missing
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[0].split(" ")[0] == cpu:
            digits = re.sub(r"[^0-9]", "", cells[-1])
            if not digits:
                sys.exit(f"run_target.py: no number in the last column of: {line}")
            return int(digits)
    sys.exit(f"run_target.py: no row for {cpu} under '{TABLE_TITLE}' in {readme}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cpu", required=True)
    ap.add_argument("--readme", required=True)
    ap.add_argument("--elf", required=True)
    ap.add_argument("--suite", default="suite")
    ap.add_argument("--report")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--expect-crash", action="store_true")
    ap.add_argument("qemu", nargs="+")
    args = ap.parse_args()

    claim = claimed_stack(args.readme, args.cpu)
    cmd = args.qemu + ["-kernel", args.elf]
    try:
        run = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, timeout=args.timeout)
    except subprocess.TimeoutExpired as e:
        sys.stdout.write((e.stdout or b"").decode("utf-8", "replace"))
        print(f"FAIL: {args.suite} on {args.cpu}: no exit within {args.timeout:.0f} s; QEMU killed")
        return 1
    # QEMU warns that the MPS2's on-board Ethernet has no network: there is none, on purpose.
    out = "\n".join(line for line in run.stdout.decode("utf-8", "replace").splitlines()
                    if "has no peer" not in line)
    print(out)

    if args.expect_crash:
        crashed = run.returncode == 255 and re.search(r"^board: (fault|trap)", out, re.M)
        print(("PASS" if crashed else "FAIL") + f": {args.suite} on {args.cpu}: exit status "
              f"{run.returncode}" + ("" if crashed else ", expected 255 after a reported fault"))
        return 0 if crashed else 1

    problems = []
    summary = SUMMARY.findall(out)
    if len(summary) != 1:
        problems.append("no Unity summary: the program did not reach its end")
        failures = None
    else:
        tests, failures, ignored = map(int, summary[0])
        if tests == 0:
            problems.append("no tests ran")
        if failures:
            problems.append(f"{failures} failures")
    stacks = [(g, int(n), bool(o)) for g, n, o in STACK.findall(out)]
    overflows = [g for g, _, o in stacks if o]
    if failures is not None:
        expected = min(failures + len(overflows), 254)
        if run.returncode != expected:
            problems.append(f"exit status {run.returncode}, expected {expected}")
    elif run.returncode == 0:
        problems.append("exit status 0 without a summary")
    if not stacks:
        problems.append("no stack figures")
    for group in overflows:
        problems.append(f"group {group} overflowed the stack")
    for group, used, _ in stacks:
        if used > claim:
            problems.append(f"group {group} used {used} bytes of stack; the README claims at most "
                            f"{claim} on {args.cpu}")
    if args.report:
        with open(args.report, "a", encoding="utf-8") as f:
            if summary:
                f.write(f"tests\t{args.suite}\t{summary[0][0]}\n")
            for group, used, _ in stacks:
                f.write(f"stack\t{args.suite}\t{group}\t{used}\n")

    deepest = max(stacks, key=lambda s: s[1]) if stacks else ("-", 0, False)
    verdict = "FAIL" if problems else "PASS"
    print(f"{verdict}: {args.suite} on {args.cpu}: deepest stack {deepest[1]} bytes ({deepest[0]}), "
          f"claim {claim}" + ("".join(f"\n  - {p}" for p in problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
