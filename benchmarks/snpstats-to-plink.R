# snpStats' `testdata` (400 subjects of a type 1 diabetes non-synonymous SNP screen, random case/control
# status; Bioconductor snpStats 1.48, Debian r-bioc-snpstats) as a PLINK 1 fileset with case/control
# status and sex, a phenotype table, and GWAS summary statistics with the usual traps, for
# benchmarks/prs-steps-vs-plink.sh.
#   Rscript benchmarks/snpstats-to-plink.R OUTDIR
# What is made up (the package has none of it): positions (100 kb apart in the package's column order
# within each chromosome), allele letters (A/G, C/T, A/C, G/T in turn; every 30th SNP A/T), and the
# split: a random half of the subjects (seed 18) is the GWAS (base), the other half the PLINK fileset
# (target), so that base and target do not overlap. The GWAS is a per-SNP logistic regression of cc on
# the autosomal allele-B count in the base half (snpStats::snp.rhs.estimates). GWAS traps: 40 ids
# duplicated with another beta, 10% of rows with A1/A2 swapped (beta re-signed), 5% strand-flipped,
# INFO uniform on (0.6, 1), 50 ids not in the target. SNPs called in fewer than 90% of all subjects (a
# block missing in one genotyping batch, 3,268 autosomal) are left out, so that --mind keeps most.
suppressMessages(library(snpStats))
options(scipen=100)  # positions as integers in the .bim
out <- commandArgs(TRUE)[1]
dir.create(out, showWarnings=FALSE, recursive=TRUE)
data(testdata)
set.seed(18)
a <- Autosomes[, col.summary(Autosomes)$Call.rate >= 0.9]
# chromosome by chromosome (plink 1.9 treats a chromosome split across the .bim specially), package order within
achr <- as.integer(Asnps$chromosome[match(colnames(a), Asnps$rownames)])
a <- a[, order(achr, seq_along(achr))]
achr <- sort(achr)
x <- Xchromosome[, col.summary(Xchromosome)$Call.rate >= 0.9]
chr <- c(achr, rep(23L, ncol(x)))
g <- cbind(a, as(x, "SnpMatrix"))
pos <- ave(seq_along(chr), chr, FUN=seq_along) * 100000
pairs <- rbind(c("A", "G"), c("C", "T"), c("A", "C"), c("G", "T"))
al <- pairs[(seq_along(chr) - 1) %% 4 + 1, ]
al[seq_along(chr) %% 30 == 0, ] <- rep(c("A", "T"), each=sum(seq_along(chr) %% 30 == 0))
ids <- paste0("snp", colnames(g))
colnames(g) <- ids
base <- sort(sample(nrow(subject.data), nrow(subject.data) / 2))
subj <- subject.data[-base, ]
g <- g[-base, ]
sex <- ifelse(subj$sex == "Male", 1L, 2L)
status <- ifelse(subj$cc == "case", 2L, 1L)
write.plink(file.base=file.path(out, "testdata"), snps=g, pedigree=rownames(subj), id=rownames(subj),
            father=rep(0L, nrow(subj)), mother=rep(0L, nrow(subj)), sex=sex, phenotype=status,
            chromosome=ifelse(chr == 23L, "X", as.character(chr)), genetic.distance=rep(0, ncol(g)), position=pos, allele.1=al[, 1], allele.2=al[, 2])
write.table(data.frame(sample=rownames(subj), cc=as.integer(subj$cc == "case")), file.path(out, "pheno.tsv"),
            quote=FALSE, row.names=FALSE, sep="\t")
# GWAS on the autosomes: log odds ratio per copy of allele B (allele.2)
colnames(a) <- ids[seq_len(ncol(a))]
est <- suppressWarnings(snp.rhs.estimates(cc ~ 1, family="binomial", data=subject.data[base, ], snp.data=a[base, ],
                                          set=colnames(a)))  # monomorphic: NULL
ok <- !sapply(est, is.null)
beta <- sapply(est[ok], function(e) e$beta)
se <- sqrt(sapply(est[ok], function(e) e$Var))
k <- match(names(est)[ok], ids)
cs <- col.summary(a[base, ])[names(est)[ok], ]
gw <- data.frame(SNP=ids[k], CHR=chr[k], BP=pos[k], A1=al[k, 2], A2=al[k, 1], BETA=signif(beta, 7), SE=signif(se, 7),
                 P=signif(2 * pnorm(-abs(beta / se)), 7), MAF=round(pmin(cs$RAF, 1 - cs$RAF), 4), INFO=round(runif(length(k), 0.6, 1), 3),
                 stringsAsFactors=FALSE)
comp <- function(s) chartr("ACGT", "TGCA", s)
n <- nrow(gw)
sw <- sample(n, round(0.1 * n)); t1 <- gw$A1[sw]; gw$A1[sw] <- gw$A2[sw]; gw$A2[sw] <- t1; gw$BETA[sw] <- -gw$BETA[sw]
fl <- sample(n, round(0.05 * n)); gw$A1[fl] <- comp(gw$A1[fl]); gw$A2[fl] <- comp(gw$A2[fl])
dup <- gw[sample(n, 40), ]; dup$BETA <- signif(dup$BETA * 0.5, 7); dup$P <- signif(pmin(1, dup$P * 2), 7)
fake <- gw[sample(n, 50), ]; fake$SNP <- paste0(fake$SNP, "_elsewhere")
gw <- rbind(gw, dup, fake)
gw <- gw[order(runif(nrow(gw))), ]
con <- gzfile(file.path(out, "sumstats.tsv.gz"), "w")
write.table(gw, con, quote=FALSE, row.names=FALSE, sep="\t")
close(con)
cat(sprintf("%s: %d subjects (%d cases), %d SNPs (%d chrX); GWAS %d rows\n", out, nrow(subj), sum(status == 2), ncol(g),
            ncol(x), nrow(gw)))
