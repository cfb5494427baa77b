package org.cohortex.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

import org.cohortex.Log;
import org.cohortex.UserException;
import org.cohortex.backend.ComputeBackend;
import org.cohortex.io.OutputFolder;
import org.cohortex.celltype.CellTypeDe;
import org.cohortex.celltype.CellTypeDeRequest;
import org.cohortex.celltype.InteractionModel;
import org.cohortex.de.DeRequest;
import org.cohortex.de.DifferentialExpression;
import org.cohortex.io.Scale;
import org.cohortex.sva.CovariateSelection;
import org.cohortex.sva.SvaAnalysis;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "celltype-de", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Cell-type differential expression of one set of bulk samples and one trait, every cell type at once.",
                "interaction: expr ~ W + W:trait + covariates + SVs (CellDMC/TOAST), a coefficient per cell type; bmind: bMIND's",
                "imputation and its MANOVA + min-p test; imputed: imputation, then `de` per cell type (the paper's path, which",
                "mirrors the bulk: see README). Writes DIR/<cell type>/de.tsv (de's columns) and model.json, DIR/joint.tsv",
                "(the gene-level test; for bmind the assigned cell type), DIR/model.json, DIR/svs.tsv."})
final class CellTypeDeCommand implements Runnable {
    @Option(names = "--expr", required = true, paramLabel = "FILE",
            description = "Bulk expression, genes x samples (raw counts by default).")
    Path expr;

    @Option(names = "--expr-scale", defaultValue = "counts", paramLabel = "counts|linear|log2",
            description = "Scale of --expr: counts (to CPM or log2-CPM), linear (CPM-like), log2 (default: ${DEFAULT-VALUE}).")
    String exprScale;

    @Option(names = "--proportions", required = true, paramLabel = "FILE",
            description = "Samples x cell types (deconvolve's proportions.tsv).")
    Path proportions;

    @Option(names = "--pheno", required = true, paramLabel = "FILE", description = "Phenotype table, one row per sample.")
    Path pheno;

    @Option(names = "--trait", required = true, paramLabel = "COL",
            description = "Phenotype column tested (binary or numeric; bmind: binary).")
    String trait;

    @Option(names = "--sample-column", paramLabel = "ID", description = "Phenotype column holding sample ids (default: the first column).")
    String sampleColumn;

    @Option(names = "--covariates", split = ",", paramLabel = "a,b", description = "Phenotype columns always adjusted for.")
    List<String> covariates = new ArrayList<>();

    @Option(names = "--categorical", split = ",", paramLabel = "a,b", description = "Columns to treat as categorical even if numeric.")
    List<String> categorical = new ArrayList<>();

    @Option(names = "--drop-samples-without-phenotype", description = "Analyse the samples that have a phenotype row instead of stopping.")
    boolean dropUnmatched;

    @Option(names = "--method", required = true, paramLabel = "interaction|bmind|imputed", description = "How cell types are tested.")
    String method;

    @Option(names = "--scale", defaultValue = "log2-share", paramLabel = "log2-share|linear|log2",
            description = {"interaction: log2-share = log2-CPM with each type's trait effect weighted by the type's share of the "
                    + "gene's transcripts (beta = log2 fold change in the type); linear = CellDMC's W o t on CPM (the scale the bulk "
                    + "mixes on); log2 = W o t on voom's log2-CPM (default: ${DEFAULT-VALUE})."})
    String scale;

    @Option(names = "--variance", paramLabel = "mixture|classical|hc3|toast-floor",
            description = {"interaction, linear and log2 scales: mixture = weighted least squares with each sample's variance from the "
                    + "mixing model (sum_k w_k^2 s_k^2 + tau^2, fitted per gene): keeps the test's level where the proportions make "
                    + "the bulk heteroskedastic; classical = OLS (CellDMC; anti-conservative for small, variable cell types on CPM); "
                    + "hc3 = sandwich; toast-floor = OLS with TOAST's variance floor (default: mixture on the linear scale, classical "
                    + "on the log2 scales; log2-share takes classical only)."})
    String variance;

    @Option(names = "--num-sv", defaultValue = "0", paramLabel = "be|leek|N",
            description = "Surrogate variables (interaction: from the residuals of proportions and covariates; default: ${DEFAULT-VALUE}).")
    String numSv;

    @Option(names = "--sv-permutations", defaultValue = "20", paramLabel = "B",
            description = "Permutations of num.sv be (default: ${DEFAULT-VALUE}).")
    int svPermutations;

    @Option(names = "--select-covariates", description = "The paper's covariate selection against the SVs (covariate_selection.tsv).")
    boolean selectCovariates;

    @Option(names = "--exclude", split = ",", paramLabel = "a,b", description = "Columns never used as candidates (e.g. other traits).")
    List<String> exclude = new ArrayList<>();

    @Option(names = "--sc-reference", paramLabel = "FILE", description = "bmind, imputed: single-cell counts, genes x cells.")
    Path scReference;

    @Option(names = "--sc-labels", paramLabel = "FILE",
            description = "bmind, imputed: cell, cell_type[, donor] (donors give bMIND's prior).")
    Path scLabels;

    @Option(names = "--imputed", paramLabel = "DIR",
            description = "bmind, imputed: the folder of an earlier `impute` of this bulk (one <cell type>.tsv.gz each), instead of "
                    + "imputing.")
    Path imputed;

    @Option(names = "--imputation", defaultValue = "eb", paramLabel = "eb|gibbs",
            description = "bmind, imputed: EB or bMIND's sampler (default: ${DEFAULT-VALUE}).")
    String imputation;

    @Option(names = "--region", paramLabel = "NAME",
            description = "Region label: cell type t is the set NAME.t (default: from the expression file name).")
    String region;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N",
            description = "Seed of the be permutations and the sampler (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    @Mixin
    BackendOptions backend;

    @Spec
    CommandSpec spec;

    CellTypeDeRequest request() {
        return Parse.usage(spec, () -> {
            backend.check();
            CellTypeDeRequest.Method m = Parse.enumValue(CellTypeDeRequest.Method.class, "--method", method);
            CellTypeDeRequest.FitScale fit = CellTypeDeRequest.FitScale.named(scale);
            if (fit == null) throw new UserException("--scale " + scale + ": choose log2-share, linear or log2");
            InteractionModel.Variance v = variance == null ? fit.defaultVariance()
                    : Parse.enumValue(InteractionModel.Variance.class, "--variance", variance.replace('-', '_'));
            if (!imputation.equals("eb") && !imputation.equals("gibbs")) throw new UserException("--imputation " + imputation
                    + ": choose eb or gibbs");
            SvaAnalysis.Settings sva = new SvaAnalysis.Settings(numSv, svPermutations, SvaAnalysis.Settings.DEFAULT.iterations(), seed);
            DeRequest.Selection sel = !selectCovariates ? null
                    : new DeRequest.Selection(null, new LinkedHashSet<>(exclude), CovariateSelection.Options.DEFAULT);
            String prefix = region != null ? region : DifferentialExpression.setName(expr);
            return new CellTypeDeRequest(expr, Scale.named(exprScale.toLowerCase(Locale.ROOT)), proportions, pheno, sampleColumn, trait,
                    covariates, new LinkedHashSet<>(categorical), dropUnmatched, m, fit, v, sva, sel, scReference, scLabels,
                    imputation.equals("gibbs"), seed, prefix, null, imputed);
        });
    }

    @Override
    public void run() {
        CellTypeDeRequest r = request();
        try (OutputFolder folder = OutputFolder.open(out); ComputeBackend b = backend.create()) {
            CellTypeDe.run(r, CellTypeDe.Folders.under(folder.path()), b, Log.STDERR);
            folder.commit();
        }
    }
}
