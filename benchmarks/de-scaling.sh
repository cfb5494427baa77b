#!/usr/bin/env bash
# What one DE unit of the grid costs as the cohort grows (issue 21's estimate for a 10x cohort): the grid's DE
# settings (log2-CPM, num.sv be with B = 20, irw-sva, covariate selection with the other traits excluded) on
# matrices built from a paper-preset cohort:
#   samples: 304 (BLA), 608 (BLA + MeA), 1,216 (the four regions' samples side by side, each region's donors renamed
#            <donor>_<region> with their phenotype rows copied), 20,000 genes;
#   genes:   60,000 (BLA's 20,000 genes three times, renamed), 304 samples.
#
#   benchmarks/de-scaling.sh COHORT WORKDIR [THREADS]
#
# COHORT: `java -jar target/cohortex.jar simulate --preset paper --out COHORT`. Prints one line per matrix: samples,
# genes, wall seconds, CPU seconds (user + sys) and peak RSS of `cohortex de`, and the number of SVs it estimated.
set -euo pipefail
if [[ $# -lt 2 ]]; then echo "usage: $0 COHORT WORKDIR [THREADS]" >&2; exit 2; fi
cohort=$(realpath "$1")
work=$(realpath -m "$2")
threads=${3:-2}
jar=${COHORTEX_JAR:-$(dirname "$0")/../target/cohortex.jar}
mkdir -p "$work"

python3 - "$cohort" "$work" <<'EOF'
import gzip, sys
cohort, work = sys.argv[1], sys.argv[2]
regions = ['BLA', 'MeA', 'dACC', 'DLPFC']

def read(region):
    with gzip.open(f'{cohort}/expr/{region}.counts.tsv.gz', 'rt') as f:
        return [line.rstrip('\n').split('\t') for line in f]

mats = {r: read(r) for r in regions}
pheno = open(f'{cohort}/pheno.tsv').read().rstrip('\n').split('\n')
rows = {l.split('\t')[0]: l.split('\t', 1)[1] for l in pheno[1:]}

def write(name, regs, copies=1):
    cols = []
    with gzip.open(f'{work}/{name}.tsv.gz', 'wt', compresslevel=1) as f:
        head = ['gene']
        for r in regs:
            head += [f'{s}_{r}' for s in mats[r][0][1:]]
        f.write('\t'.join(head) + '\n')
        for c in range(copies):
            for i in range(1, len(mats[regs[0]])):
                gene = mats[regs[0]][i][0] + (f'_{c}' if copies > 1 else '')
                vals = []
                for r in regs:
                    vals += mats[r][i][1:]
                f.write(gene + '\t' + '\t'.join(vals) + '\n')
    with open(f'{work}/{name}.pheno.tsv', 'w') as f:
        f.write(pheno[0] + '\n')
        for r in regs:
            for s in mats[r][0][1:]:
                f.write(f'{s}_{r}\t{rows[s]}\n')

write('n304_g20k', regions[:1])
write('n608_g20k', regions[:2])
write('n1216_g20k', regions)
write('n304_g60k', regions[:1], copies=3)
EOF

traits=chronic_pain,migraine,lifetime_fentanyl,lifetime_oxymorphone,mcp_prs
printf 'samples\tgenes\twall_s\tcpu_s\tpeak_rss_mb\tsamples_used\tn_sv\n'
for m in n304_g20k n608_g20k n1216_g20k n304_g60k; do
    n=${m#n}; n=${n%%_*}; g=${m##*_g}
    /usr/bin/time -f '%e %U %S %M' -o "$work/$m.time" java -jar "$jar" de --expr "$work/$m.tsv.gz" --pheno "$work/$m.pheno.tsv" \
        --sample-column donor_id --trait chronic_pain --transform log2cpm --num-sv be --sv-permutations 20 --select-covariates \
        --exclude "$traits" --seed 1 --threads "$threads" --backend cpu --out "$work/$m.out" > "$work/$m.log" 2>&1
    read -r wall user sys rss < "$work/$m.time"
    used=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(d['n_samples'], d['num_sv'], sep='\t')" "$work/$m.out/model.json")
    printf '%s\t%s\t%s\t%.1f\t%d\t%s\n' "$n" "${g%k}000" "$wall" "$(echo "$user + $sys" | bc)" $((rss / 1024)) "$used"
done
