#!/usr/bin/env python3
"""The client's state diagram names exactly the states of the code.

  check_states.py SOURCE.c DIAGRAM.dot

SOURCE.c declares the states as one `enum { ST_..., ... };`; DIAGRAM.dot
declares one node per state (`ST_X [label = ...];`) and edges between them.
Fails when a state has no node, a node is no state, or an edge names an
unknown node.
"""
import re
import sys


def code_states(source):
    enums = re.findall(r"enum\s*\{([^}]*)\}", source)
    states = [e for e in enums if re.search(r"\bST_[A-Z_]+", e)]
    if len(states) != 1:
        sys.exit(f"expected one enum of ST_ states in the source, found {len(states)}")
    return [name.strip() for name in states[0].split(",") if name.strip()]


def diagram(dot):
    dot = re.sub(r"/\*.*?\*/", "", dot, flags=re.S)
    nodes = re.findall(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*\[", dot, flags=re.M)
    nodes = [n for n in nodes if n not in ("node", "edge", "graph")]
    edges = re.findall(r"([A-Za-z_][A-Za-z0-9_]*)\s*->\s*([A-Za-z_][A-Za-z0-9_]*)", dot)
    return nodes, edges


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1], encoding="utf-8") as f:
        states = code_states(f.read())
    with open(sys.argv[2], encoding="utf-8") as f:
        nodes, edges = diagram(f.read())
    problems = []
    if len(set(nodes)) != len(nodes):
        problems.append(f"nodes declared twice: {sorted(n for n in set(nodes) if nodes.count(n) > 1)}")
    for s in states:
        if s not in nodes:
            problems.append(f"state {s} has no node in the diagram")
    for n in nodes:
        if n not in states:
            problems.append(f"node {n} is not a state of the code")
    for a, b in edges:
        for end in (a, b):
            if end not in nodes:
                problems.append(f"edge {a} -> {b} names the unknown node {end}")
    reached = {b for _, b in edges} | {a for a, _ in edges}
    for n in nodes:
        if n not in reached:
            problems.append(f"node {n} has no edge")
    if problems:
        print("\n".join(problems))
        return 1
    print(f"OK: {len(states)} states, {len(edges)} transitions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
