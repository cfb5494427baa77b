package org.cohortex.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

import org.cohortex.Log;
import org.cohortex.counts.LimmaVoom.Normalization;
import org.cohortex.counts.LimmaVoom.Weights;
import org.cohortex.io.OutputFolder;
import org.cohortex.de.DeRequest;
import org.cohortex.sva.CovariateSelection;
import org.cohortex.sva.SvaAnalysis;

import org.cohortex.backend.ComputeBackend;
import org.cohortex.de.DifferentialExpression;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "de", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Differential expression: per gene, expr ~ trait + covariates + SVs by OLS on complete cases.",
                "Writes DIR/de.tsv (gene beta se t p p_bonferroni q_bh mean_expr [df_total]), DIR/model.json, DIR/svs.tsv",
                "and, when some genes cannot be tested, DIR/gene_notes.tsv with the reason per gene. Counts: optionally",
                "edgeR/limma's filterByExpr -> TMM -> log2-CPM (SVA sees this matrix) -> voom weights -> eBayes."})
final class DeCommand implements Runnable {
    @Mixin
    AnalysisInputs in;

    @Option(names = "--sv-file", paramLabel = "FILE",
            description = "Surrogate variables, samples x SVs (first column sample id), used as they are.")
    Path svFile;

    @Option(names = "--num-sv", paramLabel = "be|leek|N", defaultValue = "0",
            description = "Surrogate variables to estimate (default: ${DEFAULT-VALUE}).")
    String numSv;

    @Option(names = "--select-covariates",
            description = "Choose covariates as the paper does: missingness, SV association, collinearity (covariate_selection.tsv).")
    boolean selectCovariates;

    @Option(names = "--candidates", split = ",", paramLabel = "a,b",
            description = "Candidate covariates for --select-covariates (default: every other phenotype column).")
    List<String> candidates;

    @Option(names = "--exclude", split = ",", paramLabel = "a,b", description = "Columns never used as candidates (e.g. other traits).")
    List<String> exclude = new ArrayList<>();

    @Option(names = "--selection-rule", defaultValue = "drop-if-any", paramLabel = "drop-if-any|keep-if-any-uncorrelated",
            description = "Reading of 'not captured by the SVs' (default: ${DEFAULT-VALUE}).")
    String selectionRule;

    @Option(names = "--max-missing", defaultValue = "0.5", paramLabel = "F",
            description = "Drop candidates missing in more than this share (default: ${DEFAULT-VALUE}).")
    double maxMissing;

    @Option(names = "--sv-alpha", defaultValue = "0.05", paramLabel = "A",
            description = "Association with an SV when p < A (default: ${DEFAULT-VALUE}).")
    double svAlpha;

    @Option(names = "--max-correlation", defaultValue = "0.8", paramLabel = "R",
            description = "Collinear when |r| > R (default: ${DEFAULT-VALUE}).")
    double maxCorrelation;

    @Option(names = "--min-complete", defaultValue = "0.9", paramLabel = "F",
            description = "Drop selected covariates until this share of samples is complete in all of them; 0 = off (default: "
                    + "${DEFAULT-VALUE}).")
    double minComplete;

    @Option(names = "--sv-permutations", defaultValue = "20", paramLabel = "B",
            description = "Permutations for --num-sv be (default: ${DEFAULT-VALUE}).")
    int svPermutations;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N",
            description = "Seed of the be and Freedman-Lane permutations (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--permutations", defaultValue = "0", paramLabel = "B",
            description = {"Freedman-Lane permutations of the trait: adds p_perm (empirical) and p_maxt (Westfall-Young",
                    "step-down max-T) to de.tsv (default: ${DEFAULT-VALUE} = none). They permute the ordinary t, so not with",
                    "--moderated or --weights voom."})
    int permutations;

    @Option(names = "--filter-by-expr",
            description = {"Counts (--transform log2cpm): edgeR's filterByExpr on the design of trait + covariates (+ --sv-file SVs);",
                "genes filtered out are not tested (DIR/filter_by_expr.tsv lists every gene); library sizes recomputed."})
    boolean filterByExpr;

    @Option(names = "--normalize", defaultValue = "none", paramLabel = "tmm|none",
            description = "Counts: TMM normalisation factors for the log2-CPM (DIR/normalization.tsv) (default: ${DEFAULT-VALUE}).")
    String normalize;

    @Option(names = "--weights", defaultValue = "none", paramLabel = "voom|none",
            description = "Counts: voom precision weights and weighted least squares per gene (default: ${DEFAULT-VALUE}).")
    String weights;

    @Option(names = "--moderated",
            description = {"limma's empirical-Bayes moderated t (eBayes): se t p and the adjusted p of de.tsv are the moderated ones,",
                "with a df_total column; model.json has df_prior and s2_prior."})
    boolean moderated;

    @Option(names = "--trend", description = "With --moderated: the prior variance a trend in the mean expression (limma-trend).")
    boolean trend;

    @Option(names = "--set", paramLabel = "NAME",
            description = "Label of this set, region or region.celltype (default: from the expression file name).")
    String set;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    @Mixin
    BackendOptions backend;

    @Spec
    CommandSpec spec;

    /** The request from the options; a setting out of range is a usage error (exit 2) before anything is read. */
    DeRequest request() {
        return Parse.usage(spec, () -> {
            backend.check();
            SvaAnalysis.Settings sva = new SvaAnalysis.Settings(numSv, svPermutations, SvaAnalysis.Settings.DEFAULT.iterations(), seed);
            // the selection's options are checked even when --select-covariates is off: a value out of range is a mistake either way
            CovariateSelection.Options options = new CovariateSelection.Options(maxMissing, svAlpha, CovariateSelection.Options.rule(
                    selectionRule), maxCorrelation, minComplete);
            DeRequest.Selection sel = !selectCovariates ? null : new DeRequest.Selection(candidates, new LinkedHashSet<>(exclude), options);
            return DeRequest.builder(in.expr, in.pheno, in.trait, out).sampleColumn(in.sampleColumn).covariates(in.covariates)
                    .categorical(new LinkedHashSet<>(in.categorical)).inputScale(in.scale()).dropSamplesWithoutPhenotype(in.dropUnmatched)
                    .set(set).svFile(svFile).sva(sva).selection(sel).permutations(permutations, seed).filterByExpr(filterByExpr)
                    .normalize(Parse.enumValue(Normalization.class, "--normalize", normalize))
                    .weights(Parse.enumValue(Weights.class, "--weights", weights)).moderated(moderated, trend).build();
        });
    }

    /** What `de` may write: a file an earlier run in the same folder left and this run does not write is removed. */
    static final String[] OUTPUTS = {"de.tsv", "model.json", "svs.tsv", "gene_notes.tsv", "covariate_selection.tsv", "num_sv.json",
        "sva_pprob.tsv"};

    @Override
    public void run() {
        DeRequest r = request();
        try (OutputFolder folder = OutputFolder.open(out); ComputeBackend b = backend.create()) {
            DifferentialExpression.run(r.withOut(folder.path()), b, Log.STDERR);
            folder.commit(OUTPUTS);
        }
    }
}
