package org.cohortex.sva;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.cohortex.Log;
import org.cohortex.UserException;
import org.cohortex.io.AtomicFile;
import org.cohortex.io.ExpressionMatrix;
import org.cohortex.io.Json;
import org.cohortex.io.MatrixWriter;
import org.cohortex.io.PhenotypeTable;
import org.cohortex.io.TextRows;
import org.cohortex.linalg.DenseOps;
import org.cohortex.linalg.Mat;
import org.cohortex.linalg.SymmetricEigen;
import org.cohortex.stats.DesignBuilder;
import org.cohortex.stats.DesignMatrix;

/**
 * The SVA step of an analysis: mod = intercept + trait + forced covariates, mod0 = mod without the
 * trait, on the samples that have all of them; n.sv by "be", "leek" or given; irw-sva.
 */
public final class SvaAnalysis {
    /**
     * How many SVs ({@code be}, {@code leek}, or a number; "0" = none), the permutations of num.sv
     * "be", the irw-sva iterations, and the seed of the permutations.
     */
    public record Settings(String numSv, int permutations, int iterations, long seed) {
        /** sva's defaults: num.sv "be" with B = 20, irw-sva B = 5, seed 1. */
        public static final Settings DEFAULT = new Settings("be", 20, 5, 1);

        public Settings {
            if (!numSv.equals("be") && !numSv.equals("leek") && !numSv.matches("[0-9]{1,6}")) {
                throw new UserException(UserException.setting("num_sv") + " " + numSv + ": give be, leek or a number of SVs");
            }
            if (permutations < 1) throw new UserException(UserException.setting("sv_permutations") + " " + permutations
                    + ": must be 1 or more");
            if (iterations < 1) throw new UserException(UserException.setting("sv_iterations") + " " + iterations + ": must be 1 or more");
        }

        public Settings withNumSv(String n) { return new Settings(n, permutations, iterations, seed); }

        /** Whether SVs are estimated at all ({@code numSv} other than "0"). */
        public boolean estimates() { return !numSv.equals("0"); }
    }

    public static final class Result {
        public final List<String> samples;
        /** samples x nsv. */
        public final Mat sv;
        public final String method;
        public final List<String> modColumns, mod0Columns;
        public final double[] pprobGam, pprobB;
        public final String[] genes;

        Result(List<String> samples, Mat sv, String method, List<String> mod, List<String> mod0, double[] gam, double[] b, String[] genes) {
            this.samples = samples;
            this.sv = sv;
            this.method = method;
            this.modColumns = mod;
            this.mod0Columns = mod0;
            this.pprobGam = gam;
            this.pprobB = b;
            this.genes = genes;
        }

        public int nsv() { return sv.cols; }

        /** The SVs as a table (columns sv1..svk) that the design builder can take. */
        public PhenotypeTable asTable() {
            List<PhenotypeTable.Column> cols = new ArrayList<>();
            for (int k = 0; k < sv.cols; k++) cols.add(PhenotypeTable.numericColumn("sv" + (k + 1), sv.column(k)));
            return PhenotypeTable.of("estimated surrogate variables", "sample", samples, cols);
        }
    }

    private SvaAnalysis() {}

    public static Result run(DenseOps b, ExpressionMatrix expr, PhenotypeTable pheno, String trait, List<String> covariates, Settings s,
                             Log.Sink log) {
        long t0 = System.nanoTime();
        DesignMatrix design = DesignBuilder.build(Arrays.asList(expr.samples), pheno, trait, covariates, null);
        ExpressionMatrix all = expr.samplesToRead(design.used); // num.sv and irw-sva only read it
        if (!SurrogateVariables.isComplete(all.values)) { // the first NA, located
            for (int g = 0; g < all.geneCount(); g++) {
                for (int j = 0; j < all.sampleCount(); j++) {
                    if (Double.isNaN(all.values.data[g * all.sampleCount() + j])) {
                        throw new UserException("SVA needs complete data, but gene '" + all.genes[g] + "' is NA in sample '"
                                + all.samples[j] + "'; remove or impute genes with missing values before estimating SVs");
                    }
                }
            }
        }
        int[] varying = varyingGenes(all, log);
        ExpressionMatrix y = varying.length == all.geneCount() ? all : all.selectGenes(varying);
        int[] keep0 = new int[design.p() - 1];
        for (int j = 0, k = 0; j < design.p(); j++) if (j != design.traitColumn) keep0[k++] = j;
        Mat mod = design.x, mod0 = mod.selectColumns(keep0);
        List<String> mod0Names = new ArrayList<>();
        for (int j : keep0) mod0Names.add(design.columns.get(j));
        int n = design.n(), maxSv = n - design.p() - 1;
        String method;
        int nsv;
        SymmetricEigen start = null; // the residual eigenproblem, when be has formed it: irw-sva starts from it too
        switch (s.numSv()) {
            case "be":
                start = SurrogateVariables.residualEigen(b, y.values, mod);
                nsv = SurrogateVariables.numSvBeOfComplete(b, y.values, mod, s.permutations(), s.seed(), start);
                method = "be (B = " + s.permutations() + ", seed = " + s.seed() + ")";
                break;
            case "leek":
                nsv = SurrogateVariables.numSvLeek(b, y.values, mod);
                method = "leek";
                break;
            default:
                nsv = Integer.parseInt(s.numSv());
                if (nsv > maxSv) {
                    throw new UserException(UserException.setting("num_sv") + " " + nsv + ": must be between 0 and " + maxSv + " for " + n
                            + " samples and " + design.p() + " model columns");
                }
                method = "given";
        }
        log.info("sva: n.sv = %d (%s) on %d genes x %d samples (%.2f s)", nsv, method, y.geneCount(), n, (System.nanoTime() - t0) / 1e9);
        List<String> samples = new ArrayList<>();
        for (int i : design.used) samples.add(expr.samples[i]);
        if (nsv == 0) {
            return new Result(samples, new Mat(n, 0), method, design.columns, mod0Names, null, null, all.genes);
        }
        SurrogateVariables.Result r = SurrogateVariables.irwOfComplete(b, y.values, mod, mod0, nsv, s.iterations(), start);
        log.info("sva: %d surrogate variables by irw-sva (%d iterations) in %.2f s", nsv, s.iterations(), (System.nanoTime() - t0) / 1e9);
        return new Result(samples, r.sv, method, design.columns, mod0Names, spread(r.pprobGam, varying, all.geneCount()),
                spread(r.pprobB, varying, all.geneCount()), all.genes);
    }

    /**
     * The genes that vary over the samples used. A constant gene has no residual under any model:
     * sva's F tests give it 0/0, and edge.lfdr's density() stops on the NaN (R's sva fails the same
     * way). It carries nothing about the SVs either, so it is left out, as an R user is told to do
     * by hand, with a warning; its posterior probabilities are NA.
     */
    static int[] varyingGenes(ExpressionMatrix y, Log.Sink log) {
        int n = y.sampleCount();
        double[] v = y.values.data;
        List<Integer> keep = new ArrayList<>();
        List<String> constant = new ArrayList<>();
        for (int g = 0; g < y.geneCount(); g++) {
            boolean varies = false;
            for (int j = 1; j < n && !varies; j++) varies = v[g * n + j] != v[g * n];
            if (varies) keep.add(g); else constant.add(y.genes[g]);
        }
        if (!constant.isEmpty()) {
            log.warn("sva: %d genes constant over the %d samples are left out of SVA (pprob NA): %s%s", constant.size(), n,
                    String.join(", ", constant.subList(0, Math.min(5, constant.size()))), constant.size() > 5 ? ", ..." : "");
        }
        if (keep.size() < 2) {
            throw new UserException("SVA needs genes that vary over the samples; " + (y.geneCount() - keep.size()) + " of " + y.geneCount()
                    + " genes are constant over the " + n + " samples of the model");
        }
        return keep.stream().mapToInt(Integer::intValue).toArray();
    }

    private static String na(double v) { return Double.isNaN(v) ? "NA" : Double.toString(v); }

    /** Values of the genes {@code idx} placed among {@code total} genes, NaN elsewhere. */
    private static double[] spread(double[] v, int[] idx, int total) {
        if (idx.length == total) return v;
        double[] out = new double[total];
        Arrays.fill(out, Double.NaN);
        for (int k = 0; k < idx.length; k++) out[idx[k]] = v[k];
        return out;
    }

    /** svs.tsv (sample, sv1..), num_sv.json and, when SVs were estimated, sva_pprob.tsv. */
    public static void write(Path dir, Result r, Map<String, Object> extra) {
        write(dir, r, extra, true);
    }

    /** As {@link #write(Path, Result, Map)}; {@code withSvs = false} leaves svs.tsv to the caller. */
    public static void write(Path dir, Result r, Map<String, Object> extra, boolean withSvs) {
        String[] names = new String[r.nsv()];
        for (int k = 0; k < names.length; k++) names[k] = "sv" + (k + 1);
        if (withSvs) MatrixWriter.write(dir.resolve("svs.tsv"), "sample", r.samples.toArray(new String[0]), names, r.sv.data);
        Map<String, Object> j = new LinkedHashMap<>(extra);
        j.put("n_sv", r.nsv());
        j.put("method", r.method);
        j.put("mod", r.modColumns);
        j.put("mod0", r.mod0Columns);
        j.put("n_samples", r.samples.size());
        Json.write(dir.resolve("num_sv.json"), j);
        if (r.pprobGam != null) {
            AtomicFile.write(dir.resolve("sva_pprob.tsv"), w -> {
                w.write("gene\tpprob_gam\tpprob_b\n");
                for (String block : TextRows.of(r.genes.length, (sb, g) -> sb.append(r.genes[g]).append('\t').append(na(r.pprobGam[g]))
                        .append('\t').append(na(r.pprobB[g])).append('\n'))) {
                    w.write(block);
                }
            });
        }
    }
}
