#!/usr/bin/env python3
"""Compare the tables of two `cohortex run` results directories, for a change whose arithmetic differs at rounding level.

   benchmarks/compare-tables.py BEFORE_DIR AFTER_DIR [--rel 1e-8]

Every *.tsv and *.tsv.gz under BEFORE_DIR is looked up under AFTER_DIR. Byte-identical tables are counted; the others
must have the same header, the same rows (first column) and the same text cells (text differing only in numbers
printed to a few digits, within 1%, is reported, not failed), and their numeric cells are compared:
the largest relative difference |a - b| / max(|a|, |b|) is reported per column name, and p-value columns (p, p_*, q_*,
*_p, pvalue, lfdr, fdr) must agree to --rel (issue 22: "p-values to 1e-8 relative"). The DEG lists must be identical:
genes with p_bonferroni < 0.05 and with q_bh < 0.05 in every de.tsv, and experimentwise_degs.tsv's (trait, set, gene).
Exit status 0 when all of that holds, 1 otherwise.
"""
import argparse
import gzip
import os
import re
import sys

P_COLUMNS = ("p", "pvalue", "lfdr", "fdr")
NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def is_p_column(name):
    n = name.lower()
    return n in P_COLUMNS or n.startswith("p_") or n.startswith("q_") or n.endswith("_p")


def read(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        return [line.rstrip("\n").split("\t") for line in f]


def number(s):
    try:
        return float(s)
    except ValueError:
        return None


def degs(rows):
    head = rows[0]
    out = {}
    for col in ("p_bonferroni", "q_bh"):
        if col in head:
            j = head.index(col)
            out[col] = {r[0] for r in rows[1:] if number(r[j]) is not None and number(r[j]) < 0.05}
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("before")
    ap.add_argument("after")
    ap.add_argument("--rel", type=float, default=1e-8)
    a = ap.parse_args()
    tables = sorted(os.path.relpath(os.path.join(d, f), a.before) for d, _, fs in os.walk(a.before) for f in fs
                    if f.endswith(".tsv") or f.endswith(".tsv.gz"))
    identical, close, failures = 0, 0, []
    worst = {}  # column name -> (largest relative difference, table)
    for t in tables:
        pa, pb = os.path.join(a.before, t), os.path.join(a.after, t)
        if not os.path.exists(pb):
            failures.append(f"{t}: missing after")
            continue
        with open(pa, "rb") as fa, open(pb, "rb") as fb:
            if fa.read() == fb.read():
                identical += 1
                continue
        ra, rb = read(pa), read(pb)
        if ra[0] != rb[0] or len(ra) != len(rb):
            failures.append(f"{t}: header or row count differs")
            continue
        ok = True
        for i, (x, y) in enumerate(zip(ra[1:], rb[1:]), start=2):
            if x[0] != y[0] or len(x) != len(y):
                failures.append(f"{t} line {i}: rows differ ({x[0]} / {y[0]})")
                ok = False
                break
            for j, (u, v) in enumerate(zip(x, y)):
                if u == v:
                    continue
                nu, nv = number(u), number(v)
                if nu is None or nv is None:
                    # text that differs only in numbers printed to a few digits (a covariate's reason): same words,
                    # numbers within 1% (a last printed digit)
                    xu, xv = NUMBER.findall(u), NUMBER.findall(v)
                    if NUMBER.sub("#", u) == NUMBER.sub("#", v) and all(
                            abs(float(s1) - float(s2)) <= 0.01 * max(abs(float(s1)), abs(float(s2))) for s1, s2 in zip(xu, xv)):
                        col = ra[0][j] + " (numbers in text)"
                        rel = max(abs(float(s1) - float(s2)) / max(abs(float(s1)), abs(float(s2)), 1e-300) for s1, s2 in zip(xu, xv))
                        if rel > worst.get(col, (0, ""))[0]:
                            worst[col] = (rel, t)
                        continue
                    failures.append(f"{t} line {i} column {ra[0][j]}: '{u}' vs '{v}'")
                    ok = False
                    continue
                rel = abs(nu - nv) / max(abs(nu), abs(nv))
                col = ra[0][j]
                if rel > worst.get(col, (0, ""))[0]:
                    worst[col] = (rel, t)
                if is_p_column(col) and rel > a.rel:
                    failures.append(f"{t} line {i} column {col}: {u} vs {v} (relative {rel:.2e})")
                    ok = False
        if os.path.basename(t) == "de.tsv" and degs(ra) != degs(rb):
            failures.append(f"{t}: DEG lists differ")
            ok = False
        if os.path.basename(t) == "experimentwise_degs.tsv" and {tuple(r[:3]) for r in ra[1:]} != {tuple(r[:3]) for r in rb[1:]}:
            failures.append(f"{t}: experiment-wise DEGs differ")
            ok = False
        close += ok
    print(f"{len(tables)} tables: {identical} byte-identical, {close} differing within {a.rel:g} on p-values with identical "
          f"DEG lists, {len(tables) - identical - close} failing")
    for col, (rel, t) in sorted(worst.items(), key=lambda kv: -kv[1][0]):
        print(f"  {col}{' (p-value)' if is_p_column(col) else ''}: largest relative difference {rel:.2e} ({t})")
    for f in failures[:40]:
        print("FAIL " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
