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

/**
 * The paper's PRS analysis as two stages that write everything they decide.
 *
 * qc: genotype QC (duplicates, --mind, --geno, --hwe, --maf), LD pruning (--indep-pairwise),
 * heterozygosity F outliers (> SD_LIMIT from the mean), sex check on chrX (--check-sex; QC'd
 * chrX variants, F < 0.2 female, > 0.8 male), relatedness (--rel-cutoff on the pruned
 * autosomes), PCA (top PCs of the pruned, mean-imputed, variance-standardised GRM), and summary
 * statistics QC with allele matching against the QC'd variants.
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
        public static final double[] DEFAULT_THRESHOLDS = {5e-8, 1e-5, 1e-3, 0.01, 0.05, 0.1, 0.5, 1};
        public static ScoreSettings prsice() { return new ScoreSettings(Clumping.Settings.prsice(), DEFAULT_THRESHOLDS); }
    }

    private PrsPipeline() {}

    // ---------------------------------------------------------------- qc

    public static void qc(Path bfile, Path sumstatsFile, QcSettings s, DenseOps backend, Path out) {
        long t0 = System.nanoTime();
        try (PlinkFileset fs = PlinkFileset.open(bfile)) {
            Log.info("prs qc: %s: %,d samples, %,d variants", bfile, fs.n(), fs.m());
            long nonFounders = fs.samples.stream().filter(x -> !x.founder()).count();
            if (nonFounders > 0) {
                Log.warn("prs qc: %d samples have parents in %s.fam; every sample is treated as a founder (plink's --make-founders). "
                        + "plink's default computes allele frequencies from founders only, so MAF/HWE/LD can differ slightly from "
                                + "plink's on family data", nonFounders, bfile);
            }
            List<String[]> log = new ArrayList<>();
            lapStart = System.nanoTime();
            int[] all = range(fs.n());
            GenotypeQc.Result g = GenotypeQc.run(fs, all, s.genotype());
            int variantsLeft = fs.m(), samplesLeft = fs.n();
            for (GenotypeQc.Step step : g.steps()) {
                boolean isVar = step.what().equals("variants");
                int before = isVar ? variantsLeft : samplesLeft;
                int after = before - step.removed().size();
                if (isVar) variantsLeft = after; else samplesLeft = after;
                log.add(row(step.name(), step.what(), before, step.removed().size(), after, step.reason()));
                writeList(out.resolve("removed").resolve(step.name() + ".txt"), step.removed(), isVar ? i -> fs.variants.get(i)
                        .id() : i -> sampleId(fs, i));
            }
            int[] variants = g.variants();
            int[] samples = g.samples();
            writeList(out.resolve("variants.qc.txt"), boxed(variants), i -> fs.variants.get(i).id());

            // LD pruning on the autosomes
            int[] auto = Arrays.stream(variants).filter(j -> fs.variants.get(j).autosome()).toArray();
            int[] pruned = new LdPruning(s.pruneWindow(), s.pruneStep(), s.pruneR2()).prune(fs, auto, samples);
            log.add(row("ld_prune", "variants", auto.length, auto.length - pruned.length, pruned.length,
                    "--indep-pairwise " + s.pruneWindow() + " " + s.pruneStep() + " " + s.pruneR2()
                            + " (autosomes; kept for het, relatedness, PCA)"));
            writeList(out.resolve("prune.in"), boxed(pruned), i -> fs.variants.get(i).id());

            // heterozygosity
            Inbreeding.Table het = Inbreeding.compute(fs, pruned, samples, false);
            double mean = 0, sd = 0;
            int cnt = 0;
            for (double f : het.f()) if (!Double.isNaN(f)) { mean += f; cnt++; }
            mean /= cnt;
            for (double f : het.f()) if (!Double.isNaN(f)) sd += (f - mean) * (f - mean);
            sd = Math.sqrt(sd / (cnt - 1));
            List<Integer> hetOut = new ArrayList<>(), keep = new ArrayList<>();
            for (int k = 0; k < samples.length; k++) {
                double f = het.f()[k];
                if (Double.isNaN(f) || Math.abs(f - mean) > s.hetSd() * sd) hetOut.add(samples[k]); else keep.add(samples[k]);
            }
            writeInbreeding(out.resolve("het.tsv"), fs, samples, het, null);
            log.add(row("heterozygosity", "samples", samples.length, hetOut.size(), keep.size(),
                    String.format(Locale.ROOT, "|F - mean| > %s SD (mean %.5f, SD %.5f)", fmt(s.hetSd()), mean, sd)));
            writeList(out.resolve("removed").resolve("heterozygosity.txt"), hetOut, i -> sampleId(fs, i));
            samples = unbox(keep);

            // sex check on the QC'd chrX variants
            int[] xVars = Arrays.stream(variants).filter(j -> fs.variants.get(j).x()).toArray();
            if (xVars.length == 0) {
                log.add(row("sex_check", "samples", samples.length, 0, samples.length, "skipped: no chrX variants passed QC"));
            } else {
                Inbreeding.Table sex = Inbreeding.compute(fs, xVars, samples, true);
                List<Integer> problem = new ArrayList<>();
                keep.clear();
                String[] status = new String[samples.length];
                for (int k = 0; k < samples.length; k++) {
                    double f = sex.f()[k];
                    int snpSex = Double.isNaN(f) ? 0 : f > s.sexMaleMin() ? 1 : f < s.sexFemaleMax() ? 2 : 0;
                    int ped = fs.samples.get(samples[k]).sex();
                    status[k] = ped != 0 && ped == snpSex ? "OK" : "PROBLEM";
                    if (status[k].equals("OK")) keep.add(samples[k]); else problem.add(samples[k]);
                }
                writeInbreeding(out.resolve("sexcheck.tsv"), fs, samples, sex, status);
                log.add(row("sex_check", "samples", samples.length, problem.size(), keep.size(),
                        "chrX F (" + xVars.length + " variants): female < " + fmt(s.sexFemaleMax()) + ", male > " + fmt(s.sexMaleMin())
                                + "; reported sex disagrees or unknown"));
                writeList(out.resolve("removed").resolve("sex_check.txt"), problem, i -> sampleId(fs, i));
                samples = unbox(keep);
            }

            // relatedness
            GeneticRelationship.Both both = GeneticRelationship.computeBoth(fs, pruned, samples, backend, true);
            boolean[] rel = RelatednessFilter.apply(both.pairwiseComplete(), s.relCutoff());
            List<Integer> relOut = new ArrayList<>();
            keep.clear();
            for (int k = 0; k < samples.length; k++) (rel[k] ? relOut : keep).add(samples[k]);
            log.add(row("relatedness", "samples", samples.length, relOut.size(), keep.size(), "--rel-cutoff " + fmt(s.relCutoff())
                    + " (GRM on the pruned autosomes)"));
            writeList(out.resolve("removed").resolve("relatedness.txt"), relOut, i -> sampleId(fs, i));
            samples = unbox(keep);
            writeList(out.resolve("samples.qc.txt"), boxed(samples), i -> sampleId(fs, i));

            // PCA
            // same samples (nobody removed for relatedness): same frequencies, same matrix; else recompute
            Mat pcaGrm = relOut.isEmpty() ? both.meanImputed() : GeneticRelationship.compute(fs, pruned, samples, backend, false);
            SymmetricEigen eig = backend.symmetricEigen(pcaGrm);
            int k = Math.min(s.pcs(), samples.length - 1);
            writePcs(out.resolve("pcs.tsv"), fs, samples, eig, k);
            log.add(row("pca", "samples", samples.length, 0, samples.length, k + " PCs of the GRM of " + pruned.length
                    + " pruned variants"));

            // summary statistics
            SummaryStatistics.Result ss = SummaryStatistics.qc(SummaryStatistics.read(sumstatsFile), fs, variants, s.sumstats());
            writeMatched(out.resolve("sumstats.matched.tsv"), ss.matched());
            AtomicFile.write(out.resolve("sumstats_qc.tsv"), w -> {
                w.write("step\tcount\n");
                for (var e : ss.counts().entrySet()) w.write(e.getKey() + "\t" + e.getValue() + "\n");
            });
            for (var e : ss.removed().entrySet()) writeList(out.resolve("removed").resolve("sumstats_" + e.getKey() + ".txt"),
                    e.getValue());
            log.add(row("sumstats", "variants", ss.counts().get("input"), ss.counts().get("input") - ss.matched().size(),
                    ss.matched().size(),
                    "duplicates, ambiguous, MAF < " + fmt(s.sumstats().minMaf()) + ", INFO < " + fmt(s.sumstats().minInfo())
                            + ", not in target, allele mismatch"));
            AtomicFile.write(out.resolve("qc_steps.tsv"), w -> {
                w.write("step\tunit\tbefore\tremoved\tafter\tcriterion\n");
                // timings go to the log, not the table, so that reruns give identical files
                for (String[] r : log) w.write(String.join("\t", Arrays.copyOf(r, 6)) + "\n");
            });
            for (String[] r : log) Log.info("prs qc: %-20s %-8s %,9d -> %,9d  (%s removed, %s s)", r[0], r[1], Integer.parseInt(r[2]),
                    Integer.parseInt(r[4]), r[3], r[6]);
            Log.info("prs qc: done in %.1f s -> %s", (System.nanoTime() - t0) / 1e9, out);
        }
    }

    // ---------------------------------------------------------------- score

    public record ScoreResult(double[] thresholds, int[] snps, double[] r2, double[] incremental, double[] p, int best) {}

    public static ScoreResult score(Path bfile, Path qcDir, PhenotypeTable pheno, String trait, ScoreSettings s, DenseOps backend,
            Path out) {
        long t0 = System.nanoTime();
        try (PlinkFileset fs = PlinkFileset.open(bfile)) {
            Map<String, Integer> sampleIndex = new HashMap<>();
            for (int i = 0; i < fs.n(); i++) sampleIndex.put(sampleId(fs, i), i);
            List<String> keptIds = readLines(qcDir.resolve("samples.qc.txt"));
            int[] samples = new int[keptIds.size()];
            for (int k = 0; k < samples.length; k++) {
                Integer i = sampleIndex.get(keptIds.get(k));
                if (i == null) throw new UserException(qcDir.resolve("samples.qc.txt") + " line " + (k + 1) + ": sample '"
                        + keptIds.get(k) + "' is not in " + bfile + ".fam; was qc run on this fileset?");
                samples[k] = i;
            }
            List<SummaryStatistics.Matched> matched = readMatched(qcDir.resolve("sumstats.matched.tsv"), fs);
            int[] cand = matched.stream().mapToInt(SummaryStatistics.Matched::bimIndex).toArray();
            double[] pv = matched.stream().mapToDouble(SummaryStatistics.Matched::p).toArray();
            int[] index = Clumping.clump(fs, cand, pv, samples, s.clump());
            Map<Integer, SummaryStatistics.Matched> byBim = new HashMap<>();
            for (SummaryStatistics.Matched mm : matched) byBim.put(mm.bimIndex(), mm);
            List<SummaryStatistics.Matched> clumped = new ArrayList<>();
            for (int j : index) clumped.add(byBim.get(j));
            AtomicFile.write(out.resolve("clumped.tsv"), w -> {
                w.write("SNP\tCHR\tBP\tA1\tBETA\tP\n");
                for (SummaryStatistics.Matched mm : clumped) {
                    PlinkFileset.Variant v = fs.variants.get(mm.bimIndex());
                    w.write(mm.id() + "\t" + v.chrom() + "\t" + v.bp() + "\t" + v.a1() + "\t" + exact(mm.beta()) + "\t" + exact(mm.p())
                            + "\n");
                }
            });
            Log.info("prs score: %,d matched variants clumped to %,d index variants (r2 %s, %d kb) in %.1f s", matched.size(),
                    clumped.size(), fmt(s.clump().r2()), s.clump().kb(),
                    (System.nanoTime() - t0) / 1e9);
            PolygenicScore.Scores sc = PolygenicScore.compute(fs, clumped, samples, s.thresholds(), backend);
            AtomicFile.write(out.resolve("scores.tsv"), w -> {
                StringBuilder h = new StringBuilder("FID\tIID");
                for (double t : s.thresholds()) h.append("\tsum_").append(label(t));
                for (double t : s.thresholds()) h.append("\tavg_").append(label(t));
                w.write(h.append('\n').toString());
                for (int k = 0; k < samples.length; k++) {
                    PlinkFileset.Sample smp = fs.samples.get(samples[k]);
                    StringBuilder r = new StringBuilder(smp.fid()).append('\t').append(smp.iid());
                    for (int t = 0; t < s.thresholds().length; t++) r.append('\t').append(exact(sc.sums().get(k, t)));
                    for (int t = 0; t < s.thresholds().length; t++) r.append('\t').append(exact(sc.avg(k, t)));
                    w.write(r.append('\n').toString());
                }
            });

            // regression on the trait (samples with a trait value and PCs)
            PhenotypeTable.Column col = pheno.column(trait);
            if (col.type != PhenotypeTable.Type.NUMERIC) throw new UserException(pheno.source + ": trait '" + trait
                    + "' is not numeric (0/1 for a binary trait)");
            Map<String, double[]> pcs = readPcs(qcDir.resolve("pcs.tsv"));
            List<Integer> use = new ArrayList<>();
            for (int k = 0; k < samples.length; k++) {
                int row = pheno.row(fs.samples.get(samples[k]).iid());
                if (row >= 0 && !Double.isNaN(col.numeric[row]) && pcs.containsKey(sampleId(fs, samples[k]))) use.add(k);
            }
            if (use.size() < 10) throw new UserException(pheno.source + ": only " + use.size() + " QC'd samples have trait '" + trait
                    + "' (matched by IID); need at least 10");
            int n = use.size();
            double[] y = new double[n];
            boolean binary = true;
            int nPc = pcs.values().iterator().next().length;
            double[][] cov = new double[nPc][n];
            for (int u = 0; u < n; u++) {
                int k = use.get(u);
                y[u] = col.numeric[pheno.row(fs.samples.get(samples[k]).iid())];
                if (y[u] != 0 && y[u] != 1) binary = false;
                double[] pc = pcs.get(sampleId(fs, samples[k]));
                for (int c = 0; c < nPc; c++) cov[c][u] = pc[c];
            }
            ScoreRegression.Fit nul = ScoreRegression.fit(y, cov, null, binary);
            int T = s.thresholds().length;
            double[] r2 = new double[T], inc = new double[T], pvals = new double[T];
            double[] coef = new double[T], se = new double[T];
            int best = -1;
            for (int t = 0; t < T; t++) {
                if (sc.variantCounts()[t] == 0) { r2[t] = inc[t] = pvals[t] = coef[t] = se[t] = Double.NaN; continue; }
                double[] x = new double[n];
                for (int u = 0; u < n; u++) x[u] = sc.avg(use.get(u), t);
                ScoreRegression.Fit f = ScoreRegression.fit(y, cov, x, binary);
                r2[t] = f.r2();
                inc[t] = f.r2() - nul.r2();
                pvals[t] = f.p();
                coef[t] = f.coefficient();
                se[t] = f.se();
                if (best < 0 || inc[t] > inc[best]) best = t;
            }
            final int bestT = best;
            final boolean isBinary = binary;
            AtomicFile.write(out.resolve("r2.tsv"), w -> {
                w.write("threshold\tn_snps\tn_samples\tmodel\tr2_full\tr2_null\tr2_incremental\tcoefficient\tse\tp\tbest\n");
                for (int t = 0; t < T; t++) {
                    w.write(label(s.thresholds()[t]) + "\t" + sc.variantCounts()[t] + "\t" + n + "\t" + (isBinary
                            ? "logistic_nagelkerke" : "linear") + "\t" + g(r2[t]) + "\t"
                            + g(nul.r2()) + "\t" + g(inc[t]) + "\t" + g(coef[t]) + "\t" + g(se[t]) + "\t" + g(pvals[t]) + "\t"
                                    + (t == bestT) + "\n");
                }
            });
            if (best < 0) throw new UserException("no p-value threshold has any clumped variant; nothing to score");
            AtomicFile.write(out.resolve("prs.best.tsv"), w -> {
                w.write("sample\tprs\n");
                for (int k = 0; k < samples.length; k++) w.write(fs.samples.get(samples[k]).iid() + "\t" + exact(sc.avg(k, bestT)) + "\n");
            });
            Log.info("prs score: best threshold %s (%d variants): incremental R2 %.5f, p %.3g; %d samples -> %s in %.1f s",
                    label(s.thresholds()[best]), sc.variantCounts()[best], inc[best], pvals[best], n, out.resolve("prs.best.tsv"),
                            (System.nanoTime() - t0) / 1e9);
            return new ScoreResult(s.thresholds(), sc.variantCounts(), r2, inc, pvals, best);
        }
    }

    // ---------------------------------------------------------------- files

    static String sampleId(PlinkFileset fs, int i) {
        PlinkFileset.Sample s = fs.samples.get(i);
        return s.fid() + "\t" + s.iid();
    }

    private static long lapStart = System.nanoTime();

    /** A qc_steps.tsv row, plus (logged only) the seconds since the previous row: the step's cost. */
    private static String[] row(String step, String unit, int before, int removed, int after, String why) {
        long now = System.nanoTime();
        String sec = String.format(Locale.ROOT, "%.2f", (now - lapStart) / 1e9);
        lapStart = now;
        return new String[] {step, unit, Integer.toString(before), Integer.toString(removed), Integer.toString(after), why, sec};
    }

    private static String fmt(double v) { return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) : Double.toString(v); }

    /** A p threshold as people write it: 5e-08, 0.001, 1. */
    static String label(double t) {
        if (t > 0 && t < 1e-3) return String.format(Locale.ROOT, "%.0e", t).replace("e-0", "e-0");
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

    private static List<Integer> boxed(int[] a) {
        List<Integer> l = new ArrayList<>(a.length);
        for (int v : a) l.add(v);
        return l;
    }

    private static int[] unbox(List<Integer> l) { return l.stream().mapToInt(Integer::intValue).toArray(); }

    private static void writeList(Path file, List<Integer> items, IntFunction<String> name) {
        AtomicFile.write(file, w -> {
            for (int i : items) w.write(name.apply(i) + "\n");
        });
    }

    private static void writeList(Path file, List<String> items) {
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
