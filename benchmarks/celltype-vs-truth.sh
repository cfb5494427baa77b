#!/bin/bash
# benchmarks/celltype-vs-truth.sh SEED [REFDONORS]: simulate a paper-preset cohort, deconvolve BLA and MeA (REGIONS=...) with DWLS,
# then for chronic pain and migraine: bulk, oracle (true cell-type expression), interaction, bmind, imputed, and chronic pain
# permuted in BLA; scores per (gene, cell type) into $WORK/sSEED-dREFDONORS/metrics.tsv (columns: see score-celltype.py)
set -u
SEED=$1; DONORS=${2:-20}; JAR=${JAR:-$(cd "$(dirname "$0")/.." && pwd)/target/cohortex.jar}; SCORE=$(cd "$(dirname "$0")" && pwd)/score-celltype.py
OUT=${WORK:-celltype-bench}/s$SEED-d$DONORS; mkdir -p $OUT; cd $OUT
J="java -Xmx6g -jar $JAR"
[ -f cohort/cohort.yaml ] || $J simulate --out cohort --seed $SEED --reference-donors $DONORS > sim.log 2>&1
for R in ${REGIONS:-BLA MeA}; do
  [ -f imputed/$R/impute_notes.tsv ] || { [ -f dwls/$R/proportions.tsv ] || $J deconvolve --bulk cohort/expr/$R.counts.tsv.gz \
     --sc-reference cohort/reference/amygdala.counts.tsv.gz --sc-labels cohort/reference/amygdala.labels.tsv --method dwls --out dwls/$R > dwls-$R.log 2>&1;
     $J impute --bulk cohort/expr/$R.counts.tsv.gz --proportions dwls/$R/proportions.tsv --sc-reference cohort/reference/amygdala.counts.tsv.gz \
     --sc-labels cohort/reference/amygdala.labels.tsv --mode eb --out imputed/$R > impute-$R.log 2>&1; }
  [ -f dwls/$R/proportions.tsv ] || $J deconvolve --bulk cohort/expr/$R.counts.tsv.gz --sc-reference cohort/reference/amygdala.counts.tsv.gz \
     --sc-labels cohort/reference/amygdala.labels.tsv --method dwls --out dwls/$R > dwls-$R.log 2>&1
done
TRAITS="chronic_pain migraine lifetime_fentanyl lifetime_oxymorphone mcp_prs"
for R in ${REGIONS:-BLA MeA}; do for T in chronic_pain migraine; do
  EX=$(echo $TRAITS | tr ' ' '\n' | grep -vx $T | paste -sd,)
  COMMON="--pheno cohort/pheno.tsv --sample-column donor_id --trait $T --num-sv be --select-covariates --exclude $EX"
  B=runs/$R-$T
  mkdir -p $B
  [ -f $B/bulk/bulk/de.tsv ] || $J de --expr cohort/expr/$R.counts.tsv.gz --transform log2cpm $COMMON --drop-samples-without-phenotype --out $B/bulk/bulk > $B/bulk.log 2>&1
  # oracle: DE on the true cell-type expression (planted genes + the first 1,000)
  for f in cohort/truth/regions/$R.*.log2expr.tsv.gz; do
    t=$(basename $f .log2expr.tsv.gz); t=${t#$R.}
    [ -f $B/oracle/$t/de.tsv ] || $J de --expr $f $COMMON --drop-samples-without-phenotype --out $B/oracle/$t > /dev/null 2>&1
  done
  for M in interaction bmind imputed; do
    [ -f $B/$M/joint.tsv ] || [ -f $B/$M/model.json ] || $J celltype-de --expr cohort/expr/$R.counts.tsv.gz --proportions dwls/$R/proportions.tsv $COMMON \
       --method $M --imputed imputed/$R --region $R --out $B/$M > $B/$M.log 2>&1
  done
  for M in oracle interaction bmind imputed; do mkdir -p $B/$M; [ -e $B/$M/bulk ] || ln -s ../bulk/bulk $B/$M/bulk; done
done; done
# permuted trait: chronic pain shuffled among samples, BLA, interaction
python3 - <<'PY'
import csv, random
rows = list(csv.reader(open('cohort/pheno.tsv'), delimiter='\t'))
h = rows[0]; c = h.index('chronic_pain'); v = [r[c] for r in rows[1:]]
random.Random(7).shuffle(v)
with open('pheno_permuted.tsv', 'w') as f:
    f.write('\t'.join(h) + '\n')
    for r, x in zip(rows[1:], v): r[c] = x; f.write('\t'.join(r) + '\n')
PY
[ -f runs/BLA-perm/interaction/joint.tsv ] || $J celltype-de --expr cohort/expr/BLA.counts.tsv.gz --proportions dwls/BLA/proportions.tsv --pheno pheno_permuted.tsv \
   --sample-column donor_id --trait chronic_pain --num-sv be --select-covariates --exclude migraine,lifetime_fentanyl,lifetime_oxymorphone,mcp_prs \
   --method interaction --region BLA --out runs/BLA-perm/interaction > runs/BLA-perm.log 2>&1
: > metrics.tsv
for R in ${REGIONS:-BLA MeA}; do for T in chronic_pain migraine; do for M in bulk oracle interaction bmind imputed; do
  D=runs/$R-$T/$M; [ $M = bulk ] && D=runs/$R-$T/bulk
  python3 $SCORE cohort $D $SEED $R $T $M >> metrics.tsv 2>/dev/null
done; done; done
python3 $SCORE cohort runs/BLA-perm/interaction $SEED BLA chronic_pain interaction-permuted >> metrics.tsv 2>/dev/null
echo done > done.txt
