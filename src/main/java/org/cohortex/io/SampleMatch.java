package org.cohortex.io;

import java.util.ArrayList;
import java.util.List;

import org.cohortex.Log;
import org.cohortex.UserException;

/**
 * Matches the samples of an expression matrix with the rows of a phenotype table by id and reports
 * what did not match. An expression sample without a phenotype row is an error unless the caller
 * allows dropping it (then it is reported); phenotype rows without expression are normal (the
 * table covers all donors, a matrix one region) and only counted.
 */
public final class SampleMatch {
    /** Indices into the expression samples of those that have a phenotype row, in expression order. */
    public final int[] matched;
    public final List<String> withoutPhenotype;
    public final int phenotypeOnly;

    private SampleMatch(int[] matched, List<String> withoutPhenotype, int phenotypeOnly) {
        this.matched = matched;
        this.withoutPhenotype = withoutPhenotype;
        this.phenotypeOnly = phenotypeOnly;
    }

    public static SampleMatch of(String exprSource, String[] exprSamples, PhenotypeTable pheno, boolean dropUnmatched, Log.Sink log) {
        List<Integer> ok = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < exprSamples.length; i++) {
            if (pheno.row(exprSamples[i]) >= 0) ok.add(i); else missing.add(exprSamples[i]);
        }
        int phenoOnly = pheno.sampleCount() - ok.size();
        if (ok.isEmpty()) {
            throw new UserException("no sample of " + exprSource + " is in " + pheno.source + " (column '" + pheno.sampleColumn
                    + "'): expression ids look like '" + exprSamples[0] + "', phenotype ids like '" + pheno.samples().get(0)
                    + "'; is {@sample_column} right?");
        }
        if (!missing.isEmpty()) {
            String list = String.join(", ", missing.subList(0, Math.min(10, missing.size()))) + (missing.size() > 10 ? ", ..." : "");
            if (!dropUnmatched) {
                throw new UserException(missing.size() + " of " + exprSamples.length + " samples of " + exprSource + " have no row in "
                        + pheno.source + ": " + list + " (add them, or set {@drop_samples_without_phenotype} to analyse the rest)");
            }
            log.warn("dropping %d expression samples without a phenotype row: %s", missing.size(), list);
        }
        if (phenoOnly > 0) log.info("%d phenotype rows have no expression column in %s (not used)", phenoOnly, exprSource);
        return new SampleMatch(ok.stream().mapToInt(Integer::intValue).toArray(), missing, phenoOnly);
    }
}
