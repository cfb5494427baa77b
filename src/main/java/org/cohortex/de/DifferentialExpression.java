package org.cohortex.de;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import org.cohortex.Log;
import org.cohortex.UserException;
import org.cohortex.Version;
import org.cohortex.counts.LimmaVoom;
import org.cohortex.counts.LimmaVoom.Normalization;
import org.cohortex.counts.LimmaVoom.Weights;
import org.cohortex.counts.Voom;
import org.cohortex.io.AnalysisData;
import org.cohortex.io.AtomicFile;
import org.cohortex.io.ExpressionMatrix;
import org.cohortex.io.Json;
import org.cohortex.io.MatrixReader;
import org.cohortex.io.MatrixWriter;
import org.cohortex.io.PhenotypeReader;
import org.cohortex.io.PhenotypeTable;
import org.cohortex.io.Scale;
import org.cohortex.linalg.Mat;
import org.cohortex.linalg.OlsFit;
import org.cohortex.linalg.WeightedLeastSquares;
import org.cohortex.stats.DesignBuilder;
import org.cohortex.stats.DesignMatrix;
import org.cohortex.stats.EmpiricalBayes;
import org.cohortex.stats.MultipleTesting;
import org.cohortex.stats.RSummary;
import org.cohortex.stats.StudentT;
import org.cohortex.sva.CovariateSelection;
import org.cohortex.sva.SvaAnalysis;

/**
 * The DE engine, used by `de` and by every analysis of the study grid: per gene, expr ~ trait +
 * covariates + SVs by OLS on complete cases; beta/se/t/p of the trait term, Bonferroni and BH within
 * the set. Steps: prepare the data ({@link AnalysisData}; counts through filterByExpr, TMM and
 * log2-CPM, {@link FilteredLogCpm}), surrogate variables (estimated or given), covariate selection,
 * design, one batched OLS (or voom weights and a batched weighted least squares), statistics
 * (optionally limma's eBayes moderated t), optional Freedman-Lane permutations, outputs (de.tsv,
 * model.json, svs.tsv, gene_notes.tsv, the counts tables, and the SVA and selection tables). Genes
 * that filterByExpr removes are not tested and not in de.tsv (as in limma's topTable); they are in
 * filter_by_expr.tsv.
 */
public final class DifferentialExpression {
    private DifferentialExpression() {}

    /** Per-gene statistics of the trait term, in input gene order. */
    public static final class Result {
        public final String[] genes;
        public final double[] beta, se, t, p, pBonferroni, qBh, meanExpr;
        public final String[] note;
        public final DesignMatrix design;
        /** Freedman-Lane empirical and max-T adjusted p-values; null without permutations. */
        public double[] pPerm, pMaxT;
        public FreedmanLane.Result permutation;
        /** With eBayes moderation: df.total per gene (NaN where not tested), df.prior, s2.prior per gene; else null / NaN. */
        public double[] dfTotal, s2Prior;
        public double dfPrior = Double.NaN;
        /** The counts steps (filterByExpr, TMM, log2-CPM) for counts input; null for log-scale input. */
        public FilteredLogCpm counts;

        Result(String[] genes, int g, DesignMatrix design) {
            this.genes = genes;
            beta = new double[g];
            se = new double[g];
            t = new double[g];
            p = new double[g];
            pBonferroni = new double[g];
            qBh = new double[g];
            meanExpr = new double[g];
            note = new String[g];
            this.design = design;
        }

        public int tested() { return MultipleTesting.countTested(p); }
    }

    /** Reads the expression matrix and runs the analysis. */
    public static Result run(DeRequest r, DeKernels backend, Log.Sink log) {
        long t0 = System.nanoTime();
        ExpressionMatrix expr = MatrixReader.read(r.expr());
        log.info("read %s: %d genes x %d samples (%.2f s)", r.expr(), expr.geneCount(), expr.sampleCount(), (System.nanoTime() - t0) / 1e9);
        return run(r, expr, backend, log);
    }

    /**
     * The analysis of {@code raw}, the matrix read from {@code r.expr()} (a grid reuses it for several
     * traits). Counts go through {@link FilteredLogCpm} first, so SVA, covariate selection and the
     * model all see the filtered, normalised log2-CPM.
     */
    public static Result run(DeRequest r, ExpressionMatrix raw, DeKernels backend, Log.Sink log) {
        long t0 = System.nanoTime();
        boolean counts = r.inputScale() == Scale.COUNTS;
        AnalysisData data = counts ? AnalysisData.matched(raw, r.expr(), r.pheno(), r.sampleColumn(), r.categorical(),
                r.dropSamplesWithoutPhenotype(), log) : AnalysisData.prepare(raw, r.expr(), r.inputScale(), r.pheno(), r.sampleColumn(),
                r.categorical(), r.dropSamplesWithoutPhenotype(), log);
        PhenotypeTable givenSvs = r.svFile() == null ? null : PhenotypeReader.read(r.svFile(), null, Set.of());
        FilteredLogCpm cpm = counts ? FilteredLogCpm.of(data, r, givenSvs, log) : null;
        ExpressionMatrix expr = cpm != null ? cpm.logCpm() : data.expr();
        SvaAnalysis.Result sva = r.sva().estimates() ? SvaAnalysis.run(backend, expr, data.pheno(), r.trait(), r.covariates(), r.sva(),
                log) : null;
        PhenotypeTable svs = sva != null ? sva.asTable() : givenSvs;
        List<String> covariates = new ArrayList<>(r.covariates());
        CovariateSelection.Selection selection = null;
        if (r.selection() != null) {
            selection = selectCovariates(r, data.pheno(), expr, svs);
            covariates.addAll(selection.kept);
            log.info("covariate selection: %d of %d candidates kept: %s", selection.kept.size(), selection.decisions.size(),
                    selection.kept);
        }
        DesignMatrix design = DesignBuilder.build(Arrays.asList(expr.samples), data.pheno(), r.trait(), covariates, svs);
        if (!design.dropped.isEmpty()) log.info("%d samples dropped for missing model variables (listed in model.json)",
                design.dropped.size());
        ExpressionMatrix y = expr.samplesToRead(design.used); // the fits, permutations and tables only read it
        log.info("model: %s ~ %s; %d samples, %d columns, df %d; backend %s", "expr", String.join(" + ", design.columns.subList(1,
                design.columns.size())),
                design.n(), design.p(), design.residualDf(), backend.name());
        long tFit = System.nanoTime();
        Result res = fit(r, design, y, cpm, backend, log);
        res.counts = cpm;
        double fitSeconds = (System.nanoTime() - tFit) / 1e9;
        if (r.permutations() > 0) permute(res, design, y, r, backend, log);
        log.info("fitted %d genes in %.3f s; %d tested, %d not testable (gene_notes.tsv), %d with p_bonferroni < 0.05",
                y.geneCount(), fitSeconds, res.tested(), y.geneCount() - res.tested(), countBelow(res.pBonferroni, 0.05));
        write(r, res, design, y, svs, data, backend);
        if (sva != null) SvaAnalysis.write(r.out(), sva, Map.of("trait", r.trait()), false);
        writeSelection(r.out(), selection);
        log.info("wrote %s (%.2f s in all)", r.out(), (System.nanoTime() - t0) / 1e9);
        return res;
    }

    /**
     * The trait's statistics from the model fit: OLS with one QR for all genes, or, with voom weights,
     * limma's voom (the trend from an OLS fit of the same design) and a batched weighted least squares;
     * then, when asked, eBayes moderation.
     */
    static Result fit(DeRequest r, DesignMatrix design, ExpressionMatrix y, FilteredLogCpm cpm, DeKernels backend, Log.Sink log) {
        TraitFit tf;
        if (r.limma().weights() == Weights.VOOM) {
            if (design.residualDf() < 1) {
                throw new UserException(design.n() + " complete samples for " + design.p() + " model columns: no residual degrees of"
                        + " freedom for voom's mean-variance trend");
            }
            ExpressionMatrix c = cpm.counts().selectSamples(design.used);
            Voom.Result v = Voom.compute(backend, c.values.data, c.geneCount(), c.sampleCount(), design.x,
                    cpm.effectiveLibSizes(design.used));
            tf = TraitFit.of(WeightedLeastSquares.fit(backend, design.x, y.values, v.weights(), new int[] {design.traitColumn}),
                    design.traitColumn);
            log.info("voom: precision weights from the lowess trend of %d genes; weighted least squares per gene", y.geneCount());
        } else {
            tf = TraitFit.of(backend.olsSharedDesign(design.x, y.values), design.traitColumn);
        }
        Result res = statistics(y, design, tf);
        if (r.limma().moderated()) moderate(res, tf, r.limma().trend(), log);
        adjust(res);
        return res;
    }

    /**
     * limma's eBayes over the tested genes (limma 3.54, robust = FALSE): the residual variances are
     * squeezed towards the prior (a constant, or with trend a spline in the mean expression) and the
     * trait's se, t and p replaced by the moderated ones on df.total degrees of freedom.
     */
    static void moderate(Result res, TraitFit tf, boolean trend, Log.Sink log) {
        int genes = res.genes.length;
        int[] idx = IntStream.range(0, genes).filter(g -> res.note[g] == null).toArray();
        res.dfTotal = new double[genes];
        res.s2Prior = new double[genes];
        Arrays.fill(res.dfTotal, Double.NaN);
        Arrays.fill(res.s2Prior, Double.NaN);
        if (idx.length == 0) return;
        double[] sigma = new double[idx.length], df = new double[idx.length], amean = trend ? new double[idx.length] : null;
        for (int k = 0; k < idx.length; k++) {
            sigma[k] = tf.sigma()[idx[k]];
            df[k] = tf.df()[idx[k]];
            if (trend) amean[k] = res.meanExpr[idx[k]];
        }
        EmpiricalBayes.Moderation m = EmpiricalBayes.moderate(sigma, df, amean);
        for (int k = 0; k < idx.length; k++) {
            int g = idx[k];
            double unscaled = tf.se()[g] / tf.sigma()[g];
            res.se[g] = unscaled * Math.sqrt(m.s2Post()[k]);
            res.t[g] = res.beta[g] / res.se[g];
            res.p[g] = StudentT.twoSidedP(res.t[g], m.dfTotal()[k]);
            res.dfTotal[g] = m.dfTotal()[k];
            res.s2Prior[g] = m.s2Prior()[k];
        }
        res.dfPrior = m.dfPrior();
        log.info("eBayes%s: df.prior %s, s2.prior %s over %d genes", trend ? " (trend)" : "", MatrixWriter.format(m.dfPrior()),
                trend ? "a trend in the mean expression" : MatrixWriter.format(m.s2Prior()[0]), idx.length);
    }

    /** Freedman-Lane over the genes with a t and no missing value (the others keep NA, with a log line). */
    static void permute(Result res, DesignMatrix design, ExpressionMatrix y, DeRequest r, DeKernels backend, Log.Sink log) {
        long t0 = System.nanoTime();
        int genes = y.geneCount(), n = y.sampleCount();
        boolean[] include = new boolean[genes];
        int withNa = 0;
        for (int g = 0; g < genes; g++) {
            if (Double.isNaN(res.t[g])) continue;
            boolean complete = true;
            for (int i = 0; i < n && complete; i++) complete = !Double.isNaN(y.values.data[g * n + i]);
            if (complete) include[g] = true; else withNa++;
        }
        int[] index = IntStream.range(0, genes).filter(g -> include[g]).toArray();
        if (withNa > 0) log.warn("permutations: %d genes with missing values are not permuted (p_perm, p_maxt NA)", withNa);
        FreedmanLane.Problem prob = FreedmanLane.prepare(backend, design.x, design.traitColumn, y.values, include);
        res.permutation = FreedmanLane.run(backend, prob, index, genes, r.permutations(), r.seed(), log);
        res.pPerm = res.permutation.pPerm();
        res.pMaxT = res.permutation.pMaxT();
        log.info("permutations: %d Freedman-Lane permutations of %d genes in %.2f s (backend %s); %d with p_maxt < 0.05",
                r.permutations(), index.length, (System.nanoTime() - t0) / 1e9, backend.name(), countBelow(res.pMaxT, 0.05));
    }

    /** The paper's covariate selection on the samples of the SVA model (trait + forced covariates complete), with their SVs. */
    private static CovariateSelection.Selection selectCovariates(DeRequest r, PhenotypeTable pheno, ExpressionMatrix expr,
            PhenotypeTable svs) {
        List<String> candidates = r.selection().candidates();
        if (candidates == null) {
            candidates = new ArrayList<>();
            for (String c : pheno.columnNames()) {
                if (c.equals(r.trait()) || r.covariates().contains(c) || r.selection().exclude().contains(c)) continue;
                candidates.add(c);
            }
        }
        DesignMatrix base = DesignBuilder.build(Arrays.asList(expr.samples), pheno, r.trait(), r.covariates(), svs);
        List<String> samples = new ArrayList<>();
        for (int i : base.used) samples.add(expr.samples[i]);
        int k = svs == null ? 0 : svs.columnNames().size();
        Mat sv = new Mat(samples.size(), k);
        for (int i = 0; i < samples.size(); i++) {
            for (int j = 0; j < k; j++) sv.data[i * k + j] = svs.column(svs.columnNames().get(j)).numeric[svs.row(samples.get(i))];
        }
        List<String> fixed = new ArrayList<>(List.of(r.trait()));
        fixed.addAll(r.covariates());
        return CovariateSelection.select(pheno, samples, sv, candidates, r.selection().options(), fixed);
    }

    private static void writeSelection(Path dir, CovariateSelection.Selection sel) {
        Path f = dir.resolve("covariate_selection.tsv");
        if (sel == null) {
            deleteStale(f);
            return;
        }
        StringBuilder sb = new StringBuilder("variable\tmissing_fraction\tmin_p_sv\tdecision\treason\n");
        for (CovariateSelection.Decision d : sel.decisions) {
            sb.append(d.variable).append('\t').append(d.missingFraction).append('\t')
                    .append(Double.isNaN(d.minSvP) ? "NA" : Double.toString(d.minSvP)).append('\t')
                    .append(d.decision).append('\t').append(d.reason).append('\n');
        }
        AtomicFile.writeString(f, sb.toString());
    }

    /** A file an earlier run wrote and this one does not: removed so the folder describes this run only. */
    static void deleteStale(Path f) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException e) {
            throw new UserException(f + ": a stale file from an earlier run cannot be removed (" + e.getMessage() + ")");
        }
    }

    /**
     * The trait column of a fit, per gene: estimate, standard error, residual sd and residual df (NaN
     * where the gene could not be fitted).
     */
    record TraitFit(double[] beta, double[] se, double[] sigma, double[] df) {
        static TraitFit of(OlsFit fit, int j) {
            int genes = fit.genes;
            TraitFit t = new TraitFit(new double[genes], new double[genes], new double[genes], new double[genes]);
            for (int g = 0; g < genes; g++) {
                t.beta[g] = fit.beta(g, j);
                t.se[g] = fit.se(g, j);
                t.df[g] = fit.df[g];
                t.sigma[g] = Math.sqrt(fit.rss[g] / fit.df[g]);
            }
            return t;
        }

        static TraitFit of(WeightedLeastSquares.Fit fit, int j) {
            double[] beta = fit.column(fit.coefficients, j), su = fit.column(fit.stdevUnscaled, j), se = new double[fit.genes];
            for (int g = 0; g < fit.genes; g++) se[g] = su[g] * fit.sigma[g];
            return new TraitFit(beta, se, fit.sigma.clone(), fit.dfResidual.clone());
        }
    }

    /** Trait statistics per gene from the fit, with the reason for every gene left NA; adjusted p-values by {@link #adjust}. */
    static Result statistics(ExpressionMatrix y, DesignMatrix design, TraitFit fit) {
        int genes = y.geneCount(), n = y.sampleCount(), p = design.p();
        Result res = new Result(y.genes, genes, design);
        double[] v = y.values.data;
        // genes in blocks on all cores (each row its own gene's: no change with the thread count); t's p is most of it
        IntStream.range(0, (genes + STAT_BLOCK - 1) / STAT_BLOCK).parallel().forEach(b -> {
            for (int g = b * STAT_BLOCK, end = Math.min(genes, g + STAT_BLOCK); g < end; g++) statistics(v, n, p, fit, res, g);
        });
        return res;
    }

    /** Genes per task of {@link #statistics(ExpressionMatrix, DesignMatrix, TraitFit)}. */
    private static final int STAT_BLOCK = 1024;

    /** Gene g's mean expression, and its trait's beta, se, t and p or the note why it has none. */
    private static void statistics(double[] v, int n, int p, TraitFit fit, Result res, int g) {
        double sum = 0, min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        int obs = 0;
        for (int i = 0; i < n; i++) {
            double x = v[g * n + i];
            if (Double.isNaN(x)) continue;
            sum += x;
            obs++;
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        res.meanExpr[g] = obs == 0 ? Double.NaN : sum / obs;
        String note = null;
        if (obs - p < 1) note = "only " + obs + " observed samples for " + p + " model columns (no residual df)";
        else if (min == max) note = "constant expression (" + MatrixWriter.format(min) + ") in the " + obs + " samples used";
        else if (Double.isNaN(fit.beta()[g])) note = "design restricted to the " + obs + " observed samples is rank deficient";
        else if (!(fit.se()[g] > 0) || !(fit.sigma()[g] > 0)) note = "perfect fit: residual variance is zero";
        if (note != null) {
            res.beta[g] = res.se[g] = res.t[g] = res.p[g] = Double.NaN;
            res.note[g] = note;
            return;
        }
        res.beta[g] = fit.beta()[g];
        res.se[g] = fit.se()[g];
        res.t[g] = res.beta[g] / res.se[g];
        res.p[g] = StudentT.twoSidedP(res.t[g], fit.df()[g]);
    }

    /** Bonferroni and Benjamini-Hochberg within the set over the genes with a p. */
    static void adjust(Result res) {
        int genes = res.genes.length;
        double[] bonf = MultipleTesting.bonferroni(res.p), bh = MultipleTesting.benjaminiHochberg(res.p);
        System.arraycopy(bonf, 0, res.pBonferroni, 0, genes);
        System.arraycopy(bh, 0, res.qBh, 0, genes);
    }

    private static int countBelow(double[] x, double thr) {
        int c = 0;
        for (double d : x) if (d < thr) c++;
        return c;
    }

    private static void write(DeRequest r, Result res, DesignMatrix design, ExpressionMatrix y, PhenotypeTable svs, AnalysisData data,
                              DeKernels backend) {
        Path dir = r.out();
        DeTable.write(dir.resolve("de.tsv"), res);
        List<String> notes = notes(res);
        Path notesFile = dir.resolve("gene_notes.tsv");
        if (!notes.isEmpty()) AtomicFile.writeString(notesFile, "gene\treason\n" + String.join("\n", notes) + "\n");
        else deleteStale(notesFile);
        List<String> svNames = svs == null ? List.of() : svs.columnNames();
        AtomicFile.writeString(dir.resolve("svs.tsv"), svsTable(svs, svNames, y.samples));
        if (res.counts != null) res.counts.write(dir);
        else FilteredLogCpm.removeStale(dir);
        Json.write(dir.resolve("model.json"), model(r, res, design, y, svNames.size(), data, backend));
    }

    // write's passes over genes and samples are methods of their own, so that the JIT compiles each loop alone instead of
    // all of write (it runs once per analysis) when a loop gets hot

    /** gene_notes.tsv's rows: "gene\treason" for each gene with a note, in gene order. */
    private static List<String> notes(Result res) {
        List<String> notes = new ArrayList<>();
        for (int g = 0; g < res.genes.length; g++) if (res.note[g] != null) notes.add(res.genes[g] + "\t" + res.note[g]);
        return notes;
    }

    /** svs.tsv's text: the SVs that entered the model, for the samples used. */
    private static String svsTable(PhenotypeTable svs, List<String> svNames, String[] samples) {
        StringBuilder sb = new StringBuilder("sample");
        for (String s : svNames) sb.append('\t').append(s);
        sb.append('\n');
        for (String sample : samples) {
            sb.append(sample);
            for (String s : svNames) sb.append('\t').append(MatrixWriter.format(svs.column(s).numeric[svs.row(sample)]));
            sb.append('\n');
        }
        return sb.toString();
    }

    /** model.json: what was fitted, on which samples, and how each step was configured. */
    private static Map<String, Object> model(DeRequest r, Result res, DesignMatrix design, ExpressionMatrix y, int nsv, AnalysisData data,
                                             DeKernels backend) {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("cohortex_version", Version.get());
        model.put("expression", r.expr().toString());
        model.put("phenotype", r.pheno().toString());
        model.put("sv_file", r.svFile() == null ? null : r.svFile().toString());
        model.put("sv_source", r.svFile() != null ? "file" : r.sva().estimates() ? "estimated (num_sv.json)" : "none");
        model.put("num_sv", nsv);
        model.put("covariates_forced", r.covariates());
        CovariateSelection.Options o = r.selection() == null ? null : r.selection().options();
        model.put("covariate_selection", o == null ? "off"
                : Json.object("rule", o.rule().name().toLowerCase(Locale.ROOT), "alpha", o.alpha(), "max_missing", o.maxMissing(),
                        "max_abs_correlation", o.maxAbsCorrelation(), "table", "covariate_selection.tsv"));
        model.put("transform", r.inputScale() == Scale.COUNTS ? "log2cpm" : "none");
        model.put("set", r.setName());
        model.put("trait", r.trait());
        model.put("trait_term", design.traitTerm());
        model.put("formula", "expr ~ " + String.join(" + ", design.columns.subList(1, design.columns.size())));
        model.put("design_columns", design.columns);
        model.put("categorical_levels", design.levels);
        model.put("n_samples", design.n());
        model.put("df", design.residualDf());
        model.put("samples_used", Arrays.asList(y.samples));
        Map<String, String> dropped = new LinkedHashMap<>(res.counts == null ? Map.of() : res.counts.design().dropped);
        dropped.putAll(design.dropped);
        model.put("samples_dropped_incomplete", dropped);
        model.put("samples_without_phenotype", data.match().withoutPhenotype);
        model.put("phenotype_rows_without_expression", data.match().phenotypeOnly);
        model.put("genes", res.genes.length);
        model.put("genes_tested", res.tested());
        model.put("genes_not_tested", res.genes.length - res.tested());
        model.put("genes_bonferroni_0_05", countBelow(res.pBonferroni, 0.05));
        limmaSettings(model, r, res);
        model.put("permutations", res.permutation == null ? "off"
                : Json.object("method", "Freedman-Lane (residuals of the model without the trait), t statistic",
                        "permutations", res.permutation.permutations(), "seed", r.seed(),
                        "genes_permuted", res.permutation.genesPermuted(),
                        "p_perm", "(1 + #{|t*| >= |t|}) / (B + 1)", "p_maxt", "Westfall-Young step-down max-T, same +1",
                        "genes_maxt_0_05", countBelow(res.pMaxT, 0.05)));
        model.put("backend", backend.describe());
        return model;
    }

    /**
     * The edgeR/limma settings used and what they found: the counts steps (genes kept, the filter's
     * design, the tables), and with moderation df_prior and s2_prior (a number; with trend a summary of
     * the per-gene prior). An infinite df_prior (no variation between genes beyond sampling) is "Inf".
     */
    private static void limmaSettings(Map<String, Object> model, DeRequest r, Result res) {
        LimmaVoom.Settings s = r.limma();
        model.put("filter_by_expr", s.filter());
        model.put("normalize", s.normalize().name().toLowerCase(Locale.ROOT));
        model.put("weights", s.weights().name().toLowerCase(Locale.ROOT));
        model.put("moderated", s.moderated());
        model.put("trend", s.trend());
        if (res.counts != null) {
            FilteredLogCpm c = res.counts;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("genes_input", c.inputGenes().length);
            m.put("genes_kept", c.genesKept());
            m.put("genes_filtered_out", c.inputGenes().length - c.genesKept());
            m.put("filter_design", "~ " + String.join(" + ", c.design().columns.subList(1, c.design().columns.size())));
            m.put("samples_normalised", c.libSize().length);
            m.put("order", "filterByExpr (design without estimated SVs) -> library sizes of kept genes -> "
                    + (s.normalize() == Normalization.TMM ? "TMM" : "no normalisation") + " -> log2-CPM -> SVA -> "
                    + (s.weights() == Weights.VOOM ? "voom weights + weighted least squares" : "least squares"));
            m.put("tables", s.filter() ? List.of("filter_by_expr.tsv", "normalization.tsv") : List.of("normalization.tsv"));
            model.put("counts", m);
        }
        if (s.moderated()) {
            model.put("df_prior", Double.isInfinite(res.dfPrior) ? "Inf" : res.dfPrior);
            double[] prior = Arrays.stream(res.s2Prior).filter(Double::isFinite).toArray();
            if (!s.trend() || prior.length == 0) {
                model.put("s2_prior", prior.length == 0 ? null : prior[0]);
            } else {
                Map<String, Object> summary = new LinkedHashMap<>();
                summary.put("trend", "natural spline in mean_expr (limma-trend)");
                summary.put("min", Arrays.stream(prior).min().getAsDouble());
                summary.put("median", RSummary.median(prior));
                summary.put("max", Arrays.stream(prior).max().getAsDouble());
                model.put("s2_prior", summary);
            }
        }
    }

    /** "BLA" from expr/BLA.counts.tsv.gz; "BLA.microglia" from BLA.microglia.tsv. */
    public static String setName(Path expr) {
        String n = expr.getFileName().toString();
        for (String ext : new String[] {".gz", ".tsv", ".csv", ".txt", ".counts", ".log2expr", ".expr"}) {
            if (n.endsWith(ext)) n = n.substring(0, n.length() - ext.length());
        }
        return n;
    }
}
