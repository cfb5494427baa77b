#!/usr/bin/env bash
# End-to-end `cohortex de` on the paper-shaped cohort: 20,000 genes x 298 dACC samples x 30 design
# columns (trait, 28 covariate columns incl. 7 batch and 4 office dummies, intercept), cpu and reference
# backends in one run. Prints wall time and peak RSS for each. Usage: benchmarks/de-e2e.sh
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/cohortex.jar ] || mvn -q -B package -DskipTests
SIM=benchmarks/target/sim-paper
[ -f "$SIM/pheno.tsv" ] || java -jar target/cohortex.jar simulate --preset paper --seed 20240520 --out "$SIM"
COVS=age,sex,rin,pmi,batch,ancestry_pc1,ancestry_pc2,ancestry_pc3,ancestry_pc4,ancestry_pc5,ancestry_pc6,ancestry_pc7,ancestry_pc8,ancestry_pc9,ancestry_pc10,smoker,alcohol_use_disorder,freezer_days,me_office
for backend in cpu reference; do
  out=benchmarks/target/de-$backend
  /usr/bin/time -f "$backend: wall %e s, peak RSS %M KB" java -jar target/cohortex.jar de \
    --expr "$SIM/expr/dACC.counts.tsv.gz" --pheno "$SIM/pheno.tsv" --sample-column donor_id \
    --trait chronic_pain --covariates "$COVS" --transform log2cpm --backend "$backend" --out "$out" 2>&1 \
    | grep -E "model:|fitted|wall"
done
python3 - <<'PY'
import csv
a = {r['gene']: r for r in csv.DictReader(open('benchmarks/target/de-cpu/de.tsv'), delimiter='\t')}
b = {r['gene']: r for r in csv.DictReader(open('benchmarks/target/de-reference/de.tsv'), delimiter='\t')}
worst = max(abs(float(a[g]['t']) - float(b[g]['t'])) / max(1.0, abs(float(b[g]['t']))) for g in a if a[g]['t'] != 'NA')
print(f"max relative t difference cpu vs reference: {worst:.2e}")
PY
