package org.cohortex.backend;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import org.cohortex.Log;
import org.cohortex.UserException;
import org.cohortex.counts.FilterByExpr;
import org.cohortex.counts.LogCpm;
import org.cohortex.counts.TmmNormalization;
import org.cohortex.deconv.Deconvolution;
import org.cohortex.deconv.NuSvr;
import org.cohortex.de.FreedmanLane;
import org.cohortex.impute.CellTypeImputation;
import org.cohortex.linalg.Mat;
import org.cohortex.sva.SurrogateVariables;

/**
 * `cohortex bench`: the same workloads (by default at the sizes of the performance targets: 20,000 genes x 300 samples) on every backend
 * given, in one
 * process, one table: seconds, throughput and the ratio to the cpu backend measured in the same
 * run. Each workload is run once to warm up (JIT, device modules, buffers) and then timed.
 * Inputs are synthetic with a fixed seed. Workloads too slow for a backend at full size (the
 * reference backend; the Gibbs sampler on a CPU) run on a slice and are scaled linearly in the
 * genes, which is exact for per-gene work; the table says so.
 */
public final class BackendBench {
    public static final class Settings {
        public int genes = 20_000, samples = 300, covariates = 30;
        public int permutations = 10_000;
        public int gibbsGenes = 20_000, gibbsSamples = 304, cellTypes = 6, gibbsIterations = 1_000;
        /** Largest gene count the CPU Gibbs run takes (the rest is scaled). */
        public int cpuGibbsGenes = 200;
        /** Largest permutation count the cpu backend runs (the rest is scaled, exact: cost is linear in B). */
        public int cpuPermutations = 500;
        public int gemmSize = 4096;
        public long seed = 1;
        /** nu-SVR: mixtures fitted (three nu each) and markers per cell type of the synthetic signature. */
        public int svrMixtures = 10, svrMarkers = 180;
        public List<String> workloads = List.of("gemm", "ols", "sva", "counts", "nusvr", "permutations", "gibbs");
    }

    public record Row(String workload, String backend, double seconds, String throughput, String note) {}

    private BackendBench() {}

    public static List<Row> run(List<ComputeBackend> backends, Settings s) {
        List<Row> rows = new ArrayList<>();
        for (String w : s.workloads) {
            for (ComputeBackend b : backends) {
                Log.info("bench: %s on %s", w, b.name());
                rows.addAll(switch (w) {
                    case "gemm" -> List.of(gemm(b, s));
                    case "ols" -> List.of(ols(b, s));
                    case "sva" -> sva(b, s);
                    case "counts" -> b == backends.get(0) ? List.of(counts(b, s)) : List.<Row>of(); // Java: once
                    case "nusvr" -> b == backends.get(0) ? List.of(nuSvr(b, s)) : List.<Row>of();
                    case "permutations" -> List.of(permutations(b, s));
                    case "gibbs" -> List.of(gibbs(b, s));
                    default -> throw new UserException("--workloads: unknown workload '" + w
                            + "' (gemm, ols, sva, counts, nusvr, permutations, gibbs)");
                });
            }
        }
        return rows;
    }

    private static Mat random(int rows, int cols, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Mat m = new Mat(rows, cols);
        for (int i = 0; i < m.data.length; i++) m.data[i] = r.nextDouble() * 2 - 1;
        return m;
    }

    private static Mat design(int n, int p, long seed) {
        Mat x = random(n, p, seed);
        SplittableRandom r = new SplittableRandom(seed + 7);
        for (int i = 0; i < n; i++) {
            x.data[i * p] = 1;
            x.data[i * p + 1] = r.nextDouble() < 0.3 ? 1 : 0; // the trait
        }
        return x;
    }

    interface Timed { void run(); }

    /** Warm-up run, then the median of three timed runs when one takes under a second, else one. */
    private static double time(Timed t) { return time(t, t); }

    /** As {@link #time(Timed)} with a cheaper warm-up (JIT, device modules and buffers) for the heavy workloads. */
    private static double time(Timed warmUp, Timed t) {
        warmUp.run();
        long t0 = System.nanoTime();
        t.run();
        double first = (System.nanoTime() - t0) / 1e9;
        if (first > 1) return first;
        double[] v = {first, 0, 0};
        for (int i = 1; i < 3; i++) {
            long a = System.nanoTime();
            t.run();
            v[i] = (System.nanoTime() - a) / 1e9;
        }
        Arrays.sort(v);
        return v[1];
    }

    private static Row gemm(ComputeBackend b, Settings s) {
        int n = b.name().equals("reference") ? Math.min(s.gemmSize, 512) : s.gemmSize;
        Mat a = random(n, n, s.seed), c = random(n, n, s.seed + 1);
        double measured = time(() -> b.gemm(a, false, c, false));
        double gflops = 2.0 * n * n * n / measured / 1e9;
        double sec = measured * Math.pow((double) s.gemmSize / n, 3);
        String note = s.gemmSize + " x " + s.gemmSize + " x " + s.gemmSize + " FP64" + (n < s.gemmSize ? " (measured at " + n
                + ", scaled by n^3)" : "");
        if (b instanceof CudaBackend cb && cb.probe().fp64PeakFlops() > 0) {
            note += String.format(Locale.ROOT, ", %.0f%% of the FP64 non-tensor peak (%.1f TFLOPS)", 100 * gflops * 1e9 / cb.probe()
                    .fp64PeakFlops(),
                    cb.probe().fp64PeakFlops() / 1e12);
        }
        return new Row("gemm", b.name(), sec, String.format(Locale.ROOT, "%.1f GFLOPS", gflops), note);
    }

    private static int slice(ComputeBackend b, int full, int cap) { return b.name().equals("reference") ? Math.min(full, cap) : full; }

    private static Row ols(ComputeBackend b, Settings s) {
        int genes = slice(b, s.genes, 1000);
        Mat x = design(s.samples, s.covariates, s.seed), y = random(genes, s.samples, s.seed + 2);
        double sec = time(() -> b.olsSharedDesign(x, y)) * s.genes / genes;
        return new Row("batched OLS", b.name(), sec, String.format(Locale.ROOT, "%.0f genes/ms", s.genes / sec / 1e3),
                s.genes + " genes x " + s.samples + " samples x " + s.covariates + " columns" + scaled(genes, s.genes));
    }

    /**
     * num.sv be and irw-sva timed apart, each beside its floor: the flops of its Gram matrices (one SYRK, m n^2, of the
     * residuals and of each permuted copy; of the data and of each irw iteration's weighted copy, with P G P's two n x n
     * GEMMs once and each iteration's nested-model GEMM C = Y Q, 2 m n (2 + SVs)) at the DSYRK rate this backend reaches
     * on the same m x n shape in the same process, one product at a time or several side by side (eachCrossprodOfRows, the
     * operands' rows copied in), whichever is faster (be residualises and projects through the design's Q: m n p and n^2 p);
     * be's permuted copies at the rate of eachSingleCrossprodOfRows, as numSvBe forms them.
     * The rest (shuffles, F tests, lfdr, n x n eigen) is the work above the floor. Bytes are not the
     * bound: each SYRK reads the m x n matrix once (48 MB at 20,000 x 300) for n/2 flops a byte.
     */
    private static List<Row> sva(ComputeBackend b, Settings s) {
        int genes = slice(b, s.genes, 1000), n = s.samples;
        Mat y = random(genes, n, s.seed + 3), x = design(n, 2, s.seed);
        Mat mod0 = new Mat(n, 1);
        Arrays.fill(mod0.data, 1.0);
        // planted structure so that num.sv finds some SVs, as on real data
        Mat hidden = random(n, 5, s.seed + 4), load = random(genes, 5, s.seed + 5);
        Mat sig = b.gemm(load, false, hidden, true);
        for (int i = 0; i < y.data.length; i++) y.data[i] += 3 * sig.data[i];
        double scale = (double) s.genes / genes;
        double syrk = time(() -> b.crossprod(y));
        // the same products side by side where the backend runs them so (cpu: one single-threaded lane per thread),
        // each operand's rows copied in: the floor takes whichever rate is higher
        int sides = 4;
        double side = time(() -> b.eachCrossprodOfRows(sides, genes, n, (r, i, dst, off) -> System.arraycopy(y.data, i * n, dst, off, n),
                (ops, r, g) -> g.data[0])) / sides;
        float[] single = new float[y.data.length];
        for (int i = 0; i < single.length; i++) single[i] = (float) y.data[i];
        double singleSide = time(() -> b.eachSingleCrossprodOfRows(sides, genes, n,
                (r, i, dst, off) -> System.arraycopy(single, i * n, dst, off, n), (ops, r, g) -> g.data[0])) / sides;
        double syrkFlops = (double) genes * n * n, rate = syrkFlops / Math.min(syrk, side), singleRate = syrkFlops / singleSide;
        int[] nsv = {0};
        int perms = 20, iterations = 5;
        double be = time(() -> nsv[0] = SurrogateVariables.numSvBe(b, y, x, perms, s.seed)) * scale;
        int k = Math.max(1, nsv[0]);
        double irw = time(() -> SurrogateVariables.irw(b, y, x, mod0, k, iterations)) * scale;
        double mn2 = (double) s.genes * n * n;
        double n3 = 4.0 * n * n * n; // P G P: two n x n GEMMs (irw's start)
        // the observed Gram in double, the permutations' in single precision (residuals, projections through Q: m n p, n^2 p)
        double beFlops = (perms + 1) * mn2, beFloor = mn2 / rate + perms * mn2 / singleRate;
        int nestedCols = 1 + k + 1; // mod0 + SVs + trait: one GEMM C = Y Q per iteration
        double irwFlops = (iterations + 1) * mn2 + n3 + iterations * 2.0 * s.genes * n * nestedCols, irwFloor = irwFlops / rate;
        String size = s.genes + " genes x " + n + " samples" + scaled(genes, s.genes);
        String floor = String.format(Locale.ROOT, "; DSYRK %s x %d: %.1f GFLOPS here one at a time, %.1f side by side", genes, n,
                syrkFlops / syrk / 1e9, syrkFlops / side / 1e9);
        String singleFloor = String.format(Locale.ROOT, ", the %d permutations' in single precision at %.1f GFLOPS side by side", perms,
                singleRate / 1e9);
        return List.of(
                new Row("SVA num.sv be (B=20)", b.name(), be, String.format(Locale.ROOT, "%.2fx its floor", be / beFloor),
                        String.format(Locale.ROOT, "%s, n.sv %d; floor %.3f s: %d SYRKs mn^2 = %.1f GFLOP%s%s", size,
                                nsv[0], beFloor, perms + 1, beFlops / 1e9, floor, singleFloor)),
                new Row("SVA irw (5 iterations)", b.name(), irw, String.format(Locale.ROOT, "%.2fx its floor", irw / irwFloor),
                        String.format(Locale.ROOT, "%s, %d SVs; floor %.3f s: %d SYRKs mn^2 + 4n^3 + %d GEMMs 2mn(%d) = %.1f GFLOP%s",
                                size, k, irwFloor, iterations + 1, iterations, nestedCols, irwFlops / 1e9, floor)));
    }

    /**
     * The counts side of a bulk DE unit (de.FilteredLogCpm's steps: filterByExpr, library sizes of the kept genes, TMM
     * factors, log2-CPM), beside two floors measured in the same process: the bytes it must move (reading the m x n counts
     * once and writing the log2-CPM once, 16 mn bytes) at an array copy's bandwidth, and the divisions it must take (R's
     * quotients whose logarithms TMM and voom use: obs / N_obs and that over ref / N_ref for TMM's M values, (count +
     * 0.5) / (lib + 1) for the log2-CPM; three per kept value, each rounded as R rounds it) at the rate a pass of
     * independent divisions reaches on every core. The logarithms themselves are sums of table entries for counts below
     * 2^16 (counts.CountLog2). Above the floor: those sums and their rounding checks, TMM's order statistics per sample,
     * and the passes between the steps.
     */
    private static Row counts(ComputeBackend b, Settings s) {
        int genes = s.genes, n = s.samples;
        SplittableRandom r = new SplittableRandom(s.seed + 7);
        double[] c = new double[genes * n], depth = new double[n];
        for (int j = 0; j < n; j++) depth[j] = Math.exp(0.3 * r.nextGaussian());
        for (int g = 0; g < genes; g++) {
            double mu = Math.exp(3 + 2 * r.nextGaussian()); // counts over four orders of magnitude, many zeros
            for (int j = 0; j < n; j++) c[g * n + j] = Math.floor(mu * depth[j] * Math.exp(0.4 * r.nextGaussian()) * r.nextDouble());
        }
        Mat x = design(n, 2, s.seed);
        int[] kept = {0};
        double sec = time(() -> {
            boolean[] keep = FilterByExpr.keep(c, genes, n, x);
            int m = 0;
            for (boolean k : keep) if (k) m++;
            double[] sub = new double[m * n];
            for (int g = 0, k = 0; g < genes; g++) if (keep[g]) System.arraycopy(c, g * n, sub, n * k++, n);
            double[] lib = FilterByExpr.columnSums(sub, m, n);
            double[] nf = TmmNormalization.factors(sub, m, n, lib);
            LogCpm.voom(sub, m, n, LogCpm.effective(lib, nf));
            kept[0] = m;
        });
        double[] copy = new double[c.length];
        double copySec = time(() -> System.arraycopy(c, 0, copy, 0, c.length));
        double bandwidth = 16.0 * c.length / copySec; // read + write
        // the divisions' rate: at least 2^23 values (cycling through c), three independent divisions each, the fastest of
        // five runs after a warm-up, so that a small matrix's pass (or a method not yet compiled) cannot make a floor the
        // step beats
        double[] sink = new double[1];
        final int passes = (int) Math.max(1, ((1L << 23) + c.length - 1) / c.length);
        final long divisions = 3L * passes * c.length;
        Timed divisionPass = () -> sink[0] = IntStream.range(0, 64).parallel().mapToDouble(blk -> {
            double a0 = 0, a1 = 0, a2 = 0;
            int from = (int) ((long) c.length * blk / 64), to = (int) ((long) c.length * (blk + 1) / 64);
            for (int pass = 0; pass < passes; pass++) {
                for (int i = from; i < to; i++) {
                    double o = c[i] / (3e7 + i);
                    a0 += o;
                    a1 += o / (1e-5 + pass);
                    a2 += (c[i] + 0.5) / (2.9e7 + i);
                }
            }
            return a0 + a1 + a2;
        }).sum();
        divisionPass.run();
        double divisionSec = Double.MAX_VALUE;
        for (int rep = 0; rep < 5; rep++) {
            long t0 = System.nanoTime();
            divisionPass.run();
            divisionSec = Math.min(divisionSec, (System.nanoTime() - t0) / 1e9);
        }
        double divisionRate = divisions / divisionSec;
        double bytesFloor = 16.0 * genes * n / bandwidth, divisionFloor = 3.0 * kept[0] * n / divisionRate;
        double floor = Math.max(bytesFloor, divisionFloor);
        return new Row("counts: filterByExpr+TMM+log2CPM", b.name() + "/java", sec, String.format(Locale.ROOT, "%.1fx its floor",
                sec / floor), String.format(Locale.ROOT, "%d genes x %d samples, %d kept; floor %.4g s: the larger of 16 mn bytes at the"
                        + " %.1f GB/s an array copy reaches here (%.4g s) and 3 divisions per kept value at %.0f M/s on all cores (%.4g s)",
                        genes, n, kept[0], floor, bandwidth / 1e9, bytesFloor, divisionRate / 1e6, divisionFloor));
    }

    /**
     * CIBERSORT's nu-SVR fits (three nu per mixture, deconv.NuSvr) on one thread, beside LIBSVM's svm_train on the same
     * problems, whose solution they must equal bit for bit. The signature is synthetic and paper-shaped: 6 cell types x
     * svrMarkers markers (the paper preset's 1,080 genes), each marker log-normal and ~30x higher in its own type; a
     * mixture is a random composition of the types with 30% log-normal noise. svm_train is the floor's stand-in here:
     * an SMO iteration has no fixed flop count, and the two run the same iterations.
     */
    private static Row nuSvr(ComputeBackend b, Settings s) {
        int k = 6, genes = k * s.svrMarkers, mixtures = s.svrMixtures;
        SplittableRandom r = new SplittableRandom(s.seed + 11);
        double[] x = new double[genes * k];
        for (int g = 0; g < genes; g++) {
            for (int c = 0; c < k; c++) x[g * k + c] = Math.exp(r.nextGaussian() + (g / s.svrMarkers == c ? 3.4 : 0));
        }
        double[][] y = new double[mixtures][genes];
        for (double[] m : y) {
            double[] w = new double[k];
            for (int c = 0; c < k; c++) w[c] = -Math.log(r.nextDouble());
            for (int g = 0; g < genes; g++) {
                for (int c = 0; c < k; c++) m[g] += x[g * k + c] * w[c];
                m[g] *= Math.exp(0.3 * r.nextGaussian());
            }
        }
        double[] xs = Deconvolution.standardise(x);
        double[][] ys = new double[mixtures][];
        for (int j = 0; j < mixtures; j++) ys[j] = Deconvolution.standardise(y[j]);
        NuSvr.Problem prob = new NuSvr.Problem(xs, genes, k);
        NuSvr.Fit[] ours = new NuSvr.Fit[mixtures], libsvm = new NuSvr.Fit[mixtures];
        double sec = time(() -> { for (int j = 0; j < mixtures; j++) ours[j] = NuSvr.fit(prob, ys[j]); });
        double ref = time(() -> { for (int j = 0; j < mixtures; j++) libsvm[j] = NuSvr.fitWithSvmTrain(xs, genes, k, ys[j]); });
        for (int j = 0; j < mixtures; j++) {
            if (!Arrays.equals(ours[j].w(), libsvm[j].w()) || ours[j].rmse() != libsvm[j].rmse()) {
                throw new IllegalStateException("nu-SVR bench: mixture " + j + " differs from svm_train's fit");
            }
        }
        return new Row("nu-SVR (CIBERSORT, 3 nu)", b.name() + "/java", sec, String.format(Locale.ROOT, "%.1f fits/s", 3 * mixtures / sec),
                String.format(Locale.ROOT, "%d mixtures x %d genes x %d types, one thread; LIBSVM's svm_train %.3f s (%.2fx), w bit for"
                        + " bit", mixtures, genes, k, ref, ref / sec));
    }

    private static Row permutations(ComputeBackend b, Settings s) {
        int genes = slice(b, s.genes, 500);
        int perms = b.name().equals("cuda") ? s.permutations : Math.min(s.permutations, b.name().equals("reference")
                ? 20 : s.cpuPermutations);
        Mat x = design(s.samples, s.covariates, s.seed), y = random(genes, s.samples, s.seed + 6);
        boolean[] all = new boolean[genes];
        Arrays.fill(all, true);
        FreedmanLane.Problem prob = FreedmanLane.prepare(b, x, 1, y, all);
        int[] index = IntStream.range(0, genes).toArray();
        double sec = time(() -> FreedmanLane.run(b, prob, index, genes, Math.min(perms, 50), s.seed, Log.WARNINGS),
                () -> FreedmanLane.run(b, prob, index, genes, perms, s.seed, Log.WARNINGS))
                * ((double) s.genes / genes) * ((double) s.permutations / perms);
        double flops = 2.0 * s.genes * s.samples * s.covariates * s.permutations;
        return new Row("Freedman-Lane permutations", b.name(), sec, String.format(Locale.ROOT, "%.1f GFLOPS (GEMM part)",
                flops / sec / 1e9),
                s.permutations + " permutations of " + s.genes + " x " + s.samples + " x " + s.covariates
                        + (perms < s.permutations || genes < s.genes ? " (measured on " + perms + " permutations x " + genes
                                + " genes, scaled)" : ""));
    }

    private static Row gibbs(ComputeBackend b, Settings s) {
        int genes = b.name().equals("cuda") ? s.gibbsGenes : Math.min(s.gibbsGenes, b.name().equals("reference") ? 20 : s.cpuGibbsGenes);
        int n = s.gibbsSamples, k = s.cellTypes;
        SplittableRandom r = new SplittableRandom(s.seed);
        double[] w = new double[n * k], y = new double[genes * n], mu0 = new double[genes * k];
        for (int i = 0; i < n; i++) {
            double tot = 0;
            for (int c = 0; c < k; c++) { w[i * k + c] = 0.2 + r.nextDouble(); tot += w[i * k + c]; }
            for (int c = 0; c < k; c++) w[i * k + c] /= tot;
        }
        for (int g = 0; g < genes; g++) {
            for (int c = 0; c < k; c++) mu0[g * k + c] = 2 + 4 * r.nextDouble();
            for (int i = 0; i < n; i++) {
                double v = 0;
                for (int c = 0; c < k; c++) v += w[i * k + c] * (mu0[g * k + c] + 0.5 * r.nextDouble());
                y[g * n + i] = v + 0.2 * r.nextDouble();
            }
        }
        CellTypeImputation.Settings st = new CellTypeImputation.Settings();
        st.iterations = s.gibbsIterations;
        st.burnin = Math.min(300, s.gibbsIterations / 4);
        CellTypeImputation.Settings warm = new CellTypeImputation.Settings();
        warm.iterations = 20;
        warm.burnin = 5;
        double sec = time(() -> b.gibbsImpute(y, genes, n, w, k, mu0, warm), () -> b.gibbsImpute(y, genes, n, w, k, mu0,
                st)) * s.gibbsGenes / genes;
        return new Row("Gibbs sampler (bMIND model)", b.name(), sec, String.format(Locale.ROOT, "%.0f gene-iterations/s",
                (double) s.gibbsGenes * s.gibbsIterations / sec),
                s.gibbsGenes + " genes x " + n + " samples x " + k + " cell types x " + s.gibbsIterations + " iterations" + scaled(genes,
                        s.gibbsGenes));
    }

    private static String scaled(int measured, int full) {
        return measured < full ? " (measured on " + measured + " genes, scaled linearly)" : "";
    }

    /** The table, with each row's ratio to the cpu row of the same workload. */
    public static String table(List<Row> rows) {
        Map<String, Double> cpu = new LinkedHashMap<>();
        for (Row r : rows) if (r.backend.equals("cpu")) cpu.put(r.workload, r.seconds);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-32s %-10s %12s %10s  %-28s %s%n", "workload", "backend", "seconds", "vs cpu",
                "throughput", "size"));
        for (Row r : rows) {
            Double c = cpu.get(r.workload);
            String ratio = c == null ? "-" : String.format(Locale.ROOT, "%.2fx", c / r.seconds);
            sb.append(String.format(Locale.ROOT, "%-32s %-10s %12.4f %10s  %-28s %s%n", r.workload, r.backend, r.seconds, ratio,
                    r.throughput, r.note));
        }
        return sb.toString();
    }
}
