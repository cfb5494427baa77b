package org.cohortex.io;

import java.nio.file.Path;
import java.util.Set;

import org.cohortex.Log;

/**
 * What an analysis of one expression matrix against a phenotype table starts from: the matrix on
 * the model's scale, restricted to the samples that have a phenotype row (in expression order),
 * the phenotype table, and what did not match. Shared by `de`, `sva` and the study grid.
 */
public record AnalysisData(ExpressionMatrix expr, PhenotypeTable pheno, SampleMatch match) {
    /**
     * Reads the phenotypes, matches the samples, converts counts to voom's log2-CPM.
     *
     * @param raw   the expression matrix as read from {@code exprPath} (a grid analyses one matrix for several traits)
     * @param scale COUNTS: fitted on voom's log2-CPM; LOG2: used as given
     */
    public static AnalysisData prepare(ExpressionMatrix raw, Path exprPath, Scale scale, Path phenoPath, String sampleColumn,
                                       Set<String> categorical, boolean dropSamplesWithoutPhenotype, Log.Sink log) {
        AnalysisData d = matched(raw, exprPath, phenoPath, sampleColumn, categorical, dropSamplesWithoutPhenotype, log);
        return scale == Scale.COUNTS ? new AnalysisData(Scale.voomLog2Cpm(d.expr, exprPath.toString()), d.pheno, d.match) : d;
    }

    /**
     * Reads the phenotypes and matches the samples, leaving the values as read: the DE engine
     * normalises raw counts itself (filterByExpr and TMM need the counts and the design). The matrix is
     * {@code raw} itself when every sample matched, in order (a grid's five analyses of a region share the
     * matrix it read): callers only read it.
     */
    public static AnalysisData matched(ExpressionMatrix raw, Path exprPath, Path phenoPath, String sampleColumn, Set<String> categorical,
                                       boolean dropSamplesWithoutPhenotype, Log.Sink log) {
        PhenotypeTable pheno = PhenotypeReader.read(phenoPath, sampleColumn, categorical);
        SampleMatch match = SampleMatch.of(exprPath.toString(), raw.samples, pheno, dropSamplesWithoutPhenotype, log);
        return new AnalysisData(raw.samplesToRead(match.matched), pheno, match);
    }
}
