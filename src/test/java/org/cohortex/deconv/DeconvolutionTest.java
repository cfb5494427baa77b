package org.cohortex.deconv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.cohortex.UserException;
import org.cohortex.backend.ReferenceBackend;
import org.cohortex.cli.Main;
import org.cohortex.io.ExpressionMatrix;
import org.cohortex.io.MatrixReader;
import org.cohortex.linalg.Mat;
import org.cohortex.random.KeyedStreams;
import org.cohortex.sim.CohortSimulator;
import org.cohortex.testutil.Fixtures;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeconvolutionTest {
    @TempDir
    Path dir;

    @Test
    void nuSvrMatchesCibersortCoreAlgWithRsE1071() {
        Signature sig = Signature.read(Fixtures.path("deconv/signature.tsv"));
        ExpressionMatrix mix = MatrixReader.read(Fixtures.path("deconv/mixtures.tsv"));
        Deconvolution.Result r = Deconvolution.run(mix, sig, Deconvolution.Method.NUSVR, 0, 1, new ReferenceBackend());
        List<Map<String, String>> want = Fixtures.table(Fixtures.path("deconv/expected_nusvr.tsv"));
        int k = sig.k();
        for (int j = 0; j < want.size(); j++) {
            Map<String, String> w = want.get(j);
            assertEquals(w.get("mixture"), r.samples()[j]);
            for (int c = 0; c < k; c++) {
                assertEquals(Double.parseDouble(w.get(sig.cellTypes()[c])), r.proportions()[j * k + c], 1e-6,
                        w.get("mixture") + " " + sig.cellTypes()[c]);
            }
            assertEquals(Double.parseDouble(w.get("rmse")), r.rmse()[j], 1e-6);
            assertEquals(Double.parseDouble(w.get("r")), r.r()[j], 1e-6);
        }
    }

    @Test
    void precomputedKernelFitIsSvmTrainsFitBitForBit() {
        // fixture signature, and a larger random one where shrinking swaps many rows and columns
        Signature sig = Signature.read(Fixtures.path("deconv/signature.tsv"));
        ExpressionMatrix mix = MatrixReader.read(Fixtures.path("deconv/mixtures.tsv"));
        int k = sig.k(), m = sig.genes().length;
        double[] xs = Deconvolution.standardise(sig.values());
        NuSvr.Problem prob = new NuSvr.Problem(xs, m, k);
        for (int j = 0; j < mix.sampleCount(); j++) {
            double[] y = new double[m];
            for (int g = 0; g < m; g++) y[g] = mix.values.data[g * mix.sampleCount() + j];
            assertSameFit(NuSvr.fitWithSvmTrain(xs, m, k, Deconvolution.standardise(y)), NuSvr.fit(prob, Deconvolution.standardise(y)));
        }
        Random rnd = new Random(11);
        int genes = 400, types = 6;
        double[] x = new double[genes * types];
        for (int i = 0; i < x.length; i++) x[i] = Math.exp(2 * rnd.nextGaussian());
        double[] xr = Deconvolution.standardise(x);
        NuSvr.Problem big = new NuSvr.Problem(xr, genes, types);
        for (int rep = 0; rep < 4; rep++) {
            double[] w = new double[types];
            for (int c = 0; c < types; c++) w[c] = rnd.nextDouble();
            double[] y = new double[genes];
            for (int g = 0; g < genes; g++) {
                for (int c = 0; c < types; c++) y[g] += x[g * types + c] * w[c];
                y[g] *= Math.exp(0.3 * rnd.nextGaussian());
            }
            double[] ys = Deconvolution.standardise(y);
            assertSameFit(NuSvr.fitWithSvmTrain(xr, genes, types, ys), NuSvr.fit(big, ys));
        }
    }

    private static void assertSameFit(NuSvr.Fit want, NuSvr.Fit got) {
        assertEquals(want.nu(), got.nu());
        Assertions.assertArrayEquals(want.w(), got.w(), 0.0);
        assertEquals(want.rmse(), got.rmse(), 0.0);
    }

    @Test
    void signatureKeepsTheMarkerCountWithTheSmallestConditionNumber() {
        Path sim = dir.resolve("sim");
        CohortSimulator.run(CohortSimulator.Preset.SMALL, 31, sim);
        ExpressionMatrix sc = MatrixReader.read(sim.resolve("reference/amygdala.counts.tsv.gz"));
        Path labels = sim.resolve("reference/amygdala.labels.tsv");
        double best = Double.POSITIVE_INFINITY;
        int bestGenes = -1;
        for (int g : new int[] {20, 30, 35}) {
            Signature fixed = SignatureBuilder.build(sc, labels, g, g);
            assertTrue(fixed.genes().length <= g * fixed.k() && fixed.genes().length > g, g + " markers per type: " + fixed.genes().length
                    + " genes");
            double kappa = kappa(fixed);
            if (kappa < best) { best = kappa; bestGenes = fixed.genes().length; }
        }
        // 20, 30 and then 35 itself (the maximum, off the steps of 10)
        Signature scanned = SignatureBuilder.build(sc, labels, 20, 35);
        assertEquals(bestGenes, scanned.genes().length);
        assertEquals(best, kappa(scanned), 1e-9 * best);
        UserException e = Assertions.assertThrows(UserException.class,
                () -> SignatureBuilder.build(sc, labels, 60, 40));
        assertTrue(e.getMessage().contains("60") && e.getMessage().contains("40"), e.getMessage());
    }

    private static double kappa(Signature s) {
        double[][] a = new double[s.genes().length][];
        for (int i = 0; i < a.length; i++) a[i] = Arrays.copyOfRange(s.values(), i * s.k(), (i + 1) * s.k());
        double[] sv = new SingularValueDecomposition(new Array2DRowRealMatrix(a, false)).getSingularValues();
        return sv[0] / sv[sv.length - 1];
    }

    @Test
    void nnlsIsExactOnNoiselessMixturesAndOptimalOtherwise() {
        Random rnd = new Random(5);
        int m = 60, n = 6;
        double[] a = new double[m * n];
        for (int i = 0; i < a.length; i++) a[i] = Math.exp(rnd.nextGaussian());
        double[] w = {0.3, 0, 0.25, 0.05, 0, 0.4};
        double[] b = new double[m];
        for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) b[i] += a[i * n + j] * w[j];
        double[] x = Nnls.solve(a, m, n, b);
        for (int j = 0; j < n; j++) assertEquals(w[j], x[j], 1e-10, "component " + j);
        // noisy target with negative pull: KKT conditions (x >= 0, gradient <= 0 where x = 0, = 0 where x > 0)
        for (int i = 0; i < m; i++) b[i] = b[i] * Math.exp(0.3 * rnd.nextGaussian()) - 2 * a[i * n + 1];
        x = Nnls.solve(a, m, n, b);
        double scale = 0;
        for (double v : b) scale = Math.max(scale, Math.abs(v));
        for (int j = 0; j < n; j++) {
            double grad = 0;
            for (int i = 0; i < m; i++) {
                double r = b[i];
                for (int l = 0; l < n; l++) r -= a[i * n + l] * x[l];
                grad += a[i * n + j] * r;
            }
            assertTrue(x[j] >= 0);
            if (x[j] > 0) assertEquals(0, grad, 1e-8 * scale * m, "stationary in active component " + j);
            else assertTrue(grad <= 1e-8 * scale * m, "no descent direction at the bound " + j);
        }
    }

    @Test
    void dwlsMatchesAnRImplementationAtRsDampeningAndItsCrossValidationAgreesWithRs() {
        Signature sig = Signature.read(Fixtures.path("deconv/signature.tsv"));
        ExpressionMatrix mix = MatrixReader.read(Fixtures.path("deconv/mixtures.tsv"));
        List<Map<String, String>> want = Fixtures.table(Fixtures.path("deconv/expected_dwls.tsv"));
        List<Map<String, String>> cv = Fixtures.table(Fixtures.path("deconv/expected_dwls_cv.tsv"));
        int k = sig.k(), m = sig.genes().length, n = mix.sampleCount();
        int notOlsAlone = 0;
        for (int j = 0; j < n; j++) {
            Map<String, String> w = want.get(j);
            String name = w.get("mixture");
            assertEquals(name, mix.samples[j]);
            double[] b = new double[m];
            for (int g = 0; g < m; g++) b[g] = mix.values.get(g, j);
            double[] x0 = Nnls.solve(sig.values(), m, k, b);
            int rJ = Integer.parseInt(w.get("j"));
            if (rJ > 1) notOlsAlone++;
            Dwls.Solution at = Dwls.solveAt(sig.values(), m, k, b, x0, rJ);
            assertEquals(Integer.parseInt(w.get("iterations")), at.iterations(), name + ": iterations");
            double total = 0;
            for (double v : at.x()) total += v;
            for (int c = 0; c < k; c++) {
                assertEquals(Double.parseDouble(w.get(sig.cellTypes()[c])), at.x()[c] / total, 1e-8, name + " " + sig.cellTypes()[c]);
            }
            // our random halves are not R's: the exponent we choose must be one R's cross-validation rates near its best
            int ours = Dwls.dampening(sig.values(), m, k, b, x0, KeyedStreams.stream(1, Deconvolution.FIT_STREAM, j));
            double best = Double.POSITIVE_INFINITY, atOurs = Double.NaN;
            for (Map<String, String> row : cv) {
                if (!row.get("mixture").equals(name)) continue;
                double score = Double.parseDouble(row.get("score"));
                best = Math.min(best, score);
                if (Integer.parseInt(row.get("j")) == ours) atOurs = score;
            }
            assertTrue(atOurs <= 1.1 * best, name + ": R's cross-validation variance at our j = " + ours + " is " + atOurs + ", its best "
                    + best);
        }
        assertTrue(notOlsAlone >= 6, "the fixture exercises the weights (R's j > 1 in " + notOlsAlone + " of " + n + ")");
    }

    @Test
    void badOptionsAreNamedBeforeAnyMatrixIsRead() {
        String absent = dir.resolve("no-such-bulk.tsv").toString(), sc = Fixtures.path("deconv/signature.tsv").toString();
        String[][] cases = {
            {"--min-markers 60, --max-markers 40", "--sc-reference", sc, "--sc-labels", sc, "--min-markers", "60", "--max-markers", "40"},
            {"--method svm: choose", "--signature", sc, "--method", "svm"},
            {"--bulk-scale tpm: choose counts, linear or log2", "--signature", sc, "--bulk-scale", "tpm"},
            {"--permutations -1: must be 0 or more", "--signature", sc, "--permutations", "-1"},
        };
        for (String[] c : cases) {
            List<String> args = new ArrayList<>(List.of("deconvolve", "--bulk", absent, "--out", dir.resolve("o").toString()));
            args.addAll(List.of(c).subList(1, c.length));
            StringWriter sw = new StringWriter();
            int code = Main.execute(new PrintWriter(sw, true), args.toArray(new String[0]));
            assertEquals(2, code, "a usage error: " + sw);
            assertTrue(sw.toString().contains(c[0]) && !sw.toString().contains("no-such-bulk"), sw.toString());
        }
    }

    @Test
    void effectiveGenesCountsHowManyGenesCarryACellType() {
        // column 0: equal magnitudes on 8 genes; column 1: one gene 10x the other seven
        int m = 8, k = 2;
        double[] z = new double[m * k];
        for (int g = 0; g < m; g++) {
            z[g * k] = g % 2 == 0 ? 1 : -1;
            z[g * k + 1] = g == 3 ? 10 : 1;
        }
        double[] eff = Deconvolution.effectiveGenes(z, m, k);
        assertEquals(8, eff[0], 1e-12);
        double s2 = 100 + 7, s4 = 10000 + 7;
        assertEquals(s2 * s2 / s4, eff[1], 1e-12);
        assertTrue(eff[1] < 1.2);
    }

    @Test
    void dwlsRecoversProportionsBetterThanNnlsUnderRelativeNoiseAndIsThreadIndependent() {
        // a signature spanning three orders of magnitude, mixtures with 20% multiplicative noise:
        // NNLS is decided by the few largest genes, DWLS uses all of them
        Random rnd = new Random(11);
        int m = 150, k = 5, n = 40;
        String[] genes = new String[m], types = new String[k], samples = new String[n];
        for (int g = 0; g < m; g++) genes[g] = "g" + g;
        for (int c = 0; c < k; c++) types[c] = "t" + c;
        double[] s = new double[m * k];
        for (int i = 0; i < s.length; i++) s[i] = Math.exp(2 + 2.5 * rnd.nextGaussian());
        double[] truth = new double[n * k], y = new double[m * n];
        for (int j = 0; j < n; j++) {
            samples[j] = "s" + j;
            double tot = 0;
            for (int c = 0; c < k; c++) tot += truth[j * k + c] = 0.2 + rnd.nextDouble();
            for (int c = 0; c < k; c++) truth[j * k + c] /= tot;
            for (int g = 0; g < m; g++) {
                double mu = 0;
                for (int c = 0; c < k; c++) mu += s[g * k + c] * truth[j * k + c];
                y[g * n + j] = mu * Math.exp(0.2 * rnd.nextGaussian());
            }
        }
        ExpressionMatrix bulk = new ExpressionMatrix(genes, samples, new Mat(m, n, y));
        Signature sig = new Signature(genes, types, s);
        ReferenceBackend be = new ReferenceBackend();
        Deconvolution.Result dw = Deconvolution.run(bulk, sig, Deconvolution.Method.DWLS, 0, 3, be);
        Deconvolution.Result nn = Deconvolution.run(bulk, sig, Deconvolution.Method.NNLS, 0, 3, be);
        double eDw = 0, eNn = 0;
        for (int i = 0; i < n * k; i++) {
            eDw += Math.abs(dw.proportions()[i] - truth[i]) / (n * k);
            eNn += Math.abs(nn.proportions()[i] - truth[i]) / (n * k);
        }
        assertTrue(eDw < 0.5 * eNn, "mean absolute error: DWLS " + eDw + ", NNLS " + eNn);
        // the parallel run equals one sample at a time on each sample's own stream
        for (int j = 0; j < n; j++) {
            double[] b = new double[m];
            for (int g = 0; g < m; g++) b[g] = y[g * n + j];
            Dwls.Solution one = Dwls.solve(s, m, k, b, KeyedStreams.stream(3, Deconvolution.FIT_STREAM, j));
            double tot = 0;
            for (double v : one.x()) tot += v;
            for (int c = 0; c < k; c++) assertEquals(one.x()[c] / tot, dw.proportions()[j * k + c], 0.0, "sample " + j);
        }
    }

    @Test
    void deconvolveFromTheSingleCellReferenceTracksTheTrueProportions() {
        Path sim = dir.resolve("sim");
        CohortSimulator.run(CohortSimulator.Preset.SMALL, 31, sim);
        StringWriter sw = new StringWriter();
        int code = Main.execute(new PrintWriter(sw, true), "deconvolve", "--bulk", sim.resolve("expr/BLA.counts.tsv.gz").toString(),
                "--sc-reference", sim.resolve("reference/amygdala.counts.tsv.gz").toString(), "--sc-labels",
                        sim.resolve("reference/amygdala.labels.tsv").toString(),
                "--permutations", "20", "--out", dir.resolve("dc").toString());
        assertEquals(0, code, sw.toString());
        ExpressionMatrix est = MatrixReader.read(dir.resolve("dc/proportions.tsv"));
        ExpressionMatrix tru = MatrixReader.read(sim.resolve("truth/regions/BLA.proportions.tsv"));
        assertEquals(7, est.sampleCount(), "amygdala panel: 7 cell types incl. OPC");
        Map<String, Integer> trow = tru.sampleIndex();
        int good = 0;
        for (int c = 0; c < est.sampleCount(); c++) {
            int tc = Arrays.asList(tru.samples).indexOf(est.samples[c]);
            double[] a = new double[est.geneCount()], b = new double[est.geneCount()];
            for (int i = 0; i < est.geneCount(); i++) {
                a[i] = est.values.get(i, c);
                b[i] = tru.values.get(Arrays.asList(tru.genes).indexOf(est.genes[i]), tc);
                assertTrue(a[i] >= 0);
            }
            if (NuSvr.pearson(a, b) > 0.8) good++;
        }
        assertTrue(good >= 6, good + " of 7 cell types with r > 0.8 against the truth");
        List<Map<String, String>> fit = Fixtures.table(dir.resolve("dc/fit.tsv"));
        assertTrue(fit.stream().allMatch(f -> Double.parseDouble(f.get("p")) <= 0.05), "real mixtures beat random ones (CIBERSORT p)");
        assertTrue(trow.size() > 0);
    }
}
