package org.cohortex.prs;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;

import org.cohortex.Log;
import org.cohortex.UserException;
import org.cohortex.io.AtomicFile;
import org.cohortex.io.PhenotypeTable;
import org.cohortex.linalg.DenseOps;
import org.cohortex.linalg.Mat;
import org.cohortex.linalg.SymmetricEigen;
import org.cohortex.prs.QcStep.Unit;

/**
 * The paper's PRS analysis as two stages that write everything they decide.
 *
 * qc: genotype QC (duplicates, --mind, --geno, --hwe, --maf), LD pruning (--indep-pairwise),
 * heterozygosity F outliers (> hetSd SDs from the mean), sex check on chrX (--check-sex; QC'd chrX
 * variants, F < 0.2 female, > 0.8 male), relatedness (--rel-cutoff on the pruned autosomes), PCA
 * (plink2 --pca: top eigenvectors of the variance-standardised GRM of the pruned variants, pairwise
 * non-missing denominators), and summary statistics QC with allele matching against the QC'd
 * variants. One method per step, each returning a {@link QcStep}.
 *
 * score: clumping of the matched variants in the QC'd samples, scores at each p threshold,
 * regression of the trait on score + PCs, incremental R^2 per threshold, best threshold; the best
 * score per sample is written as a phenotype file so that it can be a trait in `de`.
 */
public final class PrsPipeline {
    public record QcSettings(GenotypeQc.Settings genotype, int pruneWindow, int pruneStep, double pruneR2, double hetSd,
            double sexFemaleMax, double sexMaleMin, double relCutoff, int pcs, SummaryStatistics.Settings sumstats) {
        public static QcSettings paper() {
            return new QcSettings(GenotypeQc.Settings.paper(), 200, 25, 0.25, 3, 0.2, 0.8, 0.125, 20, SummaryStatistics.Settings.paper());
        }
    }

    public record ScoreSettings(Clumping.Settings clump, double[] thresholds) {
        /** PRSice-2's bar levels: 5e-8, 1e-5, 1e-3, 0.01, 0.05, 0.1, 0.5, 1 (a fresh array each call). */
        public static double[] defaultThresholds() { return new double[] {5e-8, 1e-5, 1e-3, 0.01, 0.05, 0.1, 0.5, 1}; }

        public static ScoreSettings prsice() { return new ScoreSettings(Clumping.Settings.prsice(), defaultThresholds()); }
    }

    private PrsPipeline() {}

    // ---------------------------------------------------------------- qc

    public static void qc(Path bfile, Path sumstatsFile, QcSettings s, DenseOps backend, Path out) {
        long t0 = System.nanoTime();
        try (PlinkFileset fs = PlinkFileset.open(bfile)) {
            Log.info("prs qc: %s: %,d samples, %,d variants", bfile, fs.n(), fs.m());
            warnNonFounders(fs, bfile);
            StepLog log = new StepLog();
            GenotypeQc.Result g = GenotypeQc.run(fs, range(fs.n()), s.genotype());
            for (QcStep step : g.steps()) writeRemoved(out, fs, log.add(step));
            writeList(out.resolve("variants.qc.txt"), g.variants(), variantName(fs));
            int[] pruned = log.add(ldPrune(fs, g.variants(), g.samples(), s)).kept();
            writeList(out.resolve("prune.in"), pruned, variantName(fs));
            QcStep het = log.add(heterozygosity(fs, pruned, g.samples(), s.hetSd(), out));
            QcStep sex = log.add(sexCheck(fs, g.variants(), het.kept(), s, out));
            Related rel = relatedness(fs, pruned, sex.kept(), s.relCutoff(), backend, out);
            int[] samples = log.add(rel.step()).kept();
            writeList(out.resolve("samples.qc.txt"), samples, i -> sampleId(fs, i));
            // nobody removed for relatedness: same samples, same frequencies, same matrix
            Mat grm = rel.step().removed().length == 0 ? rel.grm() : GeneticRelationship.compute(fs, pruned, samples, backend);
            log.add(pca(fs, pruned, samples, grm, s.pcs(), backend, out));
            log.add(summaryStatistics(fs, sumstatsFile, g.variants(), s.sumstats(), out));
            log.write(out.resolve("qc_steps.tsv"));
            Log.info("prs qc: done in %.1f s -> %s", (System.nanoTime() - t0) / 1e9, out);
        }
    }

    private static void warnNonFounders(PlinkFileset fs, Path bfile) {
        long nonFounders = fs.samples.stream().filter(x -> !x.founder()).count();
        if (nonFounders > 0) {
            Log.warn("prs qc: %d samples have parents in %s.fam; the MAF and HWE filters use founders only (as plink 1.9), but LD "
                    + "pruning, heterozygosity, sex check, relatedness and PCA treat every sample as a founder (plink's --make-founders), "
                    + "where plink would take allele frequencies from founders only", nonFounders, bfile);
        }
    }

    /** plink 1.9 --indep-pairwise on the QC'd autosomal variants. */
    private static QcStep ldPrune(PlinkFileset fs, int[] variants, int[] samples, QcSettings s) {
        int[] auto = Arrays.stream(variants).filter(j -> fs.variants.get(j).autosome()).toArray();
        int[] pruned = new LdPruning(s.pruneWindow(), s.pruneStep(), s.pruneR2()).prune(fs, auto, samples);
        return new QcStep("ld_prune", Unit.VARIANTS, auto.length, pruned, minus(auto, pruned),
                "--indep-pairwise " + s.pruneWindow() + " " + s.pruneStep() + " " + s.pruneR2()
                        + " (autosomes; kept for het, relatedness, PCA)");
    }

    /** Samples whose --het F on the pruned variants lies beyond sdLimit SDs of the mean (or is undefined); writes het.tsv. */
    private static QcStep heterozygosity(PlinkFileset fs, int[] pruned, int[] samples, double sdLimit, Path out) {
        Inbreeding.Table het = Inbreeding.compute(fs, pruned, samples, false);
        double mean = 0, sd = 0;
        int cnt = 0;
        for (double f : het.f()) if (!Double.isNaN(f)) { mean += f; cnt++; }
        mean /= cnt;
        for (double f : het.f()) if (!Double.isNaN(f)) sd += (f - mean) * (f - mean);
        sd = Math.sqrt(sd / (cnt - 1));
        List<Integer> outliers = new ArrayList<>(), keep = new ArrayList<>();
        for (int k = 0; k < samples.length; k++) {
            double f = het.f()[k];
            (Double.isNaN(f) || Math.abs(f - mean) > sdLimit * sd ? outliers : keep).add(samples[k]);
        }
        writeInbreeding(out.resolve("het.tsv"), fs, samples, het, null);
        return writeRemoved(out, fs, new QcStep("heterozygosity", Unit.SAMPLES, samples.length, unbox(keep), unbox(outliers),
                String.format(Locale.ROOT, "|F - mean| > %s SD (mean %.5f, SD %.5f)", fmt(sdLimit), mean, sd)));
    }

    /** plink 1.9 --check-sex on the QC'd chrX variants: PROBLEM samples go; writes sexcheck.tsv. */
    private static QcStep sexCheck(PlinkFileset fs, int[] variants, int[] samples, QcSettings s, Path out) {
        int[] xVars = Arrays.stream(variants).filter(j -> fs.variants.get(j).x()).toArray();
        if (xVars.length == 0) {
            return new QcStep("sex_check", Unit.SAMPLES, samples.length, samples, new int[0], "skipped: no chrX variants passed QC");
        }
        Inbreeding.Table sex = Inbreeding.compute(fs, xVars, samples, true);
        List<Integer> problem = new ArrayList<>(), keep = new ArrayList<>();
        String[] status = new String[samples.length];
        for (int k = 0; k < samples.length; k++) {
            double f = sex.f()[k];
            int snpSex = Double.isNaN(f) ? 0 : f > s.sexMaleMin() ? 1 : f < s.sexFemaleMax() ? 2 : 0;
            int ped = fs.samples.get(samples[k]).sex();
            status[k] = ped != 0 && ped == snpSex ? "OK" : "PROBLEM";
            (status[k].equals("OK") ? keep : problem).add(samples[k]);
        }
        writeInbreeding(out.resolve("sexcheck.tsv"), fs, samples, sex, status);
        return writeRemoved(out, fs, new QcStep("sex_check", Unit.SAMPLES, samples.length, unbox(keep), unbox(problem), "chrX F ("
                + xVars.length + " variants): female < " + fmt(s.sexFemaleMax()) + ", male > " + fmt(s.sexMaleMin())
                + "; reported sex disagrees or unknown"));
    }

    /** The relatedness step and the GRM it used (the PCA reuses it when nobody was removed). */
    private record Related(QcStep step, Mat grm) {}

    /** plink 1.9 --rel-cutoff on the GRM of the pruned variants. */
    private static Related relatedness(PlinkFileset fs, int[] pruned, int[] samples, double cutoff, DenseOps backend, Path out) {
        Mat grm = GeneticRelationship.compute(fs, pruned, samples, backend);
        boolean[] related = RelatednessFilter.apply(grm, cutoff);
        List<Integer> removed = new ArrayList<>(), keep = new ArrayList<>();
        for (int k = 0; k < samples.length; k++) (related[k] ? removed : keep).add(samples[k]);
        QcStep step = new QcStep("relatedness", Unit.SAMPLES, samples.length, unbox(keep), unbox(removed),
                "--rel-cutoff " + fmt(cutoff) + " (GRM on the pruned autosomes)");
        return new Related(writeRemoved(out, fs, step), grm);
    }

    /** plink2 --pca: the top eigenvectors of the GRM of the final samples; writes pcs.tsv and pcs.eigenval.txt. */
    private static QcStep pca(PlinkFileset fs, int[] pruned, int[] samples, Mat grm, int pcs, DenseOps backend, Path out) {
        SymmetricEigen eig = backend.symmetricEigen(grm);
        int k = Math.min(pcs, samples.length - 1);
        writePcs(out.resolve("pcs.tsv"), fs, samples, eig, k);
        return new QcStep("pca", Unit.SAMPLES, samples.length, samples, new int[0],
                k + " PCs of the GRM of " + pruned.length + " pruned variants");
    }

    /** GWAS QC and allele matching against the QC'd variants; writes sumstats.matched.tsv, sumstats_qc.tsv, removed/sumstats_*.txt. */
    private static QcStep summaryStatistics(PlinkFileset fs, Path file, int[] variants, SummaryStatistics.Settings s, Path out) {
        SummaryStatistics.Result ss = SummaryStatistics.qc(SummaryStatistics.read(file), fs, variants, s);
        writeMatched(out.resolve("sumstats.matched.tsv"), ss.matched());
        AtomicFile.write(out.resolve("sumstats_qc.tsv"), w -> {
            w.write("step\tcount\n");
            for (var e : ss.counts().entrySet()) w.write(e.getKey() + "\t" + e.getValue() + "\n");
        });
        for (var e : ss.removed().entrySet()) writeLines(out.resolve("removed").resolve("sumstats_" + e.getKey() + ".txt"), e.getValue());
        int[] matched = ss.matched().stream().mapToInt(SummaryStatistics.Matched::bimIndex).toArray();
        String dup = s.duplicates() == SummaryStatistics.Duplicates.EXCLUDE_ALL ? "duplicates (every copy)" : "duplicates (first kept)";
        return new QcStep("sumstats", Unit.VARIANTS, ss.counts().get("input"), matched, ss.removedRows(),
                dup + ", ambiguous, MAF < " + fmt(s.minMaf()) + ", INFO < " + fmt(s.minInfo()) + ", not in target, allele mismatch");
    }

    /** The rows of qc_steps.tsv in order, each logged with the seconds since the previous one (its cost). */
    private static final class StepLog {
        private final List<QcStep> steps = new ArrayList<>();
        private final List<String> seconds = new ArrayList<>();
        private long lap = System.nanoTime();

        QcStep add(QcStep step) {
            long now = System.nanoTime();
            steps.add(step);
            seconds.add(String.format(Locale.ROOT, "%.2f", (now - lap) / 1e9));
            lap = now;
            return step;
        }

        /** The table (timings go to the log only, so that reruns give identical files). */
        void write(Path file) {
            AtomicFile.write(file, w -> {
                w.write("step\tunit\tbefore\tremoved\tafter\tcriterion\n");
                for (QcStep r : steps) {
                    w.write(r.name() + "\t" + r.unit().label + "\t" + r.before() + "\t" + r.removed().length + "\t" + r.after() + "\t"
                            + r.criterion() + "\n");
                }
            });
            for (int k = 0; k < steps.size(); k++) {
                QcStep r = steps.get(k);
                Log.info("prs qc: %-20s %-8s %,9d -> %,9d  (%d removed, %s s)", r.name(), r.unit().label, r.before(), r.after(),
                        r.removed().length, seconds.get(k));
            }
        }
    }

    /** Writes removed/NAME.txt (sample or variant ids) and returns the step. */
    private static QcStep writeRemoved(Path out, PlinkFileset fs, QcStep step) {
        IntFunction<String> name = step.unit() == Unit.VARIANTS ? variantName(fs) : i -> sampleId(fs, i);
        writeList(out.resolve("removed").resolve(step.name() + ".txt"), step.removed(), name);
        return step;
    }

    // ---------------------------------------------------------------- score

    public record ScoreResult(double[] thresholds, int[] snps, double[] r2, double[] incremental, double[] p, int best) {}

    public static ScoreResult score(Path bfile, Path qcDir, PhenotypeTable pheno, String trait, ScoreSettings s, DenseOps backend,
            Path out) {
        long t0 = System.nanoTime();
        try (PlinkFileset fs = PlinkFileset.open(bfile)) {
            int[] samples = readSamples(fs, qcDir.resolve("samples.qc.txt"));
            List<SummaryStatistics.Matched> matched = readMatched(qcDir.resolve("sumstats.matched.tsv"), fs);
            List<SummaryStatistics.Matched> clumped = clump(fs, matched, samples, s.clump(), out);
            Log.info("prs score: %,d matched variants clumped to %,d index variants (r2 %s, %d kb) in %.1f s", matched.size(),
                    clumped.size(), fmt(s.clump().r2()), s.clump().kb(), (System.nanoTime() - t0) / 1e9);
            PolygenicScore.Scores sc = PolygenicScore.compute(fs, clumped, samples, s.thresholds(), backend);
            writeScores(out.resolve("scores.tsv"), fs, samples, sc, s.thresholds());
            Map<String, double[]> pcs = readPcs(qcDir.resolve("pcs.tsv"));
            ScoreResult r = regress(fs, samples, sc, pheno, trait, pcs, s.thresholds(), out.resolve("r2.tsv"));
            int best = r.best();
            AtomicFile.write(out.resolve("prs.best.tsv"), w -> {
                w.write("sample\tprs\n");
                for (int k = 0; k < samples.length; k++) w.write(fs.samples.get(samples[k]).iid() + "\t" + exact(sc.avg(k, best)) + "\n");
            });
            Log.info("prs score: best threshold %s (%d variants): incremental R2 %.5f, p %.3g; -> %s in %.1f s",
                    label(s.thresholds()[best]), sc.variantCounts()[best], r.incremental()[best], r.p()[best], out.resolve("prs.best.tsv"),
                    (System.nanoTime() - t0) / 1e9);
            return r;
        }
    }

    /** The QC'd samples (samples.qc.txt) as .fam indices. */
    private static int[] readSamples(PlinkFileset fs, Path file) {
        Map<String, Integer> sampleIndex = new HashMap<>();
        for (int i = 0; i < fs.n(); i++) sampleIndex.put(sampleId(fs, i), i);
        List<String> keptIds = readLines(file);
        int[] samples = new int[keptIds.size()];
        for (int k = 0; k < samples.length; k++) {
            Integer i = sampleIndex.get(keptIds.get(k));
            if (i == null) {
                throw new UserException(file + " line " + (k + 1) + ": sample '" + keptIds.get(k) + "' is not in " + fs.prefix
                        + ".fam; was qc run on this fileset?");
            }
            samples[k] = i;
        }
        return samples;
    }

    /** plink 1.9 --clump of the matched variants in the QC'd samples; writes clumped.tsv. */
    private static List<SummaryStatistics.Matched> clump(PlinkFileset fs, List<SummaryStatistics.Matched> matched, int[] samples,
            Clumping.Settings s, Path out) {
        int[] cand = matched.stream().mapToInt(SummaryStatistics.Matched::bimIndex).toArray();
        double[] pv = matched.stream().mapToDouble(SummaryStatistics.Matched::p).toArray();
        int[] index = Clumping.clump(fs, cand, pv, samples, s);
        Map<Integer, SummaryStatistics.Matched> byBim = new HashMap<>();
        for (SummaryStatistics.Matched mm : matched) byBim.put(mm.bimIndex(), mm);
        List<SummaryStatistics.Matched> clumped = new ArrayList<>();
        for (int j : index) clumped.add(byBim.get(j));
        AtomicFile.write(out.resolve("clumped.tsv"), w -> {
            w.write("SNP\tCHR\tBP\tA1\tBETA\tP\n");
            for (SummaryStatistics.Matched mm : clumped) {
                PlinkFileset.Variant v = fs.variants.get(mm.bimIndex());
                w.write(mm.id() + "\t" + v.chrom() + "\t" + v.bp() + "\t" + v.a1() + "\t" + exact(mm.beta()) + "\t" + exact(mm.p()) + "\n");
            }
        });
        return clumped;
    }

    private static void writeScores(Path file, PlinkFileset fs, int[] samples, PolygenicScore.Scores sc, double[] thresholds) {
        AtomicFile.write(file, w -> {
            StringBuilder h = new StringBuilder("FID\tIID");
            for (double t : thresholds) h.append("\tsum_").append(label(t));
            for (double t : thresholds) h.append("\tavg_").append(label(t));
            w.write(h.append('\n').toString());
            for (int k = 0; k < samples.length; k++) {
                PlinkFileset.Sample smp = fs.samples.get(samples[k]);
                StringBuilder r = new StringBuilder(smp.fid()).append('\t').append(smp.iid());
                for (int t = 0; t < thresholds.length; t++) r.append('\t').append(exact(sc.sums().get(k, t)));
                for (int t = 0; t < thresholds.length; t++) r.append('\t').append(exact(sc.avg(k, t)));
                w.write(r.append('\n').toString());
            }
        });
    }

    /**
     * The trait on score + PCs at each threshold (samples with a trait value and PCs), incremental R2
     * over the PCs alone, best threshold; writes r2.tsv.
     */
    private static ScoreResult regress(PlinkFileset fs, int[] samples, PolygenicScore.Scores sc, PhenotypeTable pheno, String trait,
            Map<String, double[]> pcs, double[] thresholds, Path file) {
        PhenotypeTable.Column col = pheno.column(trait);
        if (col.type != PhenotypeTable.Type.NUMERIC) {
            throw new UserException(pheno.source + ": trait '" + trait + "' is not numeric (0/1 for a binary trait)");
        }
        List<Integer> use = new ArrayList<>();
        for (int k = 0; k < samples.length; k++) {
            int row = pheno.row(fs.samples.get(samples[k]).iid());
            if (row >= 0 && !Double.isNaN(col.numeric[row]) && pcs.containsKey(sampleId(fs, samples[k]))) use.add(k);
        }
        if (use.size() < 10) {
            throw new UserException(pheno.source + ": only " + use.size() + " QC'd samples have trait '" + trait
                    + "' (matched by IID); need at least 10");
        }
        int n = use.size(), nPc = pcs.values().iterator().next().length;
        double[] y = new double[n];
        boolean binary = true;
        double[][] cov = new double[nPc][n];
        for (int u = 0; u < n; u++) {
            int k = use.get(u);
            y[u] = col.numeric[pheno.row(fs.samples.get(samples[k]).iid())];
            if (y[u] != 0 && y[u] != 1) binary = false;
            double[] pc = pcs.get(sampleId(fs, samples[k]));
            for (int c = 0; c < nPc; c++) cov[c][u] = pc[c];
        }
        ScoreRegression.Fit nul = fit(y, cov, null, binary, pheno, trait, "the " + nPc + " PCs");
        int nt = thresholds.length;
        ScoreRegression.Fit[] fits = new ScoreRegression.Fit[nt];
        int best = -1;
        for (int t = 0; t < nt; t++) {
            if (sc.variantCounts()[t] == 0) continue;
            double[] x = new double[n];
            for (int u = 0; u < n; u++) x[u] = sc.avg(use.get(u), t);
            String what = "the score at p <= " + label(thresholds[t]) + " (" + sc.variantCounts()[t] + " variants) with the PCs";
            fits[t] = fit(y, cov, x, binary, pheno, trait, what);
            if (best < 0 || fits[t].r2() - nul.r2() > fits[best].r2() - nul.r2()) best = t;
        }
        writeR2(file, thresholds, sc.variantCounts(), n, binary, nul, fits, best);
        if (best < 0) throw new UserException("no p-value threshold has any clumped variant; nothing to score");
        double[] r2 = new double[nt], inc = new double[nt], p = new double[nt];
        for (int t = 0; t < nt; t++) {
            r2[t] = fits[t] == null ? Double.NaN : fits[t].r2();
            inc[t] = r2[t] - nul.r2();
            p[t] = fits[t] == null ? Double.NaN : fits[t].p();
        }
        return new ScoreResult(thresholds, sc.variantCounts(), r2, inc, p, best);
    }

    /** ScoreRegression.fit, a separated logistic fit explained to the user (what: the predictors, in words). */
    private static ScoreRegression.Fit fit(double[] y, double[][] cov, double[] score, boolean binary, PhenotypeTable pheno, String trait,
            String what) {
        try {
            return ScoreRegression.fit(y, cov, score, binary);
        } catch (ScoreRegression.SeparationException e) {
            throw new UserException(pheno.source + ": " + what + " separate " + trait + " = 1 from " + trait + " = 0 perfectly, so the "
                    + "logistic regression has no estimate (is the GWAS from these same samples?)");
        }
    }

    private static void writeR2(Path file, double[] thresholds, int[] snps, int n, boolean binary, ScoreRegression.Fit nul,
            ScoreRegression.Fit[] fits, int best) {
        AtomicFile.write(file, w -> {
            w.write("threshold\tn_snps\tn_samples\tmodel\tr2_full\tr2_null\tr2_incremental\tcoefficient\tse\tp\tbest\n");
            for (int t = 0; t < thresholds.length; t++) {
                ScoreRegression.Fit f = fits[t];
                double r2 = f == null ? Double.NaN : f.r2();
                w.write(label(thresholds[t]) + "\t" + snps[t] + "\t" + n + "\t" + (binary ? "logistic_nagelkerke" : "linear") + "\t"
                        + g(r2) + "\t" + g(nul.r2()) + "\t" + g(r2 - nul.r2()) + "\t" + g(f == null ? Double.NaN : f.coefficient()) + "\t"
                        + g(f == null ? Double.NaN : f.se()) + "\t" + g(f == null ? Double.NaN : f.p()) + "\t" + (t == best) + "\n");
            }
        });
    }

    // ---------------------------------------------------------------- files

    static String sampleId(PlinkFileset fs, int i) {
        PlinkFileset.Sample s = fs.samples.get(i);
        return s.fid() + "\t" + s.iid();
    }

    private static IntFunction<String> variantName(PlinkFileset fs) { return j -> fs.variants.get(j).id(); }

    private static String fmt(double v) { return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) : Double.toString(v); }

    /** A p threshold as people write it: 5e-08, 0.001, 1. */
    static String label(double t) {
        if (t > 0 && t < 1e-3) return String.format(Locale.ROOT, "%.0e", t);
        return new BigDecimal(Double.toString(t)).stripTrailingZeros().toPlainString();
    }

    /** Shortest text that reads back as the same double (what downstream tools should see). */
    static String exact(double v) { return Double.isNaN(v) ? "NA" : Double.toString(v); }

    static String g(double v) {
        if (Double.isNaN(v)) return "NA";
        return String.format(Locale.ROOT, "%.10g", v);
    }

    private static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) r[i] = i;
        return r;
    }

    /** The elements of all (ascending) that are not in some (an ascending subset). */
    private static int[] minus(int[] all, int[] some) {
        int[] r = new int[all.length - some.length];
        for (int a = 0, b = 0, k = 0; a < all.length; a++) {
            if (b < some.length && some[b] == all[a]) b++;
            else r[k++] = all[a];
        }
        return r;
    }

    private static int[] unbox(List<Integer> l) { return l.stream().mapToInt(Integer::intValue).toArray(); }

    private static void writeList(Path file, int[] items, IntFunction<String> name) {
        AtomicFile.write(file, w -> {
            for (int i : items) w.write(name.apply(i) + "\n");
        });
    }

    private static void writeLines(Path file, List<String> items) {
        AtomicFile.write(file, w -> {
            for (String s : items) w.write(s + "\n");
        });
    }

    private static void writeInbreeding(Path file, PlinkFileset fs, int[] samples, Inbreeding.Table t, String[] status) {
        AtomicFile.write(file, w -> {
            w.write("FID\tIID\tO_HOM\tE_HOM\tN_NM\tF" + (status != null ? "\tPEDSEX\tSTATUS" : "") + "\n");
            for (int k = 0; k < samples.length; k++) {
                w.write(sampleId(fs, samples[k]) + "\t" + t.observedHom()[k] + "\t" + g(t.expectedHom()[k]) + "\t" + t.called()[k] + "\t"
                        + g(t.f()[k])
                        + (status != null ? "\t" + fs.samples.get(samples[k]).sex() + "\t" + status[k] : "") + "\n");
            }
        });
    }

    private static void writePcs(Path file, PlinkFileset fs, int[] samples, SymmetricEigen eig, int k) {
        AtomicFile.write(file, w -> {
            StringBuilder h = new StringBuilder("FID\tIID");
            for (int c = 1; c <= k; c++) h.append("\tPC").append(c);
            w.write(h.append('\n').toString());
            for (int i = 0; i < samples.length; i++) {
                StringBuilder r = new StringBuilder(sampleId(fs, samples[i]));
                for (int c = 0; c < k; c++) r.append('\t').append(g(eig.vectors.get(i, c)));
                w.write(r.append('\n').toString());
            }
        });
        AtomicFile.write(Path.of(file.toString().replace(".tsv", ".eigenval.txt")), w -> {
            for (int c = 0; c < k; c++) w.write(g(eig.values[c]) + "\n");
        });
    }

    private static void writeMatched(Path file, List<SummaryStatistics.Matched> m) {
        AtomicFile.write(file, w -> {
            w.write("SNP\tBETA_A1\tP\tMATCH\n");
            for (SummaryStatistics.Matched x : m) w.write(x.id() + "\t" + exact(x.beta()) + "\t" + exact(x.p()) + "\t" + x.how() + "\n");
        });
    }

    static List<String> readLines(Path f) {
        try {
            List<String> l = new ArrayList<>();
            for (String s : Files.readAllLines(f)) if (!s.isBlank()) l.add(s);
            return l;
        } catch (IOException e) {
            throw new UserException(f + ": cannot be read (" + e.getMessage() + "); run `cohortex prs qc` first");
        }
    }

    private static List<SummaryStatistics.Matched> readMatched(Path f, PlinkFileset fs) {
        Map<String, Integer> bim = new HashMap<>();
        for (int j = 0; j < fs.m(); j++) bim.putIfAbsent(fs.variants.get(j).id(), j);
        List<String> lines = readLines(f);
        List<SummaryStatistics.Matched> out = new ArrayList<>();
        for (int k = 1; k < lines.size(); k++) {
            String[] x = lines.get(k).split("\t");
            Integer j = bim.get(x[0]);
            if (j == null) throw new UserException(f + " line " + (k + 1) + ": variant '" + x[0] + "' is not in " + fs.prefix + ".bim");
            out.add(new SummaryStatistics.Matched(j, x[0], Double.parseDouble(x[1]), Double.parseDouble(x[2]), x[3]));
        }
        out.sort((a, b) -> Integer.compare(a.bimIndex(), b.bimIndex()));
        return out;
    }

    private static Map<String, double[]> readPcs(Path f) {
        List<String> lines = readLines(f);
        Map<String, double[]> out = new LinkedHashMap<>();
        for (int k = 1; k < lines.size(); k++) {
            String[] x = lines.get(k).split("\t");
            double[] v = new double[x.length - 2];
            for (int c = 0; c < v.length; c++) v[c] = Double.parseDouble(x[c + 2]);
            out.put(x[0] + "\t" + x[1], v);
        }
        return out;
    }
}
