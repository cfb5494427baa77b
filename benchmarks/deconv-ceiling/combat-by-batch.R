# ComBat (sva) of a region's bulk log2(CPM + 1) over the sequencing batches, written back as linear
# CPM for `cohortex deconvolve --bulk-scale linear`. Usage: Rscript combat-by-batch.R COHORT REGION OUT.tsv
suppressMessages(library(sva))
a <- commandArgs(TRUE); cohort <- a[1]; reg <- a[2]
x <- as.matrix(read.delim(file.path(cohort, "expr", paste0(reg, ".counts.tsv.gz")), row.names = 1, check.names = FALSE))
ph <- read.delim(file.path(cohort, "pheno.tsv"), row.names = 1)
y <- log2(t(t(x) / colSums(x)) * 1e6 + 1)
keep <- apply(y, 1, var) > 0
y[keep, ] <- ComBat(y[keep, ], batch = ph[colnames(y), "batch"])
out <- pmax(2^y - 1, 0)
write.table(data.frame(gene = rownames(out), out, check.names = FALSE), a[3], sep = "\t", quote = FALSE, row.names = FALSE)
