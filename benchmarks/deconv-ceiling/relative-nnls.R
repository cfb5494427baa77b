# Relative-error NNLS by iterated reweighting (weights 1/(S x)^2, no cap), the undampened core of
# DWLS, on the signature cohortex wrote. Usage: Rscript relative-nnls.R SIGNATURE.tsv COUNTS.tsv.gz TRUE_PROPORTIONS.tsv
suppressMessages(library(quadprog))
a <- commandArgs(TRUE)
s <- as.matrix(read.delim(a[1], row.names = 1))
x <- as.matrix(read.delim(a[2], row.names = 1, check.names = FALSE))
y <- (t(t(x) / colSums(x)) * 1e6)[rownames(s), ]
tru <- read.delim(a[3], row.names = 1)[colnames(y), colnames(s)]
fit <- function(yy, w) { w <- w / max(s * w); D <- s * w; pmax(solve.QP(crossprod(D), crossprod(D, yy * w), diag(ncol(s)), rep(0, ncol(s)))$solution, 0) }
est <- t(apply(y, 2, function(yy) { w <- fit(yy, rep(1, nrow(s))); for (it in 1:5) w <- fit(yy, 1 / pmax(as.vector(s %*% w), 1e-3)); w / sum(w) }))
colnames(est) <- colnames(s)
print(round(sapply(colnames(s), function(c) cor(est[, c], tru[[c]])), 3))
