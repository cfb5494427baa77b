#!/usr/bin/env bash
# Step-by-step parity of `cohortex prs qc` + `prs score` with plink 1.9 / plink2 (and R where plink
# has no command): each plink step runs on cohortex's own input for that step (its samples and
# variants after the previous step), so a difference shows in the step that makes it.
#   bash benchmarks/prs-steps-vs-plink.sh BFILE SUMSTATS PHENO TRAIT WORKDIR ["QC OPTIONS"]
# QC OPTIONS go to both tools (--mind/--geno/--hwe/--maf share their names), e.g. "--mind 0.05 --geno 0.05".
# Also checks --hwe-all-samples against plink 1.9's --hwe include-nonctrl (variant QC only).
# Needs target/cohortex.jar, plink1.9, plink2, Rscript.
set -euo pipefail
B=$(realpath "$1"); SS=$(realpath "$2"); PH=$(realpath "$3"); TRAIT=$4; W=$5; QC=${6:-}
JAR=$(realpath "$(dirname "$0")/../target/cohortex.jar")
rm -rf "$W" && mkdir -p "$W/plink" && cd "$W"
opt() { local v; v=$(echo " $QC " | { grep -o -- " --$1 [^ ]*" || true; } | cut -d' ' -f3); echo "${v:-$2}"; }
HWE=$(opt hwe 1e-6); FILTERS="--mind $(opt mind 0.01) --geno $(opt geno 0.01) --maf $(opt maf 0.01)"   # cohortex's defaults
java -jar "$JAR" prs qc --bfile "$B" --sumstats "$SS" --out ours/qc $QC --threads 2 2>&1 | cut -c10- | tail -14
java -jar "$JAR" prs score --bfile "$B" --qc ours/qc --pheno "$PH" --trait "$TRAIT" --out ours/score --threads 2 2>&1 | cut -c10- | tail -2
java -jar "$JAR" prs qc --bfile "$B" --sumstats "$SS" --out ours/qc-all $QC --hwe-all-samples --threads 2 > /dev/null 2>&1
cd plink
P1="plink1.9 --silent --allow-no-sex --bfile $B"
P2="plink2 --silent --bfile $B"
O=../ours/qc
ids() { awk 'NR > 1 { print $1, $2 }' "$1"; }                   # FID IID of a table with a header
same() {
  sort "$1" > same.a; sort "$2" > same.b
  if cmp -s same.a same.b; then echo "identical ($(wc -l < same.a))"
  else echo "DIFFERENT: $(comm -3 same.a same.b | wc -l) lines differ ($(wc -l < same.a) vs $(wc -l < same.b))"; fi
}
ids $O/het.tsv > s.mind                                            # ours after --mind
grep -v -x -F -f <(tr '\t' ' ' < $O/removed/heterozygosity.txt) s.mind > s.het || true
if [ -f $O/sexcheck.tsv ]; then awk 'NR > 1 && $8 == "OK" { print $1, $2 }' $O/sexcheck.tsv > s.sex; else cp s.het s.sex; fi
tr '\t' ' ' < $O/samples.qc.txt > s.rel
cut -f2 "$B.bim" | sort | uniq -d > dupids.txt
# 1. duplicates, --mind --geno --hwe --maf (controls-only HWE when the .fam has them), and include-nonctrl
$P1 --exclude dupids.txt $FILTERS --hwe $HWE --write-snplist --make-just-fam --out s1
$P1 --exclude dupids.txt $FILTERS --hwe $HWE include-nonctrl --write-snplist --out s1all
echo "1. variant QC:            $(same s1.snplist $O/variants.qc.txt); samples after --mind $(same <(awk '{print $1, $2}' s1.fam) s.mind)"
echo "   --hwe include-nonctrl: $(same s1all.snplist ../ours/qc-all/variants.qc.txt)"
echo "   HWE row: $(awk -F'\t' '$1 == "hwe" { print $6 }' $O/qc_steps.tsv)"
# 2. LD pruning on our QC'd variants and samples
$P1 --keep s.mind --extract $O/variants.qc.txt --autosome --indep-pairwise 200 25 0.25 --out s2
echo "2. prune.in:              $(same s2.prune.in $O/prune.in)"
# 3. heterozygosity on our pruned set: the 3-SD outliers
$P1 --keep s.mind --extract $O/prune.in --het --out s3
Rscript -e 'h <- read.table("s3.het", header=TRUE); k <- abs(h$F - mean(h$F)) > 3*sd(h$F); write.table(h[k, 1:2], "s3.out", quote=FALSE, row.names=FALSE, col.names=FALSE)'
echo "3. het outliers:          $(same s3.out <(tr '\t' ' ' < $O/removed/heterozygosity.txt))"
# 4. sex check on our samples after het and our QC'd variants
if [ -f $O/sexcheck.tsv ]; then
  $P1 --keep s.het --extract $O/variants.qc.txt --check-sex --out s4
  echo "4. sex check PROBLEM:     $(same <(awk 'NR > 1 && $5 == "PROBLEM" { print $1, $2 }' s4.sexcheck) <(tr '\t' ' ' < $O/removed/sex_check.txt))"
fi
# 5. relatedness on our samples after the sex check and our pruned set
$P1 --keep s.sex --extract $O/prune.in --rel-cutoff 0.125 --out s5
echo "5. after --rel-cutoff:    $(same <(awk '{print $1, $2}' s5.rel.id) s.rel)"
# 6. PCA: plink2 --pca, and plink2's GRM in full precision for R's eigendecomposition
$P2 --keep s.rel --extract $O/prune.in --pca 20 --out s6
$P2 --keep s.rel --extract $O/prune.in --make-rel square bin --out s6
# 7. GWAS QC (R: every copy of a duplicated id, then the tutorial's filters) on our QC'd variants
export SS B
Rscript - <<'RS'
f <- Sys.getenv("SS"); con <- if (grepl("gz$", f)) gzfile(f) else f
ss <- read.table(con, header=TRUE, stringsAsFactors=FALSE, colClasses=c(SNP="character", A1="character", A2="character"))
bim <- read.table(paste0(Sys.getenv("B"), ".bim"), stringsAsFactors=FALSE, colClasses="character")
names(bim) <- c("CHR","SNP","CM","BP","B1","B2")
bim <- bim[bim$SNP %in% readLines("../ours/qc/variants.qc.txt"), ]
comp <- function(a) chartr("ACGT", "TGCA", a)
ss <- ss[!(ss$SNP %in% ss$SNP[duplicated(ss$SNP)]), ]; ss <- ss[comp(ss$A1) != ss$A2, ]
if (!is.null(ss$MAF)) ss <- ss[pmin(ss$MAF, 1 - ss$MAF) >= 0.01, ]
if (!is.null(ss$INFO)) ss <- ss[ss$INFO >= 0.8, ]
m <- merge(ss, bim, by="SNP")
s1 <- m$A1 == m$B1 & m$A2 == m$B2 | comp(m$A1) == m$B1 & comp(m$A2) == m$B2
s2 <- m$A1 == m$B2 & m$A2 == m$B1 | comp(m$A1) == m$B2 & comp(m$A2) == m$B1
m$BETA_A1 <- ifelse(s1, m$BETA, ifelse(s2, -m$BETA, NA)); m <- m[!is.na(m$BETA_A1), ]
o <- read.table("../ours/qc/sumstats.matched.tsv", header=TRUE, stringsAsFactors=FALSE)
ok <- setequal(o$SNP, m$SNP)
d <- if (ok) max(abs(o$BETA_A1 - m$BETA_A1[match(o$SNP, m$SNP)])) else NA
cat(sprintf("7. matched GWAS:          %s (%d vs %d), max |beta difference| %g\n", if (ok) "identical" else "DIFFERENT", nrow(o), nrow(m), d))
RS
# 8. clumping of our matched variants in our final samples
awk 'BEGIN { print "SNP P" } NR > 1 { print $1, $3 }' $O/sumstats.matched.tsv > s8.p
$P1 --keep s.rel --extract $O/variants.qc.txt --clump s8.p --clump-p1 1 --clump-p2 1 --clump-r2 0.1 --clump-kb 250 --out s8
echo "8. clumped index:         $(same <(awk 'NR > 1 && NF > 2 { print $3 }' s8.clumped) <(tail -n +2 ../ours/score/clumped.tsv | cut -f1))"
# 9-10. scores of our clumped variants (plink2, and R in full precision from plink's 0/1/2 export), R2 table in R
tail -n +2 ../ours/score/clumped.tsv | cut -f1 > s9.snps
awk 'NR > 1 { print $1, $4, $5 }' ../ours/score/clumped.tsv > s9.w
printf "t5e-08 0 5e-08\nt1e-05 0 1e-05\nt0.001 0 0.001\nt0.01 0 0.01\nt0.05 0 0.05\nt0.1 0 0.1\nt0.5 0 0.5\nt1 0 1\n" > s9.ranges
awk 'NR > 1 { print $1, $6 }' ../ours/score/clumped.tsv > s9.p
$P2 --keep s.rel --extract s9.snps --score s9.w 1 2 3 cols=+scoresums --q-score-range s9.ranges s9.p --out s9 2> /dev/null || true
$P1 --keep s.rel --extract s9.snps --keep-allele-order --recode A --out s9raw
export PH TRAIT
Rscript - <<'RS'
id <- read.table("s6.rel.id", header=TRUE, comment.char="")
n <- nrow(id)
e <- eigen(matrix(readBin("s6.rel.bin", "double", n * n), n, n), symmetric=TRUE)
ov <- as.numeric(readLines("../ours/qc/pcs.eigenval.txt"))
pv <- read.table("s6.eigenval")$V1
o <- read.table("../ours/qc/pcs.tsv", header=TRUE)
p2 <- read.table("s6.eigenvec", header=TRUE, comment.char="")
stopifnot(all(o$IID == id[, 2]), all(o$IID == p2[, 2]))
k <- ncol(o) - 2
cat(sprintf("6. PCA eigenvalues:       max |ours - R on plink2's GRM| %.2e, max relative to plink2's printed %.2e\n",
            max(abs(ov - e$values[1:k])), max(abs(ov - pv) / pv)))
cat(sprintf("   PC subspace:           min canonical correlation %.8f with R's eigenvectors of plink2's GRM, %.6f with plink2's printed\n",
            min(cancor(as.matrix(o[, 3:(k + 2)]), e$vectors[, 1:k])$cor), min(cancor(as.matrix(o[, 3:(k + 2)]), as.matrix(p2[, 3:(k + 2)]))$cor)))
g <- read.table("s9raw.raw", header=TRUE, check.names=FALSE)
x <- as.matrix(g[, -(1:6)]); colnames(x) <- sub("_[^_]+$", "", colnames(x))
for (j in seq_len(ncol(x))) { m <- mean(x[, j], na.rm=TRUE); x[is.na(x[, j]), j] <- m }
cl <- read.table("../ours/score/clumped.tsv", header=TRUE, stringsAsFactors=FALSE)
cl <- cl[match(colnames(x), cl$SNP), ]
th <- c(5e-8, 1e-5, 1e-3, 0.01, 0.05, 0.1, 0.5, 1); lab <- c("5e-08", "1e-05", "0.001", "0.01", "0.05", "0.1", "0.5", "1")
use <- sapply(th, function(t) cl$P <= t)
s <- x %*% ifelse(use, cl$BETA, 0)
ours <- read.table("../ours/score/scores.tsv", header=TRUE, check.names=FALSE)
stopifnot(all(ours$IID == g$IID))
rel <- max(abs(as.matrix(ours[, paste0("sum_", lab)]) - s) / pmax(1, abs(s)))
worst2 <- 0
for (t in lab) { f <- paste0("s9.t", t, ".sscore"); if (!file.exists(f)) next
  q <- read.table(f, header=TRUE, comment.char=""); worst2 <- max(worst2, abs(ours[[paste0("sum_", t)]] - q$SCORE1_SUM) / pmax(1, abs(q$SCORE1_SUM))) }
cat(sprintf("9. scores:                max relative difference %.2e from R on plink's export, %.2e from plink2's 6 printed digits\n", rel, worst2))
ph <- read.table(Sys.getenv("PH"), header=TRUE, stringsAsFactors=FALSE)
tr <- Sys.getenv("TRAIT")
y <- ph[[tr]][match(g$IID, ph[[1]])]
pcs <- e$vectors[, 1:k]
keep <- !is.na(y)
bin <- all(y[keep] %in% c(0, 1))
ctl <- glm.control(epsilon=1e-14, maxit=100)
r2 <- function(fit) {
  if (!bin) return(summary(fit)$r.squared)
  n <- length(fit$y); l1 <- as.numeric(logLik(fit)); p <- mean(fit$y); l0 <- sum(fit$y) * log(p) + sum(1 - fit$y) * log(1 - p)
  (1 - exp(2 * (l0 - l1) / n)) / (1 - exp(2 * l0 / n))
}
fit <- function(X) if (bin) glm(y[keep] ~ X, family=binomial, control=ctl) else lm(y[keep] ~ X)
null <- r2(fit(pcs[keep, ]))
want <- sapply(seq_along(th), function(t) if (sum(use[, t]) == 0) NA else r2(fit(cbind(s[keep, t], pcs[keep, ]))) - null)
pv <- sapply(seq_along(th), function(t) if (sum(use[, t]) == 0) NA else
  coef(summary(fit(cbind(s[keep, t], pcs[keep, ]))))[2, 4])
r <- read.table("../ours/score/r2.tsv", header=TRUE, colClasses=c(threshold="character", best="character"))
cat(sprintf("10. R2 table:             max |incremental R2 - R's| %.2e, max |r2_null - R's| %.2e, max relative p difference %.2e; best %s (ours) vs %s (R)\n",
            max(abs(r$r2_incremental - want), na.rm=TRUE), abs(r$r2_null[1] - null), max(abs(r$p - pv) / pv, na.rm=TRUE),
            r$threshold[r$best == "true"], lab[which.max(want)]))
RS
rm -f same.a same.b
