package org.cohortex.sva;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.cohortex.backend.Backends;
import org.cohortex.backend.ComputeBackend;
import org.cohortex.io.ExpressionMatrix;
import org.cohortex.io.MatrixReader;
import org.cohortex.linalg.Mat;
import org.cohortex.linalg.QrDecomposition;
import org.cohortex.stats.KernelDensity;
import org.cohortex.stats.Normal;
import org.cohortex.stats.SmoothingSpline;
import org.cohortex.testutil.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Parity with Bioconductor sva 3.46 (fixtures/sva/make_sva_fixture.R). */
class SvaParityTest {
    static ComputeBackend backend;
    static Mat dat, mod, mod0;
    static Map<String, String> numsv = new HashMap<>();

    @BeforeAll
    static void load() throws IOException {
        backend = Backends.create("auto", 2);
        ExpressionMatrix e = MatrixReader.read(Fixtures.path("sva/expr.tsv"));
        dat = e.values;
        List<Map<String, String>> ph = Fixtures.table(Fixtures.path("sva/pheno.tsv"));
        int n = ph.size();
        mod = new Mat(n, 3);
        mod0 = new Mat(n, 2);
        for (int i = 0; i < n; i++) {
            double trait = Double.parseDouble(ph.get(i).get("trait")), age = Double.parseDouble(ph.get(i).get("age"));
            mod.data[i * 3] = 1; mod.data[i * 3 + 1] = trait; mod.data[i * 3 + 2] = age;
            mod0.data[i * 2] = 1; mod0.data[i * 2 + 1] = age;
        }
        for (String l : Files.readAllLines(Fixtures.path("sva/expected_numsv.tsv"))) {
            String[] f = l.split("\t");
            numsv.put(f[0], f[1]);
        }
    }

    @AfterAll
    static void close() { backend.close(); }

    static double[] column(List<Map<String, String>> t, String c) {
        return t.stream().mapToDouble(r -> Fixtures.num(r.get(c))).toArray();
    }

    @Test
    void densityAndSmoothingSplineMatchR() {
        List<Map<String, String>> lf = Fixtures.table(Fixtures.path("sva/expected_lfdr.tsv"));
        double[] p = column(lf, "p");
        double[] x = new double[p.length];
        for (int i = 0; i < p.length; i++) x[i] = Normal.quantile(Math.min(Math.max(p[i], 1e-8), 1 - 1e-8));
        KernelDensity d = KernelDensity.estimate(x, 1.5);
        assertEquals(Double.parseDouble(numsv.get("bw")), d.bandwidth, 1e-14);
        List<Map<String, String>> dens = Fixtures.table(Fixtures.path("sva/expected_density.tsv"));
        double[] rx = column(dens, "x"), ry = column(dens, "y");
        double ymax = Arrays.stream(ry).max().orElseThrow();
        for (int i = 0; i < 512; i++) {
            assertEquals(rx[i], d.x[i], 1e-12, "grid " + i);
            assertEquals(ry[i], d.y[i], 1e-12 * ymax, "density " + i);
        }
        SmoothingSpline s = SmoothingSpline.fitGcv(d.x, d.y);
        assertEquals(Double.parseDouble(numsv.get("spar")), s.spar, 1e-6, "spar chosen by GCV");
        assertEquals(Double.parseDouble(numsv.get("lambda")), s.lambda, 1e-6 * Double.parseDouble(numsv.get("lambda")));
        double[] want = column(lf, "spline");
        for (int i = 0; i < x.length; i++) assertEquals(want[i], s.predict(x[i]), 1e-6 * Math.max(1e-3, Math.abs(want[i])),
                "spline at " + x[i]);
    }

    @Test
    void edgeLfdrMatchesR() {
        List<Map<String, String>> lf = Fixtures.table(Fixtures.path("sva/expected_lfdr.tsv"));
        double[] got = EdgeLfdr.lfdr(column(lf, "p")), want = column(lf, "lfdr");
        for (int i = 0; i < got.length; i++) assertEquals(want[i], got[i], 1e-6, "lfdr " + i);
    }

    @Test
    void numSvMatchesR() {
        assertEquals(Integer.parseInt(numsv.get("leek")), SurrogateVariables.numSvLeek(backend, dat, mod), "leek");
        assertEquals(Integer.parseInt(numsv.get("be")), SurrogateVariables.numSvBe(backend, dat, mod, 20, 1), "be (own permutations)");
    }

    /** num.sv be's P G P through the design's Q equals the n x n projector's, to rounding: sva's design and a 30-column one. */
    @Test
    void projectionThroughQIsTheProjectors() {
        Random r = new Random(3);
        Mat wide = new Mat(mod.rows, 30);
        for (int i = 0; i < wide.data.length; i++) wide.data[i] = i % 30 == 0 ? 1 : r.nextGaussian();
        for (Mat design : new Mat[] {mod, wide}) {
            Mat a = new Mat(400, mod.rows);
            for (int i = 0; i < a.data.length; i++) a.data[i] = r.nextGaussian();
            Mat g = backend.crossprod(a), want = SurrogateVariables.projected(backend, g, SurrogateVariables.residualProjector(design));
            Mat got = SurrogateVariables.projectedThin(backend, g, new QrDecomposition(design).q());
            double scale = 0;
            for (double v : g.data) scale = Math.max(scale, Math.abs(v));
            for (int i = 0; i < want.data.length; i++) {
                assertEquals(want.data[i], got.data[i], 1e-12 * scale, design.cols + " columns, entry " + i);
            }
        }
    }

    @Test
    void irwSvaMatchesRToOneInAMillion() {
        SurrogateVariables.Result r = SurrogateVariables.irw(backend, dat, mod, mod0, 2, 5);
        List<Map<String, String>> sv = Fixtures.table(Fixtures.path("sva/expected_sv.tsv"));
        int n = sv.size();
        Mat want = new Mat(n, 2);
        for (int i = 0; i < n; i++) {
            want.data[i * 2] = Fixtures.num(sv.get(i).get("sv1"));
            want.data[i * 2 + 1] = Fixtures.num(sv.get(i).get("sv2"));
        }
        // compare the projections onto the SV subspaces (SVs are defined up to sign and rotation)
        double worst = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double a = 0, b = 0;
                for (int k = 0; k < 2; k++) {
                    a += r.sv.data[i * 2 + k] * r.sv.data[j * 2 + k];
                    b += want.data[i * 2 + k] * want.data[j * 2 + k];
                }
                worst = Math.max(worst, Math.abs(a - b));
            }
        }
        assertTrue(worst < 1e-6, "max |P_ours - P_R| = " + worst);
        List<Map<String, String>> pp = Fixtures.table(Fixtures.path("sva/expected_pprob.tsv"));
        double[] gam = column(pp, "pprob_gam"), b = column(pp, "pprob_b");
        for (int g = 0; g < gam.length; g++) {
            assertEquals(gam[g], r.pprobGam[g], 1e-6, "pprob.gam " + g);
            assertEquals(b[g], r.pprobB[g], 1e-6, "pprob.b " + g);
        }
    }

    /**
     * Nearly all p-values below edge.lfdr's 1e-8 clamp (very strong SVs): the probit values are all
     * equal, and R's bw.nrd0 falls back to |x[1]|. Expected values from R 4.2 / sva 3.46:
     * p <- c(rep(1e-10, 995), 0.2, 0.4, 0.6, 0.8, 0.95); sva:::edge.lfdr(p)[1] and
     * sva:::edge.lfdr(rep(1e-10, 1000))[1].
     */
    @Test
    void lfdrWhenAlmostEveryPValueIsClampedMatchesR() {
        double[] p = new double[1000];
        Arrays.fill(p, 1e-10);
        p[995] = 0.2; p[996] = 0.4; p[997] = 0.6; p[998] = 0.8; p[999] = 0.95;
        double[] l = EdgeLfdr.lfdr(p);
        Assertions.assertEquals(2.1005322148573659e-10, l[0], 1e-12 * 2.1e-10);
        for (int i = 995; i < 1000; i++) Assertions.assertEquals(1.0, l[i], 0.0);
        Arrays.fill(p, 1e-10);
        Assertions.assertEquals(0.0, EdgeLfdr.lfdr(p)[0], 0.0);
    }
}
