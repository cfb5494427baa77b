#!/usr/bin/env bash
# `cohortex prs qc` + `prs score` beside the same steps in plink 1.9 / plink2 (R only for the 3-SD
# het rule and the allele matching plink has no command for), on the same files, in one run: wall
# times, their ratio, peak memory, and whether every kept list is identical.
#   bash benchmarks/prs-vs-plink.sh BFILE SUMSTATS PHENO TRAIT WORKDIR [THREADS]
# Needs target/cohortex.jar, plink1.9, plink2, Rscript, /usr/bin/time. Debian's plink2 takes its BLAS
# from the system (reference BLAS unless OpenBLAS is installed; its --pca then takes minutes at 3,000
# samples): PLINK_BLAS_DIR=DIR runs plink2 with LD_LIBRARY_PATH=DIR, e.g. Debian's OpenBLAS unpacked
# without installing it (apt-get download libopenblas0-pthread; dpkg -x *.deb x; DIR =
# x/usr/lib/x86_64-linux-gnu/openblas-pthread).
set -euo pipefail
export B=$(realpath "$1") SS=$(realpath "$2"); PH=$(realpath "$3"); TRAIT=$4; W=$5; T=${6:-$(nproc)}
JAR=$(realpath "$(dirname "$0")/../target/cohortex.jar")
rm -rf "$W" && mkdir -p "$W/plink" && cd "$W"
now() { date +%s.%N; }
echo "== cohortex prs ($T threads)"
t0=$(now)
/usr/bin/time -f "   qc peak RSS %M KB" java -jar "$JAR" prs qc --bfile "$B" --sumstats "$SS" --out ours/qc --threads "$T" 2>&1 | cut -c10- | tail -14
/usr/bin/time -f "   score peak RSS %M KB" java -jar "$JAR" prs score --bfile "$B" --qc ours/qc --pheno "$PH" --trait "$TRAIT" --out ours/score --threads "$T" 2>&1 | cut -c10- | tail -3
t1=$(now)
echo "== plink 1.9 / plink2 ($T threads)"
cd plink
P1="plink1.9 --silent --allow-no-sex --threads $T"
P2="${PLINK_BLAS_DIR:+env LD_LIBRARY_PATH=$PLINK_BLAS_DIR} plink2 --silent --threads $T"
t2=$(now)
cut -f2 "$B.bim" | sort | uniq -d > dupids.txt
/usr/bin/time -f "   qc step peak RSS %M KB" $P1 --bfile "$B" --exclude dupids.txt --mind 0.01 --geno 0.01 --hwe 1e-6 --maf 0.01 --write-snplist --make-just-fam --out qc
$P1 --bfile "$B" --keep qc.fam --extract qc.snplist --autosome --indep-pairwise 200 25 0.25 --out qc
$P1 --bfile "$B" --keep qc.fam --extract qc.prune.in --het --out qc
Rscript -e 'h <- read.table("qc.het", header=TRUE); k <- abs(h$F - mean(h$F)) <= 3*sd(h$F); write.table(h[k, 1:2], "het.valid", quote=FALSE, row.names=FALSE, col.names=FALSE)'
if awk '$1=="X"||$1=="23"{f=1; exit} END{exit !f}' "$B.bim"; then
  $P1 --bfile "$B" --keep het.valid --extract qc.snplist --check-sex --out qc
  awk 'NR>1 && $5=="OK"{print $1, $2}' qc.sexcheck > sex.valid
else cp het.valid sex.valid; fi
$P1 --bfile "$B" --keep sex.valid --extract qc.prune.in --rel-cutoff 0.125 --out qc
$P2 --bfile "$B" --keep qc.rel.id --extract qc.prune.in --pca 20 --out qc
Rscript - <<'RS'
f <- Sys.getenv("SS"); con <- if (grepl("gz$", f)) gzfile(f) else f
ss <- read.table(con, header=TRUE, stringsAsFactors=FALSE, colClasses=c(SNP="character", A1="character", A2="character"))
bim <- read.table(paste0(Sys.getenv("B"), ".bim"), stringsAsFactors=FALSE, colClasses="character")
names(bim) <- c("CHR","SNP","CM","BP","B1","B2")
bim <- bim[bim$SNP %in% readLines("qc.snplist"), ]
comp <- function(a) chartr("ACGT", "TGCA", a)
# every copy of a duplicated id goes (PRSice-2's rule), then A/T and C/G
ss <- ss[!(ss$SNP %in% ss$SNP[duplicated(ss$SNP)]), ]; ss <- ss[comp(ss$A1) != ss$A2, ]
if (!is.null(ss$MAF)) ss <- ss[pmin(ss$MAF, 1 - ss$MAF) >= 0.01, ]
if (!is.null(ss$INFO)) ss <- ss[ss$INFO >= 0.8, ]
m <- merge(ss, bim, by="SNP")
s1 <- m$A1 == m$B1 & m$A2 == m$B2 | comp(m$A1) == m$B1 & comp(m$A2) == m$B2
s2 <- m$A1 == m$B2 & m$A2 == m$B1 | comp(m$A1) == m$B2 & comp(m$A2) == m$B1
m$BETA_A1 <- ifelse(s1, m$BETA, ifelse(s2, -m$BETA, NA)); m <- m[!is.na(m$BETA_A1), ]
write.table(data.frame(SNP=m$SNP, A1=m$B1, BETA=sprintf("%.10g", m$BETA_A1), P=m$P), "matched.tsv", quote=FALSE, row.names=FALSE, sep="\t")
RS
$P1 --bfile "$B" --keep qc.rel.id --extract qc.snplist --clump matched.tsv --clump-p1 1 --clump-p2 1 --clump-r2 0.1 --clump-kb 250 --out qc
awk 'NR>1 && NF>2 {print $3}' qc.clumped > clumped.snps
printf "t5e-08 0 5e-08\nt1e-05 0 1e-05\nt0.001 0 0.001\nt0.01 0 0.01\nt0.05 0 0.05\nt0.1 0 0.1\nt0.5 0 0.5\nt1 0 1\n" > ranges.txt
awk 'NR>1{print $1, $4}' matched.tsv > snp.p
$P2 --bfile "$B" --keep qc.rel.id --extract clumped.snps --score matched.tsv 1 2 3 header cols=+scoresums --q-score-range ranges.txt snp.p --out score 2>/dev/null
t3=$(now)
cd ..
echo "== agreement"
same() {
  sort "$1" > /tmp/same.a.$$; sort "$2" > /tmp/same.b.$$
  if cmp -s /tmp/same.a.$$ /tmp/same.b.$$; then echo "identical ($(wc -l < /tmp/same.a.$$))"
  else echo "DIFFERENT: $(comm -3 /tmp/same.a.$$ /tmp/same.b.$$ | wc -l) lines differ ($(wc -l < /tmp/same.a.$$) vs $(wc -l < /tmp/same.b.$$))"; fi
  rm -f /tmp/same.a.$$ /tmp/same.b.$$
}
echo "   QC'd variants:  $(same plink/qc.snplist ours/qc/variants.qc.txt)"
echo "   prune.in:       $(same plink/qc.prune.in ours/qc/prune.in)"
echo "   final samples:  $(same <(awk '{print $1"\t"$2}' plink/qc.rel.id) ours/qc/samples.qc.txt)"
echo "   matched GWAS:   $(same <(tail -n +2 plink/matched.tsv | cut -f1) <(tail -n +2 ours/qc/sumstats.matched.tsv | cut -f1))"
echo "   clumped index:  $(same plink/clumped.snps <(tail -n +2 ours/score/clumped.tsv | cut -f1))"
Rscript - <<'RS'
o <- read.table("ours/qc/pcs.tsv", header=TRUE); p <- read.table("plink/qc.eigenvec", header=TRUE, comment.char="")
cc <- cancor(as.matrix(o[, 3:22]), as.matrix(p[, 3:22]))$cor
cat(sprintf("   PCA subspace:   min canonical correlation %.6f\n", min(cc)))
s <- read.table("ours/score/scores.tsv", header=TRUE, check.names=FALSE)
worst <- 0
for (t in c("5e-08","1e-05","0.001","0.01","0.05","0.1","0.5","1")) {
  f <- paste0("plink/score.t", t, ".sscore"); if (!file.exists(f)) next
  q <- read.table(f, header=TRUE, comment.char=""); stopifnot(!is.null(s[[paste0("sum_", t)]])); d <- abs(s[[paste0("sum_", t)]] - q$SCORE1_SUM) / pmax(1, abs(q$SCORE1_SUM)); worst <- max(worst, d)
}
cat(sprintf("   scores:         max relative difference from plink2 %.2e (plink2 prints 6 digits)\n", worst))
RS
awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" 'BEGIN{printf "== wall time: cohortex %.1f s, plink %.1f s, ratio plink/cohortex %.2f\n", b-a, d-c, (d-c)/(b-a)}'
