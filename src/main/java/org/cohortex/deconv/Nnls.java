package org.cohortex.deconv;

import java.util.Arrays;
import java.util.stream.IntStream;

import org.cohortex.linalg.Mat;
import org.cohortex.linalg.QrDecomposition;

/**
 * Non-negative least squares, min ||A x - b|| subject to x >= 0, by the active-set algorithm of
 * Lawson & Hanson (1974, ch. 23). A is m x n row-major with n small (cell types).
 */
public final class Nnls {
    private Nnls() {}

    /** {@link #solve} for every mixture b_j (rows of {@code b}, samples x m) against one S (m x k), in parallel: samples x k. */
    public static double[] solveAll(double[] s, int m, int k, double[] b, int samples) {
        double[] out = new double[samples * k];
        IntStream.range(0, samples).parallel().forEach(j -> {
            double[] x = solve(s, m, k, Arrays.copyOfRange(b, j * m, (j + 1) * m));
            System.arraycopy(x, 0, out, j * k, k);
        });
        return out;
    }

    public static double[] solve(double[] a, int m, int n, double[] b) {
        double[] x = new double[n];
        boolean[] passive = new boolean[n];
        double[] w = new double[n];
        double tol = 10 * Math.ulp(1.0) * norm1(a) * Math.max(m, n);
        for (int outer = 0; outer < 3 * n + 10; outer++) {
            gradient(a, m, n, b, x, w);
            int t = -1;
            double best = tol;
            for (int j = 0; j < n; j++) if (!passive[j] && w[j] > best) { best = w[j]; t = j; }
            if (t < 0) break;
            passive[t] = true;
            while (true) {
                double[] z = leastSquaresOnPassive(a, m, n, b, passive);
                boolean feasible = true;
                for (int j = 0; j < n; j++) if (passive[j] && z[j] <= 0) { feasible = false; break; }
                if (feasible) { x = z; break; }
                double alpha = Double.POSITIVE_INFINITY;
                for (int j = 0; j < n; j++) {
                    if (passive[j] && z[j] <= 0) alpha = Math.min(alpha, x[j] / (x[j] - z[j]));
                }
                for (int j = 0; j < n; j++) x[j] += alpha * (z[j] - x[j]);
                for (int j = 0; j < n; j++) if (passive[j] && x[j] <= tol) { passive[j] = false; x[j] = 0; }
            }
        }
        return x;
    }

    private static void gradient(double[] a, int m, int n, double[] b, double[] x, double[] w) {
        Arrays.fill(w, 0);
        for (int i = 0; i < m; i++) {
            double r = b[i];
            for (int j = 0; j < n; j++) r -= a[i * n + j] * x[j];
            for (int j = 0; j < n; j++) w[j] += a[i * n + j] * r;
        }
    }

    /** Unconstrained least squares on the passive columns (others 0), by QR. */
    private static double[] leastSquaresOnPassive(double[] a, int m, int n, double[] b, boolean[] passive) {
        int k = 0;
        for (boolean p : passive) if (p) k++;
        int[] cols = new int[k];
        for (int j = 0, c = 0; j < n; j++) if (passive[j]) cols[c++] = j;
        Mat sub = new Mat(m, k);
        for (int i = 0; i < m; i++) for (int c = 0; c < k; c++) sub.data[i * k + c] = a[i * n + cols[c]];
        QrDecomposition qr = new QrDecomposition(sub);
        Mat q = qr.q(), rinv = qr.rInverse();
        double[] qtb = new double[k];
        for (int i = 0; i < m; i++) for (int c = 0; c < k; c++) qtb[c] += q.data[i * k + c] * b[i];
        double[] z = new double[n];
        for (int c = 0; c < k; c++) {
            double v = 0;
            for (int d = c; d < k; d++) v += rinv.data[c * k + d] * qtb[d];
            z[cols[c]] = v;
        }
        return z;
    }

    private static double norm1(double[] a) {
        double s = 0;
        for (double v : a) s = Math.max(s, Math.abs(v));
        return s;
    }
}
