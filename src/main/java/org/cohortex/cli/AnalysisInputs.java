package org.cohortex.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine.Option;
import org.cohortex.UserException;
import org.cohortex.io.Scale;

/** The inputs of an analysis of one expression matrix against one trait: shared by `de` and `sva`. */
final class AnalysisInputs {
    @Option(names = "--expr", required = true, paramLabel = "FILE",
            description = "Genes x samples matrix (TSV/CSV, .gz ok); first column gene id.")
    Path expr;

    @Option(names = "--pheno", required = true, paramLabel = "FILE", description = "Phenotype table, one row per sample.")
    Path pheno;

    @Option(names = "--trait", required = true, paramLabel = "COL",
            description = "Phenotype column tested (numeric, or categorical with 2 levels).")
    String trait;

    @Option(names = "--sample-column", paramLabel = "ID", description = "Phenotype column holding sample ids (default: the first column).")
    String sampleColumn;

    @Option(names = "--covariates", split = ",", paramLabel = "a,b,c",
            description = "Phenotype columns adjusted for (kept in mod and mod0 of SVA).")
    List<String> covariates = new ArrayList<>();

    @Option(names = "--categorical", split = ",", paramLabel = "a,b",
            description = "Columns to treat as categorical even if numeric (e.g. batch codes).")
    List<String> categorical = new ArrayList<>();

    @Option(names = "--transform", paramLabel = "none|log2cpm", defaultValue = "none",
            description = "none: values are log-scale already; log2cpm: raw counts -> voom's log2-CPM (default: ${DEFAULT-VALUE}).")
    String transform;

    @Option(names = "--drop-samples-without-phenotype",
            description = "Analyse the expression samples that have a phenotype row and report the others, instead of stopping.")
    boolean dropUnmatched;

    /** The input's scale: COUNTS for --transform log2cpm (fitted on voom's log2-CPM), LOG2 for none. */
    Scale scale() {
        switch (transform) {
            case "none":
                return Scale.LOG2;
            case "log2cpm":
                return Scale.COUNTS;
            default:
                throw new UserException("--transform " + transform + ": choose one of none, log2cpm");
        }
    }
}
