#!/usr/bin/env bash
# SVA (num.sv "be" B=20 + irw-sva B=5) on 20,000 genes x 299 samples (simulated BLA, log2-CPM),
# R's sva (Debian r-bioc-sva, reference BLAS) and `cohortex sva` on the same matrix in one run.
# Needs: r-bioc-sva (apt-get install r-bioc-sva). Not part of CI. Usage: benchmarks/sva-vs-r.sh
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/cohortex.jar ] || mvn -q -B package -DskipTests
W=benchmarks/target/sva-bench
mkdir -p "$W"
SIM=benchmarks/target/sim-paper
[ -f "$SIM/pheno.tsv" ] || java -jar target/cohortex.jar simulate --preset paper --seed 20240520 --out "$SIM"
cat > "$W/run.R" <<'RS'
suppressMessages(library(sva))
args <- commandArgs(TRUE); sim <- args[1]; w <- args[2]
counts <- as.matrix(read.delim(gzfile(file.path(sim, "expr/BLA.counts.tsv.gz")), row.names = 1, check.names = FALSE))
pheno <- read.delim(file.path(sim, "pheno.tsv"))
pheno <- pheno[match(colnames(counts), pheno$donor_id), ]
lib <- colSums(counts)
dat <- log2(t((t(counts) + 0.5) / (lib + 1) * 1e6))       # voom's log2-CPM, as cohortex --transform log2cpm
write.table(data.frame(gene = rownames(dat), format(dat, digits = 15), check.names = FALSE), file.path(w, "log2cpm.tsv"),
            sep = "\t", quote = FALSE, row.names = FALSE)
write.table(data.frame(sample = colnames(dat), chronic_pain = pheno$chronic_pain), file.path(w, "pheno.tsv"),
            sep = "\t", quote = FALSE, row.names = FALSE)
mod <- model.matrix(~ chronic_pain, data = pheno); mod0 <- model.matrix(~ 1, data = pheno)
t_be <- system.time(nsv <- num.sv(dat, mod, method = "be", B = 20, seed = 1))[["elapsed"]]
t_irw <- system.time(s <- sva(dat, mod, mod0, n.sv = nsv, method = "irw", B = 5))[["elapsed"]]
write.table(data.frame(sample = colnames(dat), s$sv), file.path(w, "r_svs.tsv"), sep = "\t", quote = FALSE, row.names = FALSE)
cat(sprintf("\nR sva %s: num.sv be = %d in %.1f s; irw-sva in %.1f s; total %.1f s\n", packageVersion("sva"), nsv, t_be, t_irw, t_be + t_irw))
RS
Rscript "$W/run.R" "$SIM" "$W" 2>&1 | grep -E "R sva"
NSV_R=$(head -1 "$W/r_svs.tsv" | awk -F'\t' '{print NF-1}')
/usr/bin/time -f "cohortex sva (be + irw, end to end incl. JVM start and reading 20,000 x 299): wall %e s, peak RSS %M KB" \
  java -jar target/cohortex.jar sva --expr "$W/log2cpm.tsv" --pheno "$W/pheno.tsv" --trait chronic_pain --num-sv be --out "$W/cohortex" 2>&1 | grep -E "sva:|wall"
java -jar target/cohortex.jar sva --expr "$W/log2cpm.tsv" --pheno "$W/pheno.tsv" --trait chronic_pain --num-sv "$NSV_R" --out "$W/cohortex-given" 2>&1 | grep -E "irw"
echo "R n.sv = $NSV_R; cohortex n.sv = $(grep '"n_sv"' "$W/cohortex/num_sv.json")"
# subspace agreement of the two SV sets (same n.sv): canonical correlations, computed in R
Rscript -e 'a <- as.matrix(read.delim(commandArgs(TRUE)[1], row.names = 1)); b <- as.matrix(read.delim(commandArgs(TRUE)[2], row.names = 1)); cc <- cancor(a, b[rownames(a), ])$cor; cat(sprintf("canonical correlations cohortex vs R SVs: min %.6f, max %.6f\n", min(cc), max(cc)))' \
  "$W/r_svs.tsv" "$W/cohortex-given/svs.tsv"
