#!/usr/bin/env bash
# R doing the counts + SVA + covariate-check + DE work of a finished `cohortex run` grid's bulk analyses, analysis by
# analysis, on the same counts and samples: edgeR's filterByExpr(design ~ trait) and calcNormFactors (TMM), voom's
# log2-CPM on the effective library sizes, num.sv(method = "be", B = 20), sva(method = "irw", B = 5), cor.test of every
# candidate covariate against every SV (the selection's costly part), then the regression of every gene on trait + SVs +
# the covariates cohortex kept (limma::lmFit, i.e. lm per gene by QR). Timings per analysis go to OUT/r_grid.tsv as
# they finish (beside cohortex's time for the same unit, from the run's manifest), so a stopped run resumes.
#   benchmarks/grid-vs-r.sh RESULTS_DIR OUT_DIR [reference|openblas] [MAX_ANALYSES] [SUBSET_FILE]
# SUBSET_FILE: analyses to run, one trait/set per line (default: every bulk analysis of the grid). The cell-type units
# (the log2-share interaction model, one per trait and region) have no R counterpart here and are skipped.
# reference: R on Debian's reference BLAS/LAPACK (the default of the Debian packages, forced with
# LD_LIBRARY_PATH even where OpenBLAS is installed); openblas: whatever BLAS the alternatives give.
# Debian's OpenBLAS 0.3.21 does not know recent Xeons (family 6 model 207) and falls back to its
# generic Prescott kernels: give R its best with OPENBLAS_CORETYPE=SkylakeX in the environment.
# Needs r-bioc-sva, r-bioc-limma, r-bioc-edger, r-cran-jsonlite. Not part of CI.
set -euo pipefail
RES=$(realpath "$1"); OUT=$2; BLAS=${3:-reference}; MAX=${4:-100000}; SUBSET=${5:-}
mkdir -p "$OUT"
if [ "$BLAS" = reference ]; then
  # R's launcher puts R_LD_LIBRARY_PATH (from R_HOME/etc/ldpaths) before LD_LIBRARY_PATH
  export R_LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/blas:/usr/lib/x86_64-linux-gnu/lapack:/usr/lib/R/lib:/usr/lib/x86_64-linux-gnu
fi
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-2}
cat > "$OUT/grid.R" <<'RS'
suppressMessages({ library(sva); library(limma); library(edgeR); library(jsonlite) })
a <- commandArgs(TRUE); res <- a[1]; out <- a[2]; maxn <- as.integer(a[3])
subset <- if (length(a) > 3 && nzchar(a[4])) readLines(a[4]) else NULL
log_file <- file.path(out, "r_grid.tsv")
done <- if (file.exists(log_file)) read.delim(log_file, stringsAsFactors = FALSE)$analysis else character(0)
if (!file.exists(log_file)) cat("analysis\tn_genes\tn_samples\tgenes_kept_cohortex\tnsv_r\tnsv_cohortex\tcounts_s\tnum_sv_s\tirw_s\tcortest_s\tlm_s\ttotal_s\tcohortex_unit_s\tratio\tmedian_abs_t_diff\tmax_rel_t_diff_same_svs\n", file = log_file)
cat(sprintf("R %s, sva %s, limma %s, edgeR %s; BLAS: %s\n", getRversion(), packageVersion("sva"), packageVersion("limma"),
            packageVersion("edgeR"), extSoftVersion()[["BLAS"]]))
manifest <- fromJSON(file.path(res, "manifest.json"))
idcol <- manifest$config$cohort$sample_column
models <- Sys.glob(file.path(res, "de", "*", "*", "model.json"))
cache_path <- ""; cache <- NULL
n_run <- 0
for (mf in models) {
  m <- fromJSON(mf)
  id <- paste(m$trait, m$set, sep = "/")
  if (!is.null(m$method)) next  # a cell-type set of the interaction model
  if (id %in% done || (!is.null(subset) && !(id %in% subset))) next
  if (n_run >= maxn) break
  n_run <- n_run + 1
  dir <- dirname(mf)
  if (m$expression != cache_path) {
    cache <- as.matrix(read.delim(m$expression, row.names = 1, check.names = FALSE)); cache_path <- m$expression
  }
  ph <- read.delim(m$phenotype, check.names = FALSE, stringsAsFactors = FALSE)
  ph <- ph[match(colnames(cache), ph[[idcol]]), ]
  keep <- !is.na(ph[[m$trait]])
  ph <- ph[keep, ]
  mod <- model.matrix(~ ph[[m$trait]]); mod0 <- model.matrix(~ 1, data = ph)
  tc <- proc.time()[["elapsed"]]
  # the counts steps, as cohortex's model.json records them (edgeR 3.40 user's guide; voom's log2-CPM)
  y <- DGEList(cache[, keep])
  if (isTRUE(m$filter_by_expr)) y <- y[filterByExpr(y, mod), , keep.lib.sizes = FALSE]
  if (identical(m$normalize, "tmm")) y <- calcNormFactors(y)
  dat <- log2(t((t(y$counts) + 0.5) / (y$samples$lib.size * y$samples$norm.factors + 1) * 1e6))
  t0 <- proc.time()[["elapsed"]]
  nsv <- num.sv(dat, mod, method = "be", B = 20, seed = 1)
  t1 <- proc.time()[["elapsed"]]
  sv <- if (nsv > 0) sva(dat, mod, mod0, n.sv = nsv, method = "irw", B = 5)$sv else matrix(0, ncol(dat), 0)
  if (nsv == 1) sv <- matrix(sv, ncol = 1)
  t2 <- proc.time()[["elapsed"]]
  # the SV check of every candidate (all phenotype columns but ids and traits), as the paper does
  traits <- manifest$config$traits
  cand <- setdiff(names(ph), c(idcol, "region", traits))
  for (v in cand) {
    y <- ph[[v]]
    if (mean(is.na(y)) > 0.5 || length(unique(na.omit(y))) < 2) next
    for (j in seq_len(ncol(sv))) {
      if (is.numeric(y)) suppressWarnings(try(cor.test(y, sv[, j])$p.value, silent = TRUE))
      else suppressWarnings(try(anova(lm(sv[, j] ~ factor(y)))[["Pr(>F)"]][1], silent = TRUE))
    }
  }
  t3 <- proc.time()[["elapsed"]]
  sel <- file.path(dir, "covariate_selection.tsv")
  kept <- if (file.exists(sel)) { s <- read.delim(sel, stringsAsFactors = FALSE); s$variable[s$decision == "kept"] } else character(0)
  df <- data.frame(trait = ph[[m$trait]], sv)
  for (v in kept) df[[v]] <- ph[[v]]
  cc <- complete.cases(df)
  design <- model.matrix(~ ., data = df[cc, , drop = FALSE])
  fit <- lmFit(dat[, cc], design)
  tstat <- fit$coefficients[, 2] / fit$stdev.unscaled[, 2] / fit$sigma
  t4 <- proc.time()[["elapsed"]]
  ours <- read.delim(file.path(dir, "de.tsv"))
  common <- intersect(names(tstat), ours$gene)
  dt <- median(abs(tstat[common] - ours$t[match(common, ours$gene)]), na.rm = TRUE)
  nsv_ours <- tryCatch(fromJSON(file.path(dir, "num_sv.json"))$n_sv, error = function(e) NA)
  # the DE step alone: R's regression with cohortex's SVs and covariates must give cohortex's t
  osv <- read.delim(file.path(dir, "svs.tsv"), check.names = FALSE)
  used <- match(osv[[1]], colnames(dat))
  d2 <- data.frame(trait = ph[[m$trait]][used], osv[, -1, drop = FALSE])
  for (v in kept) d2[[v]] <- ph[[v]][used]
  des2 <- model.matrix(~ ., data = d2)
  f2 <- lmFit(dat[, used], des2)
  t2s <- f2$coefficients[, 2] / f2$stdev.unscaled[, 2] / f2$sigma
  ot <- ours$t[match(names(t2s), ours$gene)]
  same <- max(abs(t2s - ot) / pmax(1, abs(ot)), na.rm = TRUE)
  ours_s <- manifest$units[[paste0("de/", id)]]$seconds
  if (is.null(ours_s)) ours_s <- NA
  kept_ours <- if (is.null(m$counts$genes_kept)) NA else m$counts$genes_kept
  cat(sprintf("%s\t%d\t%d\t%s\t%d\t%s\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.1f\t%.4g\t%.3g\n", id, nrow(dat), ncol(dat),
              kept_ours, nsv, nsv_ours, t0 - tc, t1 - t0, t2 - t1, t3 - t2, t4 - t3, t4 - tc, ours_s, (t4 - tc) / ours_s, dt, same),
      file = log_file, append = TRUE)
  cat(sprintf("[%d] %s: %d genes (cohortex %s), n.sv %d (cohortex %s), %.1f s (cohortex %.2f s)\n", n_run, id, nrow(dat), kept_ours,
              nsv, nsv_ours, t4 - tc, ours_s))
}
RS
Rscript "$OUT/grid.R" "$RES" "$OUT" "$MAX" "$SUBSET"
awk -F'\t' 'NR > 1 { n++; s += $12; c += $13; if ($5 == $6) same++ } END { printf "R: %d analyses, %.1f s of counts + SVA + checks + DE in all (%.1f s each); cohortex %.1f s for the same units (%.2f s each): %.1fx; n.sv equal in %d\n", n, s, s / n, c, c / n, s / c, same }' "$OUT/r_grid.tsv"
