package org.cohortex.celltype;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.cohortex.UserException;
import org.cohortex.de.DeRequest;
import org.cohortex.io.Scale;
import org.cohortex.sva.SvaAnalysis;

/**
 * One cell-type DE analysis of one set of bulk samples and one trait, as `celltype-de` and the
 * study grid describe it.
 *
 * @param expr        bulk expression (genes x samples) on {@code exprScale} (raw counts in the grid)
 * @param proportions samples x cell types; rows are renormalised to sum to 1
 * @param method      INTERACTION: the direct test on bulk (CellDMC/TOAST); BMIND: bMIND imputation, then bMIND's
 *                    MANOVA + min-p assignment; IMPUTED: imputation, then `de` on each cell type (the paper's path)
 * @param fitScale    the interaction model: LOG2_SHARE (log2-CPM, each type's effect weighted by its share of the gene's
 *                    transcripts, {@link LogShareInteraction}), LINEAR (CPM, CellDMC's W o t) or LOG2 (W o t on log2-CPM)
 * @param variance    the interaction model's coefficient variances; LOG2_SHARE takes CLASSICAL only
 * @param sva         how many SVs (numSv "0" = none); for the interaction model they are estimated on the residuals of [W, C]
 * @param selection   the paper's covariate selection against the SVs, or null
 * @param panelCounts single-cell panel (BMIND, IMPUTED): counts, genes x cells
 * @param panelLabels cell, cell_type[, donor]
 * @param setPrefix   the region: cell type t is reported as the set "setPrefix.t"
 * @param reportTypes the cell types whose results are written (every type enters the model); null = all
 * @param imputed     bmind, imputed: the folder of an earlier imputation of this bulk (a grid imputes a region once
 *                    for all traits); null = impute here, into out/imputation
 */
public record CellTypeDeRequest(Path expr, Scale exprScale, Path proportions, Path pheno, String sampleColumn, String trait,
                                List<String> covariates, Set<String> categorical, boolean dropSamplesWithoutPhenotype, Method method,
                                FitScale fitScale, InteractionModel.Variance variance, SvaAnalysis.Settings sva,
                                DeRequest.Selection selection,
                                Path panelCounts, Path panelLabels, boolean gibbs, long seed, String setPrefix, List<String> reportTypes,
                                Path imputed) {
    /** How the cell types are tested. */
    public enum Method { INTERACTION, BMIND, IMPUTED }

    /** The interaction model's scale and form (see {@code fitScale}). */
    public enum FitScale {
        LOG2_SHARE, LINEAR, LOG2;

        /** The name on the command line and in configs: log2-share, linear, log2. */
        @Override
        public String toString() { return name().toLowerCase(Locale.ROOT).replace('_', '-'); }

        /** By its command-line name, or null. */
        public static FitScale named(String name) {
            for (FitScale f : values()) if (f.toString().equals(name)) return f;
            return null;
        }

        /** The variance option used when none is given: the mixing model's for CPM, OLS's on the log scale. */
        public InteractionModel.Variance defaultVariance() {
            return this == LINEAR ? InteractionModel.Variance.MIXTURE : InteractionModel.Variance.CLASSICAL;
        }
    }

    /** Whether cell type {@code t}'s results are written. */
    public boolean reports(String t) { return reportTypes == null || reportTypes.contains(t); }

    public CellTypeDeRequest {
        covariates = List.copyOf(covariates);
        reportTypes = reportTypes == null ? null : List.copyOf(reportTypes);
        categorical = Set.copyOf(categorical);
        if (exprScale == Scale.LINEAR && method != Method.INTERACTION) {
            throw new UserException(UserException.setting("expr_scale") + " linear: imputation needs counts or log2 values");
        }
        if (fitScale == FitScale.LOG2_SHARE && variance != InteractionModel.Variance.CLASSICAL) {
            throw new UserException("variance " + variance.name().toLowerCase(Locale.ROOT).replace('_', '-') + " applies to the linear "
                    + "and log2 interaction models; the log2-share model uses OLS variances (classical)");
        }
        if (fitScale == FitScale.LOG2_SHARE && method == Method.INTERACTION && exprScale == Scale.LINEAR) {
            throw new UserException("the log2-share interaction model needs counts or log2 expression (it fits log2-CPM); for linear "
                    + "values use the linear scale");
        }
        if (method != Method.INTERACTION && imputed == null && (panelCounts == null || panelLabels == null)) {
            throw new UserException("method " + method.name().toLowerCase(Locale.ROOT) + " imputes cell-type expression: it needs "
                    + UserException.setting("sc_reference") + " and " + UserException.setting("sc_labels"));
        }
    }
}
