package org.cohortex.celltype;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.cohortex.Log;
import org.cohortex.UserException;
import org.cohortex.Version;
import org.cohortex.de.DeKernels;
import org.cohortex.de.DeRequest;
import org.cohortex.de.DeTable;
import org.cohortex.de.DifferentialExpression;
import org.cohortex.impute.GibbsKernel;
import org.cohortex.impute.ImputationEngine;
import org.cohortex.impute.ImputationRequest;
import org.cohortex.io.AtomicFile;
import org.cohortex.io.ExpressionMatrix;
import org.cohortex.io.Json;
import org.cohortex.io.MatrixReader;
import org.cohortex.io.MatrixWriter;
import org.cohortex.io.PhenotypeReader;
import org.cohortex.io.PhenotypeTable;
import org.cohortex.io.Proportions;
import org.cohortex.io.SampleMatch;
import org.cohortex.io.Scale;
import org.cohortex.linalg.Mat;
import org.cohortex.stats.DesignBuilder;
import org.cohortex.stats.DesignMatrix;
import org.cohortex.sva.CovariateSelection;

/**
 * The cell-type DE engine, used by `celltype-de` and by the study grid: one trait, one set of bulk
 * samples with their cell-type proportions, every cell type at once. Writes per cell type a de.tsv
 * with `de`'s columns and a model.json (set "region.type"), and for the analysis joint.tsv (the
 * gene-level test: the K-df F of the interactions, or bMIND's MANOVA and the assigned type),
 * model.json, svs.tsv and, with covariate selection, covariate_selection.tsv.
 * <ul>
 * <li>INTERACTION (CellDMC/TOAST): by default log2-CPM ~ W + C + t o F_g, F_g the types' shares of the gene's
 *     transcripts ({@link LogShareInteraction}); or CellDMC's expr ~ W + W o t + C on CPM, one batched OLS
 *     ({@link InteractionModel}); C = covariates + SVs from the residuals of [W, C] ({@link InteractionSva});</li>
 * <li>BMIND: bMIND's imputation (prior from the panel's donors), then bMIND's own test
 *     ({@link BmindTest}): MANOVA across the K types, the gene called in the type of smallest Wald p;</li>
 * <li>IMPUTED: the paper's path: imputation, then `de` on each cell type (SVA and covariate selection
 *     per type); the cell-type DE design note explains why it mirrors the bulk.</li>
 * </ul>
 */
public final class CellTypeDe {
    /** What the engine computes with: the dense operations, the permutation kernel of `de`, and the sampler. */
    public interface Kernels extends DeKernels, GibbsKernel {}

    private CellTypeDe() {}

    /**
     * Where results go: the analysis' own files (joint.tsv, model.json, svs.tsv) in {@code root}; a folder per
     * cell type under {@code types}, named {@code <type>} by the command, {@code <prefix>.<type>} in the grid's de/<trait>/ layout.
     */
    public record Folders(Path root, Path types, boolean prefixed) {
        /** The command's layout: everything under one folder. */
        public static Folders under(Path out) { return new Folders(out, out, false); }

        Path of(String prefix, String type) { return types.resolve(prefixed ? prefix + "." + type : type); }
    }

    /** The samples, trait and proportions an analysis starts from (complete cases of trait and forced covariates). */
    record Data(ExpressionMatrix expr, PhenotypeTable pheno, SampleMatch match, String[] types, double[] w) {}

    public static void run(CellTypeDeRequest r, Folders folders, Kernels kernels, Log.Sink log) {
        run(r, null, folders, kernels, log);
    }

    /**
     * As above, with the bulk matrix of {@code r.expr()} already read ({@code bulk}; null = read it here): a grid
     * reads a region's counts once for its bulk and cell-type units. The matrix is not modified.
     */
    public static void run(CellTypeDeRequest r, ExpressionMatrix bulk, Folders folders, Kernels kernels, Log.Sink log) {
        switch (r.method()) {
            case INTERACTION -> interaction(r, bulk != null ? bulk : MatrixReader.read(r.expr()), folders, kernels, log);
            case BMIND -> bmind(r, bulk != null ? bulk : MatrixReader.read(r.expr()), folders, kernels, log);
            default -> imputed(r, folders, kernels, log);
        }
    }

    // ------------------------------------------------------------------ interaction

    static void interaction(CellTypeDeRequest r, ExpressionMatrix raw, Folders folders, Kernels k, Log.Sink log) {
        long t0 = System.nanoTime();
        String source = r.expr().toString();
        boolean linear = r.fitScale() == CellTypeDeRequest.FitScale.LINEAR, shares = r.fitScale() == CellTypeDeRequest.FitScale.LOG2_SHARE;
        ExpressionMatrix scaled = linear ? r.exprScale().toLinear(raw, source)
                : r.exprScale() == Scale.COUNTS ? Scale.voomLog2Cpm(raw, source) : raw;
        Data d = data(r, scaled, log);
        // the log2-share model also needs CPM, for each type's mean expression (its share of the gene's transcripts)
        ExpressionMatrix cpm = shares ? r.exprScale().toLinear(raw, source).selectSamples(d.match().matched) : null;
        DesignMatrix base = DesignBuilder.build(Arrays.asList(d.expr().samples), d.pheno(), r.trait(), r.covariates(), null);
        ExpressionMatrix y0 = d.expr().selectSamples(base.used);
        double[] w0 = rows(d.w(), base.used, d.types().length);
        PhenotypeTable svs = null;
        String svMethod = "none";
        if (r.sva().estimates()) {
            InteractionDesign id0 = InteractionDesign.of(base, w0, d.types());
            InteractionSva.Estimate e = InteractionSva.estimate(k, y0.values, m0(id0), wt(id0), r.sva(), log);
            svs = svTable(e.sv(), y0.samples);
            svMethod = e.method();
        }
        List<String> covariates = new ArrayList<>(r.covariates());
        CovariateSelection.Selection selection = null;
        if (r.selection() != null) {
            selection = select(r, d.pheno(), y0.samples, svs);
            covariates.addAll(selection.kept);
        }
        DesignMatrix design = DesignBuilder.build(Arrays.asList(d.expr().samples), d.pheno(), r.trait(), covariates, svs);
        while (selection != null && !selection.kept.isEmpty() && design.n() - interactionColumns(design, d) < minResidualDf(design.n())) {
            // the interaction model has K more columns than the bulk model: selected covariates go, last selected first,
            // until it keeps enough residual degrees of freedom (the forced covariates and SVs stay)
            String drop = selection.kept.remove(selection.kept.size() - 1);
            covariates.remove(drop);
            for (CovariateSelection.Decision dd : selection.decisions) {
                if (dd.variable.equals(drop)) {
                    dd.decision = "dropped";
                    dd.reason = "the interaction model needs residual degrees of freedom: " + design.n() + " samples, "
                            + interactionColumns(design, d) + " columns with it";
                }
            }
            design = DesignBuilder.build(Arrays.asList(d.expr().samples), d.pheno(), r.trait(), covariates, svs);
        }
        ExpressionMatrix y = d.expr().selectSamples(design.used);
        InteractionDesign id = InteractionDesign.of(design, rows(d.w(), design.used, d.types().length), d.types());
        InteractionModel.Result res = shares ? InteractionModel.fitLogShare(k, id, y.values, cpm.selectSamples(design.used).values)
                : InteractionModel.fit(k, id, y.values, r.variance());
        String formula = shares ? "log2cpm ~ 0 + " + String.join(" + ", id.columns.subList(0, id.k)) + covariateTerms(id) + " + "
                + String.join(" + ", shareTerms(id)) : "expr ~ 0 + " + String.join(" + ", id.columns);
        for (int t = 0; t < id.k; t++) {
            if (!r.reports(d.types()[t])) continue;
            Path dir = folders.of(r.setPrefix(), d.types()[t]);
            DeTable.write(dir.resolve("de.tsv"), y.genes, res.column(res.beta(), t), res.column(res.se(), t), res.column(res.t(), t),
                    res.column(res.p(), t), res.column(res.pBonferroni(), t), res.column(res.qBh(), t), res.meanExpr());
            Map<String, Object> m = model(r, d, design, y, svMethod, selection);
            m.put("set", r.setPrefix() + "." + d.types()[t]);
            m.put("cell_type", d.types()[t]);
            m.put("term", shares ? shareTerms(id).get(t) : id.columns.get(id.interactionColumn(t)));
            m.put("formula", formula);
            m.put("df", design.n() - id.p());
            m.put("genes_bonferroni_0_05", below(res.column(res.pBonferroni(), t), 0.05));
            Json.write(dir.resolve("model.json"), m);
        }
        writeJoint(folders.root().resolve("joint.tsv"), y.genes, res);
        writeAnalysis(r, folders, d, design, y, svs, selection, Json.object("formula", formula,
                "variance", r.variance().name().toLowerCase(Locale.ROOT), "sv_method", svMethod));
        log.info("celltype-de (interaction, %s scale): %d genes x %d samples x %d cell types in %.1f s", r.fitScale(), y.geneCount(),
                design.n(), id.k, (System.nanoTime() - t0) / 1e9);
    }

    /** " + c1 + c2 ...": the covariate and SV columns of the formula. */
    private static String covariateTerms(InteractionDesign id) {
        StringBuilder sb = new StringBuilder();
        for (int j = 2 * id.k; j < id.p(); j++) sb.append(" + ").append(id.columns.get(j));
        return sb.toString();
    }

    /** The log2-share model's trait terms, "trait:share_<type>" (the trait times the type's share of the gene's transcripts). */
    private static List<String> shareTerms(InteractionDesign id) {
        List<String> out = new ArrayList<>();
        for (String c : id.cellTypes) out.add(id.trait + ":share_" + c);
        return out;
    }

    /** Columns of the interaction model built from a bulk design: 2K, and every bulk column but the intercept and the trait. */
    static int interactionColumns(DesignMatrix design, Data d) { return 2 * d.types().length + design.p() - 2; }

    /** The fewest residual degrees of freedom the interaction model is fitted with after covariate selection. */
    static int minResidualDf(int n) { return Math.max(10, n / 10); }

    /** [W, C]: the interaction design without its W o t columns. */
    static Mat m0(InteractionDesign id) {
        int[] cols = new int[id.k + id.q];
        for (int j = 0; j < id.k; j++) cols[j] = j;
        for (int j = 0; j < id.q; j++) cols[id.k + j] = 2 * id.k + j;
        return id.x.selectColumns(cols);
    }

    static Mat wt(InteractionDesign id) {
        int[] cols = new int[id.k];
        for (int j = 0; j < id.k; j++) cols[j] = id.k + j;
        return id.x.selectColumns(cols);
    }

    private static void writeJoint(Path file, String[] genes, InteractionModel.Result res) {
        StringBuilder sb = new StringBuilder("gene\tF\tdf1\tdf2\tp\tp_bonferroni\tq_bh\n");
        for (int g = 0; g < genes.length; g++) {
            sb.append(genes[g]).append('\t').append(fmt(res.jointF()[g])).append('\t').append(res.k()).append('\t').append(res.df()[g])
                    .append('\t').append(fmt(res.jointP()[g])).append('\t').append(fmt(res.jointBonferroni()[g])).append('\t')
                    .append(fmt(res.jointQ()[g])).append('\n');
        }
        AtomicFile.writeString(file, sb.toString());
    }

    // ------------------------------------------------------------------ imputation paths

    /** bMIND's imputation into {@code root/imputation}, then bMIND's own test. */
    static void bmind(CellTypeDeRequest r, ExpressionMatrix raw, Folders folders, Kernels k, Log.Sink log) {
        ImputationEngine.Imputed im = impute(r, folders, k, log);
        Data d = data(r, r.exprScale().toLog2Cpm1(raw, r.expr().toString()), log);
        DesignMatrix design = DesignBuilder.build(Arrays.asList(d.expr().samples), d.pheno(), r.trait(), r.covariates(), null);
        if (design.levels.get(r.trait()) == null && !isBinary(design.x.column(design.traitColumn))) {
            throw new UserException("bMIND's test needs a binary trait ('" + r.trait() + "' is numeric with more than two values): use the "
                    + "interaction or imputed method");
        }
        int[] idx = new int[design.n()];
        for (int i = 0; i < idx.length; i++) idx[i] = indexOf(im.samples(), d.expr().samples[design.used[i]]);
        int kk = d.types().length, n = idx.length;
        double[][] values = new double[im.genes().length][];
        for (int g = 0; g < values.length; g++) {
            double[] v = new double[n * kk];
            for (int i = 0; i < n; i++) System.arraycopy(im.result().imputed()[g], idx[i] * kk, v, i * kk, kk);
            values[g] = v;
        }
        double[] trait = design.x.column(design.traitColumn);
        Mat cov = covariatesOf(design);
        BmindTest.Result res = BmindTest.test(values, d.types(), trait, cov.cols == 0 ? null : cov);
        writeBmind(r, folders, d, design, im.genes(), values, trait, res);
        writeAnalysis(r, folders, d, design, d.expr().selectSamples(design.used), null, null, Map.of("test",
                "bMIND (2021): MANOVA (Pillai) of the K imputed types on the trait, BH; called in the type of smallest Wald p if < "
                        + "0.05/K"));
        log.info("celltype-de (bmind): %d genes called", Arrays.stream(res.assigned()).filter(a -> a >= 0).count());
    }

    private static void writeBmind(CellTypeDeRequest r, Folders folders, Data d, DesignMatrix design, String[] genes, double[][] values,
                                   double[] trait, BmindTest.Result res) {
        int kk = d.types().length, g0 = genes.length, n = trait.length;
        long tested = Arrays.stream(res.manovaP()).filter(p -> !Double.isNaN(p)).count();
        for (int t = 0; t < kk; t++) {
            if (!r.reports(d.types()[t])) continue;
            double[] beta = new double[g0], nan = new double[g0], p = new double[g0], bonf = new double[g0], q = new double[g0],
                    mean = new double[g0];
            Arrays.fill(nan, Double.NaN);
            for (int g = 0; g < g0; g++) {
                double s1 = 0, s0 = 0, c1 = 0, all = 0;
                for (int i = 0; i < n; i++) {
                    double v = values[g][i * kk + t];
                    all += v;
                    if (trait[i] == 1) { s1 += v; c1++; } else s0 += v;
                }
                beta[g] = s1 / c1 - s0 / (n - c1); // case minus control of the imputed values
                mean[g] = all / n;
                boolean testable = !Double.isNaN(res.manovaP()[g]);
                boolean here = testable && res.assigned()[g] == t;
                p[g] = !testable ? Double.NaN : here ? res.manovaP()[g] : 1;
                bonf[g] = !testable ? Double.NaN : here ? Math.min(1, res.manovaP()[g] * tested) : 1;
                q[g] = !testable ? Double.NaN : here ? res.manovaQ()[g] : 1;
            }
            Path dir = folders.of(r.setPrefix(), d.types()[t]);
            DeTable.write(dir.resolve("de.tsv"), genes, beta, nan, nan, p, bonf, q, mean);
            Map<String, Object> m = model(r, d, design, null, "none", null);
            m.put("set", r.setPrefix() + "." + d.types()[t]);
            m.put("cell_type", d.types()[t]);
            m.put("columns", "beta = mean imputed expression, cases minus controls; p = the gene's MANOVA p where the gene is "
                    + "assigned to this"
                    + " type, 1 elsewhere (bMIND: a gene is called in one type at most); se and t are not defined");
            Json.write(dir.resolve("model.json"), m);
        }
        StringBuilder sb = new StringBuilder("gene\tpillai\tp\tp_bonferroni\tq_bh\tassigned_cell_type\tmin_wald_p\n");
        for (int g = 0; g < g0; g++) {
            double minWald = Double.NaN;
            for (int t = 0; t < kk; t++) if (!(res.waldP()[g * kk + t] >= minWald)) minWald = res.waldP()[g * kk + t];
            sb.append(genes[g]).append('\t').append(fmt(res.pillai()[g])).append('\t').append(fmt(res.manovaP()[g])).append('\t')
                    .append(fmt(Math.min(1, res.manovaP()[g] * tested))).append('\t').append(fmt(res.manovaQ()[g])).append('\t')
                    .append(res.assigned()[g] >= 0 ? d.types()[res.assigned()[g]] : "NA").append('\t').append(fmt(minWald)).append('\n');
        }
        AtomicFile.writeString(folders.root().resolve("joint.tsv"), sb.toString());
    }

    /** The paper's path: imputation, then `de` (with its SVA and covariate selection) on each cell type. */
    static void imputed(CellTypeDeRequest r, Folders folders, Kernels k, Log.Sink log) {
        ImputationEngine.Imputed im = impute(r, folders, k, log);
        for (int t = 0; t < im.cellTypes().size(); t++) {
            String type = im.cellTypes().get(t);
            if (!r.reports(type)) continue;
            Path file = imputationDir(r, folders).resolve(type + ".tsv.gz");
            ExpressionMatrix m = new ExpressionMatrix(im.genes(), im.samples(), new Mat(im.genes().length, im.samples().length,
                    im.matrix(t)));
            DeRequest dr = DeRequest.builder(file, r.pheno(), r.trait(), folders.of(r.setPrefix(), type)).sampleColumn(r.sampleColumn())
                    .covariates(r.covariates()).categorical(r.categorical()).inputScale(Scale.LOG2).set(r.setPrefix() + "." + type)
                    .dropSamplesWithoutPhenotype(r.dropSamplesWithoutPhenotype()).sva(r.sva()).selection(r.selection()).build();
            DifferentialExpression.run(dr, m, k, log);
        }
    }

    private static Path imputationDir(CellTypeDeRequest r, Folders folders) {
        return r.imputed() != null ? r.imputed() : folders.root().resolve("imputation");
    }

    /** The imputed matrices: read from an earlier imputation, or imputed now (bMIND's prior from the panel's donors). */
    private static ImputationEngine.Imputed impute(CellTypeDeRequest r, Folders folders, Kernels k, Log.Sink log) {
        if (r.imputed() != null) return ImputationEngine.read(r.imputed(), r.proportions());
        Scale bulkScale = r.exprScale() == Scale.LINEAR ? Scale.COUNTS : r.exprScale();
        ImputationRequest ir = new ImputationRequest(r.expr(), bulkScale, r.proportions(), r.panelCounts(), r.panelLabels(),
                ImputationRequest.Prior.REFERENCE, null, 0.5, r.gibbs(), 1300, 300, r.seed(), folders.root().resolve("imputation"));
        return ImputationEngine.run(ir, k, log);
    }

    // ------------------------------------------------------------------ shared steps

    /** The matrix restricted to samples with phenotypes and proportions; the proportions (n x K) renormalised to sum to 1. */
    static Data data(CellTypeDeRequest r, ExpressionMatrix e, Log.Sink log) {
        PhenotypeTable pheno = PhenotypeReader.read(r.pheno(), r.sampleColumn(), r.categorical());
        SampleMatch match = SampleMatch.of(r.expr().toString(), e.samples, pheno, r.dropSamplesWithoutPhenotype(), log);
        ExpressionMatrix x = e.selectSamples(match.matched);
        // checked as impute checks them (io.Proportions): >= 2 safe type names, non-negative, rows summing to 1 (within 5%:
        // renormalised with a warning; beyond: refused)
        Proportions props = Proportions.read(r.proportions(), log);
        String[] types = props.cellTypes;
        int n = x.sampleCount(), kk = types.length;
        double[] w = new double[n * kk];
        for (int i = 0; i < n; i++) {
            int row = props.row(x.samples[i]);
            if (row < 0) throw new UserException(r.proportions() + ": no proportions for sample '" + x.samples[i] + "'");
            for (int t = 0; t < kk; t++) w[i * kk + t] = props.get(row, t);
        }
        return new Data(x, pheno, match, types, w);
    }

    static double[] rows(double[] w, int[] idx, int k) {
        double[] out = new double[idx.length * k];
        for (int i = 0; i < idx.length; i++) System.arraycopy(w, idx[i] * k, out, i * k, k);
        return out;
    }

    static PhenotypeTable svTable(Mat sv, String[] samples) {
        List<PhenotypeTable.Column> cols = new ArrayList<>();
        for (int j = 0; j < sv.cols; j++) cols.add(PhenotypeTable.numericColumn("sv" + (j + 1), sv.column(j)));
        return PhenotypeTable.of("surrogate variables of the interaction model", "sample", Arrays.asList(samples), cols);
    }

    /** The paper's covariate selection over the candidates, against the SVs, on the samples of {@code samples}. */
    static CovariateSelection.Selection select(CellTypeDeRequest r, PhenotypeTable pheno, String[] samples, PhenotypeTable svs) {
        List<String> candidates = r.selection().candidates();
        if (candidates == null) {
            candidates = new ArrayList<>();
            for (String c : pheno.columnNames()) {
                if (!c.equals(r.trait()) && !r.covariates().contains(c) && !r.selection().exclude().contains(c)) candidates.add(c);
            }
        }
        int k = svs == null ? 0 : svs.columnNames().size();
        Mat sv = new Mat(samples.length, k);
        for (int i = 0; i < samples.length; i++) {
            for (int j = 0; j < k; j++) sv.data[i * k + j] = svs.column(svs.columnNames().get(j)).numeric[svs.row(samples[i])];
        }
        return CovariateSelection.select(pheno, Arrays.asList(samples), sv, candidates, r.selection().options());
    }

    /** Every design column but the intercept and the trait: the covariates and SVs (n x q). */
    static Mat covariatesOf(DesignMatrix design) {
        int n = design.n(), p = design.p(), q = p - 2;
        Mat c = new Mat(n, q);
        for (int i = 0; i < n; i++) {
            for (int j = 1, m = 0; j < p; j++) if (j != design.traitColumn) c.data[i * q + m++] = design.x.data[i * p + j];
        }
        return c;
    }

    private static Map<String, Object> model(CellTypeDeRequest r, Data d, DesignMatrix design, ExpressionMatrix y, String svMethod,
                                             CovariateSelection.Selection selection) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cohortex_version", Version.get());
        m.put("expression", r.expr().toString());
        m.put("proportions", r.proportions().toString());
        m.put("phenotype", r.pheno().toString());
        m.put("trait", r.trait());
        m.put("method", r.method().name().toLowerCase(Locale.ROOT));
        m.put("scale", r.method() == CellTypeDeRequest.Method.INTERACTION ? r.fitScale().toString() : "log2(CPM + 1), imputed");
        m.put("cell_types", Arrays.asList(d.types()));
        m.put("sv_method", svMethod);
        m.put("covariates_forced", r.covariates());
        m.put("covariates_selected", selection == null ? "off" : selection.kept);
        m.put("design_columns", design.columns);
        m.put("n_samples", design.n());
        m.put("samples_used", y == null ? List.of() : Arrays.asList(y.samples));
        m.put("samples_dropped_incomplete", design.dropped);
        m.put("samples_without_phenotype", d.match().withoutPhenotype);
        return m;
    }

    private static void writeAnalysis(CellTypeDeRequest r, Folders folders, Data d, DesignMatrix design, ExpressionMatrix y,
            PhenotypeTable svs,
                                      CovariateSelection.Selection selection, Map<String, Object> extra) {
        Map<String, Object> m = model(r, d, design, y, extra.getOrDefault("sv_method", "none").toString(), selection);
        m.putAll(extra);
        Json.write(folders.root().resolve("model.json"), m);
        if (svs != null) {
            String[] names = svs.columnNames().toArray(new String[0]);
            double[] v = new double[y.sampleCount() * names.length];
            for (int i = 0; i < y.sampleCount(); i++) {
                for (int j = 0; j < names.length; j++) v[i * names.length + j] = svs.column(names[j]).numeric[svs.row(y.samples[i])];
            }
            MatrixWriter.write(folders.root().resolve("svs.tsv"), "sample", y.samples, names, v);
        }
        if (selection != null) {
            StringBuilder sb = new StringBuilder("variable\tmissing_fraction\tmin_p_sv\tdecision\treason\n");
            for (CovariateSelection.Decision dd : selection.decisions) {
                sb.append(dd.variable).append('\t').append(dd.missingFraction).append('\t').append(fmt(dd.minSvP)).append('\t')
                        .append(dd.decision).append('\t').append(dd.reason).append('\n');
            }
            AtomicFile.writeString(folders.root().resolve("covariate_selection.tsv"), sb.toString());
        }
    }

    private static boolean isBinary(double[] v) {
        for (double x : v) if (x != 0 && x != 1) return false;
        return true;
    }

    private static int indexOf(String[] a, String s) {
        for (int i = 0; i < a.length; i++) if (a[i].equals(s)) return i;
        throw new IllegalStateException("sample " + s + " not imputed");
    }

    private static int below(double[] x, double thr) {
        int c = 0;
        for (double v : x) if (v < thr) c++;
        return c;
    }

    static String fmt(double v) { return Double.isNaN(v) || Double.isInfinite(v) ? "NA" : Double.toString(v); }
}
