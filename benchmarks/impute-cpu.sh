#!/usr/bin/env bash
# Gibbs imputation on the CPU at the paper's shape: dACC (6 cell types) of the simulated paper
# cohort, 298 samples, 1,000 iterations, on the first G genes (default 500); the per-20,000-gene
# figure is extrapolated linearly (genes are independent). Usage: benchmarks/impute-cpu.sh [G]
set -euo pipefail
cd "$(dirname "$0")/.."
G=${1:-500}
[ -f target/cohortex.jar ] || mvn -q -B package -DskipTests
SIM=benchmarks/target/sim-paper
[ -f "$SIM/pheno.tsv" ] || java -jar target/cohortex.jar simulate --preset paper --seed 20240520 --out "$SIM"
W=benchmarks/target/impute-bench; mkdir -p "$W"
[ -f "$W/dc/proportions.tsv" ] || java -jar target/cohortex.jar deconvolve --bulk "$SIM/expr/dACC.counts.tsv.gz" \
  --signature "$SIM/reference/cortex.signature.tsv" --out "$W/dc" 2>&1 | grep deconvolve
# (CPM is computed on the subset: the timing does not depend on the values)
(zcat "$SIM/expr/dACC.counts.tsv.gz" || true) | head -n $((G + 1)) | gzip > "$W/subset.counts.tsv.gz"
/usr/bin/time -f "wall %e s, peak RSS %M KB" java -jar target/cohortex.jar impute --bulk "$W/subset.counts.tsv.gz" --proportions "$W/dc/proportions.tsv" \
  --sc-reference "$SIM/reference/cortex.counts.tsv.gz" --sc-labels "$SIM/reference/cortex.labels.tsv" --mode gibbs --iterations 1000 --burnin 0 \
  --out "$W/gibbs" 2>&1 | grep -E "impute|wall" | tee "$W/log.txt"
secs=$(grep -oE "in [0-9.]+ s;" "$W/log.txt" | grep -oE "[0-9.]+")
python3 -c "s=$secs; print(f'per 1,000 iterations: {s:.1f} s for $G genes -> {s*20000/$G/60:.0f} min for 20,000 genes (2 cores)')"
