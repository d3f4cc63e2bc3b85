#!/usr/bin/env python3
"""Call cycles between the source files of a folder, from the built objects.

Reads every object under BUILD (nm: the symbols each defines and uses),
draws an edge from file A to file B when A uses a function or object B
defines, both under PREFIX, and prints every strongly connected component
of more than one file with the symbols behind its edges. Exit status: 0
when the files form layers (no cycle), 1 otherwise, 2 on bad arguments.

    test/lib/call_cycles.py build/kernel hv/
"""
import collections
import glob
import os
import subprocess
import sys


def symbols(obj):
    """The global symbols obj defines and the ones it uses."""
    out = subprocess.run(["nm", obj], capture_output=True, text=True, check=True).stdout
    defined, used = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "TDBR":
            defined.add(parts[2])
        elif len(parts) == 2 and parts[0] == "U":
            used.add(parts[1])
    return defined, used


def edges(build, prefix):
    """file -> {file it uses: symbols}, for the files under prefix."""
    defs, uses = {}, {}
    for obj in glob.glob(os.path.join(build, "**", "*.o"), recursive=True):
        name = os.path.relpath(obj, build)[: -len(".o")]
        defs[name], uses[name] = symbols(obj)
    owner = {sym: f for f, syms in defs.items() for sym in syms}
    graph = collections.defaultdict(dict)
    for f, syms in uses.items():
        if not f.startswith(prefix):
            continue
        for sym in syms:
            g = owner.get(sym)
            if g and g != f and g.startswith(prefix):
                graph[f].setdefault(g, set()).add(sym)
    return graph, [f for f in defs if f.startswith(prefix)]


def cycles(graph, nodes):
    """Strongly connected components of more than one node (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    graph, nodes = edges(sys.argv[1], sys.argv[2])
    if not nodes:
        print(f"call_cycles: no objects under {sys.argv[1]} for {sys.argv[2]}", file=sys.stderr)
        return 2
    found = cycles(graph, nodes)
    for comp in found:
        print("cycle: " + " ".join(comp))
        for a in comp:
            for b in sorted(graph.get(a, {})):
                if b in comp:
                    print(f"  {a} -> {b}: {' '.join(sorted(graph[a][b]))}")
    print(f"{len(found)} cycles among {len(nodes)} files under {sys.argv[2]}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
