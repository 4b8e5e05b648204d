#!/usr/bin/env python3
"""The measured stack of every target test group, as a Markdown table.

    stack_table.py "LABEL=REPORT.tsv" ...

Each REPORT is what run_target.py --report wrote for one CPU and level;
LABEL heads its column ("Cortex-M0 -Os"). Prints one row per group (in the
order they ran), the deepest figure per column, and the tests run.
"""
import sys


def main():
    columns, groups, tests = [], [], {}
    figures = {}
    for arg in sys.argv[1:]:
        label, path = arg.split("=", 1)
        columns.append(label)
        tests[label] = 0
        try:
            with open(path, encoding="utf-8") as f:
                rows = [line.rstrip("\n").split("\t") for line in f if line.strip()]
        except OSError:
            rows = []
        for row in rows:
            if row[0] == "tests":
                tests[label] += int(row[2])
            elif row[0] == "stack":
                key = f"{row[2]} ({row[1].replace('suite_', '')})"
                if key not in groups:
                    groups.append(key)
                figures[(key, label)] = int(row[3])
    print("| test group (suite) | " + " | ".join(columns) + " |")
    print("|---|" + "---:|" * len(columns))
    for g in groups:
        print(f"| {g} | " + " | ".join(str(figures.get((g, c), "-")) for c in columns) + " |")
    deepest = [max((figures.get((g, c), 0) for g in groups), default=0) for c in columns]
    print("| **deepest** | " + " | ".join(f"**{d}**" for d in deepest) + " |")
    print("| tests run | " + " | ".join(str(tests[c]) for c in columns) + " |")


if __name__ == "__main__":
    main()
