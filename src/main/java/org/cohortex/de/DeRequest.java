package org.cohortex.de;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.cohortex.UserException;
import org.cohortex.counts.LimmaVoom;
import org.cohortex.counts.LimmaVoom.Normalization;
import org.cohortex.counts.LimmaVoom.Weights;
import org.cohortex.io.Scale;
import org.cohortex.sva.CovariateSelection;
import org.cohortex.sva.SvaAnalysis;

/**
 * One DE analysis, as `de` and the study grid both describe it: per gene, expr ~ trait +
 * covariates + SVs. Immutable; made by {@link #builder}, which holds every default and checks the
 * settings together, naming them as settings ({@link UserException#setting}).
 *
 * @param inputScale   COUNTS: fitted on voom's log2-CPM; LOG2: values used as given
 * @param set          label of the analysed set (region, or region.celltype); null = from the file name
 * @param svFile       surrogate variables given as a table (exclusive with estimating them)
 * @param sva          how SVs are estimated (numSv "0" = none)
 * @param selection    the paper's covariate selection, or null for none
 * @param permutations Freedman-Lane permutations of the trait (0 = none), seeded by {@code seed}
 * @param limma        edgeR/limma steps: filterByExpr and TMM (counts only), voom weights (counts only), eBayes
 *                     moderation with or without trend (any scale); all off by default
 */
public record DeRequest(Path expr, Path pheno, Path out, String trait, String sampleColumn, List<String> covariates,
                        Set<String> categorical, Scale inputScale, boolean dropSamplesWithoutPhenotype, String set, Path svFile,
                        SvaAnalysis.Settings sva, Selection selection, int permutations, long seed, LimmaVoom.Settings limma) {

    /**
     * Covariate selection over candidates: null = every phenotype column but the trait, the sample
     * ids, the forced covariates and {@code exclude}.
     */
    public record Selection(List<String> candidates, Set<String> exclude, CovariateSelection.Options options) {}

    public static Builder builder(Path expr, Path pheno, String trait, Path out) { return new Builder(expr, pheno, trait, out); }

    /** The same analysis writing into {@code dir} (a command stages its outputs before moving them into place). */
    public DeRequest withOut(Path dir) {
        return new DeRequest(expr, pheno, dir, trait, sampleColumn, covariates, categorical, inputScale, dropSamplesWithoutPhenotype, set,
                svFile, sva, selection, permutations, seed, limma);
    }

    /** The label of the analysed set: as given, else from the expression file name. */
    public String setName() { return set != null ? set : DifferentialExpression.setName(expr); }

    /** Defaults and the checks that involve several settings, in one place. */
    public static final class Builder {
        private final Path expr, pheno, out;
        private final String trait;
        private String sampleColumn, set;
        private List<String> covariates = List.of();
        private Set<String> categorical = Set.of();
        private Scale inputScale = Scale.LOG2;
        private boolean dropSamplesWithoutPhenotype;
        private Path svFile;
        private SvaAnalysis.Settings sva = SvaAnalysis.Settings.DEFAULT.withNumSv("0");
        private Selection selection;
        private int permutations;
        private long seed = 1;
        private boolean filterByExpr, moderated, trend;
        private Normalization normalize = Normalization.NONE;
        private Weights weights = Weights.NONE;

        private Builder(Path expr, Path pheno, String trait, Path out) {
            this.expr = expr;
            this.pheno = pheno;
            this.trait = trait;
            this.out = out;
        }

        public Builder sampleColumn(String c) { sampleColumn = c; return this; }

        public Builder covariates(List<String> c) { covariates = List.copyOf(c); return this; }

        public Builder categorical(Set<String> c) { categorical = Set.copyOf(c); return this; }

        public Builder inputScale(Scale s) { inputScale = s; return this; }

        public Builder dropSamplesWithoutPhenotype(boolean d) { dropSamplesWithoutPhenotype = d; return this; }

        public Builder set(String s) { set = s; return this; }

        public Builder svFile(Path f) { svFile = f; return this; }

        public Builder sva(SvaAnalysis.Settings s) { sva = s; return this; }

        public Builder selection(Selection s) { selection = s; return this; }

        public Builder permutations(int b, long s) { permutations = b; seed = s; return this; }

        /** filterByExpr (edgeR's defaults) on the design known before the data is read: counts only. */
        public Builder filterByExpr(boolean f) { filterByExpr = f; return this; }

        /** TMM normalisation factors (calcNormFactors) for the log2-CPM: counts only. */
        public Builder normalize(Normalization n) { normalize = n; return this; }

        /** voom precision weights and weighted least squares: counts only. */
        public Builder weights(Weights w) { weights = w; return this; }

        /** limma's eBayes moderated t; {@code withTrend}: the prior variance a trend in the mean expression (limma-trend). */
        public Builder moderated(boolean m, boolean withTrend) { moderated = m; trend = withTrend; return this; }

        /** All edgeR/limma settings at once (as a study configuration gives them). */
        public Builder limma(LimmaVoom.Settings s) {
            filterByExpr = s.filter();
            normalize = s.normalize();
            weights = s.weights();
            return moderated(s.moderated(), s.trend());
        }

        public DeRequest build() {
            if (inputScale == Scale.LINEAR) throw new IllegalArgumentException("DE fits log-scale values: give LOG2 or COUNTS");
            checkLimma();
            if (sva.estimates() && svFile != null) {
                throw new UserException(UserException.setting("num_sv") + " and " + UserException.setting("sv_file")
                        + " are exclusive: the SV file's SVs are used as they are");
            }
            if (permutations < 0) throw new UserException(UserException.setting("permutations") + " " + permutations
                    + ": must be 0 or more");
            return new DeRequest(expr, pheno, out, trait, sampleColumn, covariates, categorical, inputScale, dropSamplesWithoutPhenotype,
                    set, svFile, sva, selection, permutations, seed,
                    new LimmaVoom.Settings(filterByExpr, normalize, weights, moderated, trend));
        }

        /**
         * The edgeR/limma settings together: the counts steps need counts; trend is a kind of moderation;
         * Freedman-Lane permutes the ordinary t of one shared design, so it refuses a per-gene weighted fit
         * (voom: each gene its own weighted design) and a moderated t (the eBayes prior would have to be
         * re-estimated from every permutation's variances).
         */
        private void checkLimma() {
            if (inputScale != Scale.COUNTS) {
                List<String> asked = new ArrayList<>();
                if (filterByExpr) asked.add(UserException.setting("filter_by_expr"));
                if (normalize == Normalization.TMM) asked.add(UserException.setting("normalize") + " tmm");
                if (weights == Weights.VOOM) asked.add(UserException.setting("weights") + " voom");
                if (!asked.isEmpty()) {
                    throw new UserException(String.join(", ", asked) + ": need" + (asked.size() == 1 ? "s" : "") + " raw counts, but the "
                            + "expression is read as log-scale values (" + UserException.setting("transform") + " none); for counts give "
                            + UserException.setting("transform") + " log2cpm");
                }
            }
            if (trend && !moderated) {
                throw new UserException(UserException.setting("trend") + " needs " + UserException.setting("moderated")
                        + ": limma-trend is a way of moderating the t statistics");
            }
            if (permutations > 0 && (moderated || weights == Weights.VOOM)) {
                String what = moderated && weights == Weights.VOOM ? UserException.setting("moderated") + " and "
                        + UserException.setting("weights") + " voom" : moderated ? UserException.setting("moderated")
                        : UserException.setting("weights") + " voom";
                throw new UserException(UserException.setting("permutations") + " " + permutations + " cannot be combined with " + what
                        + ": Freedman-Lane permutations here test the ordinary t of one unweighted design; a moderated t would need"
                        + " the empirical-Bayes prior re-estimated for every permutation, and voom weights give every gene its own"
                        + " weighted design. Drop " + UserException.setting("permutations") + ", or drop " + what
                        + " (the permutation p-values are then those of the ordinary least-squares t)");
            }
        }
    }
}
