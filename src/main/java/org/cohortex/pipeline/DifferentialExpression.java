package org.cohortex.pipeline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.cohortex.Log;
import org.cohortex.UserException;
import org.cohortex.Version;
import org.cohortex.io.AtomicFile;
import org.cohortex.io.ExpressionMatrix;
import org.cohortex.io.Json;
import org.cohortex.io.MatrixReader;
import org.cohortex.io.MatrixWriter;
import org.cohortex.io.PhenotypeReader;
import org.cohortex.io.PhenotypeTable;
import org.cohortex.linalg.ComputeBackend;
import org.cohortex.linalg.Mat;
import org.cohortex.linalg.OlsFit;
import org.cohortex.stats.DesignBuilder;
import org.cohortex.stats.DesignMatrix;
import org.cohortex.stats.MultipleTesting;
import org.cohortex.stats.StudentT;

/**
 * The `de` analysis: per gene, expr ~ trait + covariates + SVs by OLS on complete cases (SPEC 4.6),
 * beta/se/t/p of the trait term, Bonferroni and BH within the set. Writes de.tsv, model.json,
 * svs.tsv and, when some genes could not be tested, gene_notes.tsv with the reason per gene.
 */
public final class DifferentialExpression {
    public static final String[] DE_COLUMNS = {"gene", "beta", "se", "t", "p", "p_bonferroni", "q_bh", "mean_expr"};

    private DifferentialExpression() {}

    /** What to analyse. */
    public static final class Request {
        public Path expr;
        public Path pheno;
        public Path out;
        public Path svFile;
        public String trait;
        public String sampleColumn;
        public List<String> covariates = List.of();
        public Set<String> categorical = Set.of();
        public String numSv = "0";
        public Transform transform = Transform.NONE;
        public boolean dropSamplesWithoutPhenotype;
    }

    /** Per-gene statistics of the trait term, in input gene order. */
    public static final class Result {
        public final String[] genes;
        public final double[] beta, se, t, p, pBonferroni, qBh, meanExpr;
        public final String[] note;
        public final DesignMatrix design;

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

    public static Result run(Request r, ComputeBackend backend) {
        long t0 = System.nanoTime();
        if (!"0".equals(r.numSv) && r.svFile == null) {
            throw new UserException("--num-sv " + r.numSv + ": estimating surrogate variables is not available yet in this version; "
                    + "give them with --sv-file, or use --num-sv 0");
        }
        if (!"0".equals(r.numSv) && r.svFile != null) {
            throw new UserException("--num-sv and --sv-file are exclusive: --sv-file uses the given SVs as they are");
        }
        ExpressionMatrix expr = MatrixReader.read(r.expr);
        Log.info("read %s: %d genes x %d samples (%.2f s)", r.expr, expr.geneCount(), expr.sampleCount(), (System.nanoTime() - t0) / 1e9);
        PhenotypeTable pheno = PhenotypeReader.read(r.pheno, r.sampleColumn, r.categorical);
        SampleMatch match = SampleMatch.of(r.expr.toString(), expr.samples, pheno, r.dropSamplesWithoutPhenotype);
        expr = r.transform.apply(expr, r.expr.toString());
        expr = expr.selectSamples(match.matched);
        PhenotypeTable svs = r.svFile == null ? null : PhenotypeReader.read(r.svFile, null, Set.of());

        DesignMatrix design = DesignBuilder.build(Arrays.asList(expr.samples), pheno, r.trait, r.covariates, svs);
        if (!design.dropped.isEmpty()) {
            Log.info("%d samples dropped for missing model variables (listed in model.json)", design.dropped.size());
        }
        ExpressionMatrix y = expr.selectSamples(design.used);
        Log.info("model: %s ~ %s; %d samples, %d columns, df %d; backend %s", "expr", String.join(" + ", design.columns.subList(1, design.columns.size())),
                design.n(), design.p(), design.residualDf(), backend.name());

        long tFit = System.nanoTime();
        OlsFit fit = backend.olsSharedDesign(design.x, y.values);
        double fitSeconds = (System.nanoTime() - tFit) / 1e9;
        Result res = statistics(y, design, fit);
        Log.info("fitted %d genes in %.3f s; %d tested, %d not testable (gene_notes.tsv), %d with p_bonferroni < 0.05",
                y.geneCount(), fitSeconds, res.tested(), y.geneCount() - res.tested(), countBelow(res.pBonferroni, 0.05));

        write(r, res, design, y, svs, match, backend, expr.samples);
        Log.info("wrote %s (%.2f s in all)", r.out, (System.nanoTime() - t0) / 1e9);
        return res;
    }

    /** Trait statistics per gene from the fit, with the reason for every gene left NA. */
    static Result statistics(ExpressionMatrix y, DesignMatrix design, OlsFit fit) {
        int genes = y.geneCount(), n = y.sampleCount(), j = design.traitColumn, p = design.p();
        Result res = new Result(y.genes, genes, design);
        double[] v = y.values.data;
        for (int g = 0; g < genes; g++) {
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
            else if (Double.isNaN(fit.beta(g, j))) note = "design restricted to the " + obs + " observed samples is rank deficient";
            else if (!(fit.se(g, j) > 0) || !(fit.rss[g] > 0)) note = "perfect fit: residual variance is zero";
            if (note != null) {
                res.beta[g] = res.se[g] = res.t[g] = res.p[g] = Double.NaN;
                res.note[g] = note;
                continue;
            }
            res.beta[g] = fit.beta(g, j);
            res.se[g] = fit.se(g, j);
            res.t[g] = res.beta[g] / res.se[g];
            res.p[g] = StudentT.twoSidedP(res.t[g], fit.df[g]);
        }
        double[] bonf = MultipleTesting.bonferroni(res.p), bh = MultipleTesting.benjaminiHochberg(res.p);
        System.arraycopy(bonf, 0, res.pBonferroni, 0, genes);
        System.arraycopy(bh, 0, res.qBh, 0, genes);
        return res;
    }

    private static int countBelow(double[] x, double thr) {
        int c = 0;
        for (double d : x) if (d < thr) c++;
        return c;
    }

    private static void write(Request r, Result res, DesignMatrix design, ExpressionMatrix y, PhenotypeTable svs,
                              SampleMatch match, ComputeBackend backend, String[] matchedSamples) {
        Path dir = r.out;
        writeDeTable(dir.resolve("de.tsv"), res);
        List<String> notes = new ArrayList<>();
        for (int g = 0; g < res.genes.length; g++) if (res.note[g] != null) notes.add(res.genes[g] + "\t" + res.note[g]);
        Path notesFile = dir.resolve("gene_notes.tsv");
        if (!notes.isEmpty()) AtomicFile.writeString(notesFile, "gene\treason\n" + String.join("\n", notes) + "\n");
        else {
            try { java.nio.file.Files.deleteIfExists(notesFile); } catch (java.io.IOException ignored) { /* stale file from an older run */ }
        }

        // svs.tsv: the SVs that entered the model, for the samples used
        List<String> svNames = svs == null ? List.of() : svs.columnNames();
        AtomicFile.write(dir.resolve("svs.tsv"), w -> {
            StringBuilder sb = new StringBuilder("sample");
            for (String s : svNames) sb.append('\t').append(s);
            sb.append('\n');
            for (int i = 0; i < y.sampleCount(); i++) {
                sb.append(y.samples[i]);
                for (String s : svNames) sb.append('\t').append(MatrixWriter.format(svs.column(s).numeric[svs.row(y.samples[i])]));
                sb.append('\n');
            }
            w.write(sb.toString());
        });

        Map<String, Object> model = new LinkedHashMap<>();
        model.put("cohortex_version", Version.get());
        model.put("expression", r.expr.toString());
        model.put("phenotype", r.pheno.toString());
        model.put("sv_file", r.svFile == null ? null : r.svFile.toString());
        model.put("num_sv", svNames.size());
        model.put("transform", r.transform.name().toLowerCase(java.util.Locale.ROOT));
        model.put("trait", r.trait);
        model.put("trait_term", design.traitTerm());
        model.put("formula", "expr ~ " + String.join(" + ", design.columns.subList(1, design.columns.size())));
        model.put("design_columns", design.columns);
        model.put("categorical_levels", design.levels);
        model.put("n_samples", design.n());
        model.put("df", design.residualDf());
        model.put("samples_used", Arrays.asList(y.samples));
        model.put("samples_dropped_incomplete", design.dropped);
        model.put("samples_without_phenotype", match.withoutPhenotype);
        model.put("phenotype_rows_without_expression", match.phenotypeOnly);
        model.put("genes", res.genes.length);
        model.put("genes_tested", res.tested());
        model.put("genes_not_tested", res.genes.length - res.tested());
        model.put("genes_bonferroni_0_05", countBelow(res.pBonferroni, 0.05));
        model.put("backend", backend.describe());
        Json.write(dir.resolve("model.json"), model);
    }

    public static void writeDeTable(Path file, Result res) {
        AtomicFile.write(file, w -> {
            StringBuilder sb = new StringBuilder(1 << 16);
            sb.append(String.join("\t", DE_COLUMNS)).append('\n');
            for (int g = 0; g < res.genes.length; g++) {
                sb.append(res.genes[g]);
                for (double v : new double[] {res.beta[g], res.se[g], res.t[g], res.p[g], res.pBonferroni[g], res.qBh[g], res.meanExpr[g]}) {
                    sb.append('\t');
                    if (Double.isNaN(v) || Double.isInfinite(v)) sb.append("NA"); else sb.append(v);
                }
                sb.append('\n');
                if (sb.length() > 60_000) { w.append(sb); sb.setLength(0); }
            }
            w.append(sb);
        });
    }
}
