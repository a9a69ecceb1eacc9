#!/usr/bin/env python3
"""Folds `perf script` output into stacks and draws them as a flame graph SVG.

    perf script -i perf.data | python3 perf/flamegraph.py --folded out.folded --svg out.svg [--title T]

Swift symbols are demangled with `swift demangle --simplified` when it is on the PATH.
Each folded line is `root;caller;…;leaf COUNT`; in the SVG, width is the share of samples,
the bottom row is the thread's entry and a frame sits on its caller.
"""
import argparse
import html
import re
import shutil
import subprocess
import sys
from collections import Counter

FRAME = re.compile(r"^\s*[0-9a-f]+\s+(.+?)\s+\((.*)\)\s*$")


def read_stacks(stream):
    stacks, current, comm = Counter(), [], None
    for line in stream:
        line = line.rstrip("\n")
        if not line.strip():
            if comm is not None and current:
                stacks[(comm,) + tuple(reversed(current))] += 1
            current, comm = [], None
            continue
        if comm is None:
            comm = line.split()[0] if line.split() else "?"
            continue
        match = FRAME.match(line)
        if match:
            symbol, dso = match.groups()
            symbol = re.sub(r"\+0x[0-9a-f]+$", "", symbol)
            # No symbol (perf prints [unknown] or the bare address): name the library instead.
            if symbol == "[unknown]" or re.fullmatch(r"0x[0-9a-f]+", symbol):
                symbol = f"[{dso.rsplit('/', 1)[-1]}]"
            current.append(symbol)
    if comm is not None and current:
        stacks[(comm,) + tuple(reversed(current))] += 1
    return stacks


def demangle(stacks):
    names = sorted({frame for stack in stacks for frame in stack if frame.startswith(("$s", "_$s"))})
    if not names or not shutil.which("swift"):
        return stacks
    result = subprocess.run(["swift", "demangle", "--simplified"], input="\n".join(names), capture_output=True, text=True)
    lines = result.stdout.splitlines()
    if result.returncode != 0 or len(lines) != len(names):
        return stacks
    table = {name: text.split(" ---> ")[-1].strip() for name, text in zip(names, lines)}
    out = Counter()
    for stack, count in stacks.items():
        out[tuple(table.get(frame, frame) for frame in stack)] += count
    return out


def color(name):
    h = 0
    for c in name:
        h = (h * 31 + ord(c)) & 0xFFFFFFFF
    if "Strand" in name:
        return f"rgb({200 + h % 55},{100 + h % 80},{40 + h % 40})"
    if "secp256k1" in name or "libsecp256k1" in name:
        return f"rgb({60 + h % 40},{140 + h % 60},{200 + h % 55})"
    return f"rgb({210 + h % 45},{150 + h % 70},{60 + h % 50})"


def svg(stacks, title, width=1200, row=16):
    total = sum(stacks.values())
    root = {"name": "all", "count": total, "children": {}}
    for stack, count in stacks.items():
        node = root
        for frame in stack:
            node = node["children"].setdefault(frame, {"name": frame, "count": 0, "children": {}})
            node["count"] += count
    depth = max((len(s) for s in stacks), default=0) + 1
    height = (depth + 2) * row + 30
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="monospace" font-size="11">',
             f'<rect width="100%" height="100%" fill="#fdfdf6"/>',
             f'<text x="{width / 2}" y="18" text-anchor="middle" font-size="14">{html.escape(title)} ({total} samples)</text>']

    def draw(node, x, level):
        w = node["count"] / total * (width - 20)
        if w < 0.3:
            return
        y = height - (level + 1) * row - 10
        label = html.escape(node["name"])
        share = 100.0 * node["count"] / total
        parts.append(f'<g><title>{label} ({node["count"]} samples, {share:.2f}%)</title>'
                     f'<rect x="{x:.2f}" y="{y}" width="{w:.2f}" height="{row - 1}" fill="{color(node["name"])}" rx="1"/>')
        chars = int(w / 7)
        if chars >= 3:
            text = node["name"] if len(node["name"]) <= chars else node["name"][:chars - 2] + ".."
            parts.append(f'<text x="{x + 3:.2f}" y="{y + row - 4}">{html.escape(text)}</text>')
        parts.append("</g>")
        child_x = x
        for child in sorted(node["children"].values(), key=lambda c: c["name"]):
            draw(child, child_x, level + 1)
            child_x += child["count"] / total * (width - 20)

    draw(root, 10, 0)
    parts.append("</svg>")
    return "\n".join(parts)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folded", required=True)
    parser.add_argument("--svg", required=True)
    parser.add_argument("--title", default="Strand node, cpu-clock")
    args = parser.parse_args()
    stacks = demangle(read_stacks(sys.stdin))
    if not stacks:
        sys.exit("flamegraph.py: no stacks in the input (was perf recorded with -g?)")
    with open(args.folded, "w") as f:
        for stack, count in sorted(stacks.items(), key=lambda kv: -kv[1]):
            f.write(";".join(stack) + f" {count}\n")
    with open(args.svg, "w") as f:
        f.write(svg(stacks, args.title))


if __name__ == "__main__":
    main()
