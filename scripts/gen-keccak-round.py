#!/usr/bin/env python3
"""Prints one fully unrolled Keccak-f[1600] round (theta, rho, pi, chi) over 25 lane
variables a{x}{y}, for Swift (`--swift`) or C (`--c`). Sources/StrandPrimitives/Keccak256.swift
and Sources/CStrandReference/keccak_reference.c embed its output; rerun it if the layout changes."""
import sys

ROT = [[0, 36, 3, 41, 18], [1, 44, 10, 45, 2], [62, 6, 43, 15, 61], [28, 55, 25, 21, 56], [27, 20, 39, 8, 14]]
swift = "--c" not in sys.argv

def rotl(v, n):
    if n == 0:
        return v
    return f"{v}.rotl({n})" if swift else f"ROTL({v}, {n})"

decl = "let " if swift else "uint64_t "
lines = []
for x in range(5):
    lines.append(f"{decl}c{x} = a{x}0 ^ a{x}1 ^ a{x}2 ^ a{x}3 ^ a{x}4" + ("" if swift else ";"))
for x in range(5):
    lines.append(f"{decl}d{x} = c{(x + 4) % 5} ^ {rotl(f'c{(x + 1) % 5}', 1)}" + ("" if swift else ";"))
# b[y][(2x+3y)%5] = rot(a[x][y] ^ d[x], r[x][y])
b = {}
for x in range(5):
    for y in range(5):
        b[(y, (2 * x + 3 * y) % 5)] = rotl(f"(a{x}{y} ^ d{x})", ROT[x][y])
for (bx, by), expr in sorted(b.items()):
    lines.append(f"{decl}b{bx}{by} = {expr}" + ("" if swift else ";"))
for x in range(5):
    for y in range(5):
        nb = "~" if not swift else "~"
        lines.append(f"a{x}{y} = b{x}{y} ^ ({nb}b{(x + 1) % 5}{y} & b{(x + 2) % 5}{y})" + ("" if swift else ";"))
print("\n".join(lines))
