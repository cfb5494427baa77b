package org.cohortex.de;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.IntStream;

import org.cohortex.Log;
import org.cohortex.UserException;
import org.cohortex.counts.FilterByExpr;
import org.cohortex.counts.LimmaVoom.Normalization;
import org.cohortex.counts.LogCpm;
import org.cohortex.counts.TmmNormalization;
import org.cohortex.io.AnalysisData;
import org.cohortex.io.AtomicFile;
import org.cohortex.io.ExpressionMatrix;
import org.cohortex.io.MatrixWriter;
import org.cohortex.io.PhenotypeTable;
import org.cohortex.io.Scale;
import org.cohortex.linalg.Mat;
import org.cohortex.stats.DesignBuilder;
import org.cohortex.stats.DesignMatrix;

/**
 * The counts steps of a DE analysis, before anything is estimated from the expression, in the order
 * of the edgeR/limma workflow (edgeR 3.40 user's guide; limma 3.54 voom):
 * <pre>
 *   design0 <- model.matrix(~ trait + covariates [+ SVs given as a file]) on its complete cases
 *   keep <- filterByExpr(y, design0); y <- y[keep, , keep.lib.sizes = FALSE]
 *   y <- calcNormFactors(y)                       (or all factors 1)
 *   E <- log2((count + 0.5) / (lib.size * norm.factor + 1) * 1e6)
 * </pre>
 * SVA and covariate selection then work on E, and the model (with the SVs) is fitted on E, with voom
 * weights when asked, so every step sees the same matrix. Estimated SVs and selected covariates
 * cannot enter design0: they are computed from E. Library sizes and factors belong to the samples of
 * design0; a sample the final model drops (a selected covariate missing) keeps them, as when a
 * DGEList is subset by columns. Cost O(genes n log genes) (TMM's ranks).
 *
 * @param inputGenes  every gene of the expression file
 * @param kept        per input gene: passed filterByExpr (all true without the filter)
 * @param counts      kept genes x samples of design0, the raw counts
 * @param logCpm      the same shape: voom's log2-CPM on the effective library sizes
 * @param libSize     per sample of design0: column sums of the kept genes' counts
 * @param normFactors per sample: TMM factors (geometric mean 1), or 1
 * @param design      design0 (its dropped samples lacked the trait, a forced covariate or a given SV)
 */
record FilteredLogCpm(String[] inputGenes, boolean[] kept, ExpressionMatrix counts, ExpressionMatrix logCpm, double[] libSize,
                      double[] normFactors, DesignMatrix design, boolean filtered, Normalization normalization) {

    /** The counts of {@code data} (matched samples) through filter, library sizes, TMM and log2-CPM as {@code r} asks. */
    static FilteredLogCpm of(AnalysisData data, DeRequest r, PhenotypeTable givenSvs, Log.Sink log) {
        ExpressionMatrix raw = data.expr();
        Scale.requireCounts(raw, r.expr().toString()); // every value a non-negative count, else a located error
        DesignMatrix design0 = DesignBuilder.build(Arrays.asList(raw.samples), data.pheno(), r.trait(), r.covariates(), givenSvs);
        ExpressionMatrix c = raw.samplesToRead(design0.used); // read below, never written
        int genes = c.geneCount(), n = c.sampleCount();
        boolean[] kept = new boolean[genes];
        if (r.limma().filter()) kept = FilterByExpr.keep(c.values.data, genes, n, design0.x);
        else Arrays.fill(kept, true);
        int[] at = new int[genes]; // each kept gene's row in sub, -1 for the others
        int m = rowsOfKept(kept, at);
        if (m < 2) {
            throw new UserException(r.expr() + ": only " + m + " of " + genes + " genes pass filterByExpr (a count of at least 10 at the"
                    + " median library size in enough samples): too few to fit; check that the file holds raw counts");
        }
        String[] keptGenes = keptNames(c.genes, at, m);
        double[] sub = new double[m * n];
        IntStream.range(0, (genes + 1023) / 1024).parallel().forEach(b -> { // gene blocks on all cores
            for (int g = b * 1024, e = Math.min(genes, g + 1024); g < e; g++) {
                if (at[g] >= 0) System.arraycopy(c.values.data, g * n, sub, at[g] * n, n);
            }
        });
        double[] lib = FilterByExpr.columnSums(sub, m, n);
        for (int j = 0; j < n; j++) {
            if (!(lib[j] > 0)) throw new UserException(r.expr() + ": sample '" + c.samples[j] + "' has no counts in the " + m
                    + " genes kept: remove it or check the file");
        }
        double[] nf = new double[n];
        if (r.limma().normalize() == Normalization.TMM) nf = TmmNormalization.factors(sub, m, n, lib);
        else Arrays.fill(nf, 1);
        double[] e = LogCpm.voom(sub, m, n, LogCpm.effective(lib, nf));
        ExpressionMatrix counts = new ExpressionMatrix(keptGenes, c.samples, new Mat(m, n, sub));
        ExpressionMatrix logCpm = new ExpressionMatrix(keptGenes, c.samples, new Mat(m, n, e));
        if (r.limma().filter()) {
            log.info("counts: filterByExpr kept %d of %d genes (design %s on %d samples); library sizes recomputed", m, genes,
                    String.join(" + ", design0.columns.subList(1, design0.columns.size())), n);
        }
        if (r.limma().normalize() == Normalization.TMM) {
            log.info("counts: TMM factors %.3f to %.3f", Arrays.stream(nf).min().orElse(1), Arrays.stream(nf).max().orElse(1));
        }
        return new FilteredLogCpm(c.genes, kept, counts, logCpm, lib, nf, design0, r.limma().filter(), r.limma().normalize());
    }

    // The passes over every gene below are methods of their own: `of` and `write` run once per analysis, and the JIT,
    // meeting these loops' 20,000 turns, would compile either whole (its messages and all) rather than the loop alone.

    /** Numbers the kept genes 0, 1, ... in order into {@code at} (-1 for a gene not kept); returns how many are kept. */
    private static int rowsOfKept(boolean[] kept, int[] at) {
        int k = 0;
        for (int g = 0; g < kept.length; g++) at[g] = kept[g] ? k++ : -1;
        return k;
    }

    /** The names of the m kept genes, in order ({@code at} as {@link #rowsOfKept} numbers them). */
    private static String[] keptNames(String[] genes, int[] at, int m) {
        String[] kept = new String[m];
        for (int g = 0; g < genes.length; g++) if (at[g] >= 0) kept[at[g]] = genes[g];
        return kept;
    }

    /** filter_by_expr.tsv's text: every input gene, TRUE where kept. */
    private static String filterTable(String[] genes, boolean[] kept) {
        StringBuilder sb = new StringBuilder("gene\tkept\n");
        for (int g = 0; g < genes.length; g++) sb.append(genes[g]).append('\t').append(kept[g] ? "TRUE" : "FALSE").append('\n');
        return sb.toString();
    }

    /** Effective library sizes (lib.size x norm.factor) of the given samples, indices into {@link #counts}' samples. */
    double[] effectiveLibSizes(int[] samples) {
        double[] e = new double[samples.length];
        for (int k = 0; k < samples.length; k++) e[k] = libSize[samples[k]] * normFactors[samples[k]];
        return e;
    }

    int genesKept() { return counts.geneCount(); }

    /**
     * DIR/filter_by_expr.tsv (gene, kept: TRUE/FALSE, every input gene) when filtered, and
     * DIR/normalization.tsv (sample, lib_size, norm_factor); a table this run does not make is removed.
     */
    void write(Path dir) {
        Path filter = dir.resolve("filter_by_expr.tsv");
        if (filtered) {
            AtomicFile.writeString(filter, filterTable(inputGenes, kept));
        } else {
            DifferentialExpression.deleteStale(filter);
        }
        StringBuilder sb = new StringBuilder("sample\tlib_size\tnorm_factor\n");
        for (int j = 0; j < libSize.length; j++) {
            sb.append(counts.samples[j]).append('\t');
            MatrixWriter.appendNumber(sb, libSize[j]);
            sb.append('\t');
            MatrixWriter.appendNumber(sb, normFactors[j]);
            sb.append('\n');
        }
        AtomicFile.writeString(dir.resolve("normalization.tsv"), sb.toString());
    }

    /** Removes the counts tables of an earlier run from a folder whose analysis had no counts. */
    static void removeStale(Path dir) {
        DifferentialExpression.deleteStale(dir.resolve("filter_by_expr.tsv"));
        DifferentialExpression.deleteStale(dir.resolve("normalization.tsv"));
    }
}
