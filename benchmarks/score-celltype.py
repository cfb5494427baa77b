#!/usr/bin/env python3
"""score-celltype.py COHORT RUNDIR SEED REGION TRAIT METHOD [alpha]: one TSV row per cell type (and 'all') to stdout.
RUNDIR/<type>/de.tsv per cell type; RUNDIR/bulk/de.tsv the bulk baseline of the region (for the mirroring index)."""
import sys, os, csv, collections
cohort, run, seed, region, trait, method = sys.argv[1:7]
alpha = float(sys.argv[7]) if len(sys.argv) > 7 else 0.05
planted = collections.defaultdict(set); anywhere = set()
for r in csv.DictReader(open(os.path.join(cohort, 'truth/degs.tsv')), delimiter='\t'):
    if r['trait'] == trait and r['region'] == region:
        planted[r['cell_type']].add(r['gene']); anywhere.add(r['gene'])
def calls(f):
    out = set(); universe = set()
    for r in csv.DictReader(open(f), delimiter='\t'):
        if r['p'] != 'NA': universe.add(r['gene'])
        if r['p_bonferroni'] != 'NA' and float(r['p_bonferroni']) < alpha: out.add(r['gene'])
    return out, universe
bulk = calls(os.path.join(run, 'bulk', 'de.tsv'))[0] if os.path.isfile(os.path.join(run, 'bulk', 'de.tsv')) else None
types = ['bulk'] if method == 'bulk' else sorted(d for d in os.listdir(run) if d != 'bulk' and os.path.isfile(os.path.join(run, d, 'de.tsv')))
tot = collections.Counter()
for t in types:
    c, uni = calls(os.path.join(run, t, 'de.tsv'))
    p = planted[t] | planted.get('bulk', set())
    p_tested = p & uni
    right = len(c & p); wrong = len((c - p) & anywhere); false = len(c - anywhere)
    jac = (len(c & bulk) / len(c | bulk) if (c | bulk) else float('nan')) if bulk is not None else float('nan')
    if method == 'bulk': right = len(c & anywhere); wrong = 0; false = len(c - anywhere)
    print('\t'.join(map(str, [seed, region, trait, method, t, len(p_tested), len(c), right, wrong, false,
        f"{right/len(p_tested):.3f}" if p_tested else 'NA', f"{(len(c)-right)/len(c):.3f}" if c else 'NA',
        f"{wrong/len(c):.3f}" if c else 'NA', f"{jac:.3f}" if jac == jac else 'NA'])))
    tot.update(planted=len(p_tested), degs=len(c), right=right, wrong=wrong, false=false)
d = tot['degs']
print('\t'.join(map(str, [seed, region, trait, method, 'all', tot['planted'], d, tot['right'], tot['wrong'], tot['false'],
    f"{tot['right']/tot['planted']:.3f}" if tot['planted'] else 'NA', f"{(d-tot['right'])/d:.3f}" if d else 'NA',
    f"{tot['wrong']/d:.3f}" if d else 'NA', 'NA'])))
