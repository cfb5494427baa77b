package libsvm;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * nu-SVR solved by LIBSVM's own SMO (its package-private Solver_NU, Fan et al. 2005), set up as
 * svm_train's solve_nu_svr does, with one change: the Q matrix. LIBSVM's SVR_Q gathers and
 * signs a cached kernel row into one of two buffers on every call (two calls per SMO iteration, ~60% of
 * deconvolution time on JDK 17); here the kernel is computed once per signature (it does not depend
 * on the mixture) and each row of the doubled problem is kept in the solver's order, so a call
 * returns it as it is. The values handed to the solver are the ones SVR_Q hands out, float for
 * float, so the solution is svm_train's bit for bit (DeconvolutionTest checks this).
 * <p>This class lives in package {@code libsvm} only because Solver_NU and QMatrix are
 * package-private there.
 */
public final class CohortexNuSvr {
    private CohortexNuSvr() {}

    /** Linear kernel of the rows of x (l x k) as LIBSVM evaluates it (double dot in feature order) and caches it (float). */
    public static float[] linearKernel(double[] x, int l, int k) {
        float[] kk = new float[l * l];
        for (int i = 0; i < l; i++) {
            for (int j = 0; j < l; j++) {
                double s = 0;
                for (int c = 0; c < k; c++) s += x[i * k + c] * x[j * k + c];
                kk[i * l + j] = (float) s;
            }
        }
        return kk;
    }

    /** K(i, i) in double, as SVR_Q's diagonal. */
    public static double[] diagonal(double[] x, int l, int k) {
        double[] d = new double[l];
        for (int i = 0; i < l; i++) { double s = 0; for (int c = 0; c < k; c++) s += x[i * k + c] * x[i * k + c]; d[i] = s; }
        return d;
    }

    /** alpha_i - alpha*_i for every training point, as svm_train's solve_nu_svr leaves them. */
    public static double[] solve(float[] kernel, double[] kdiag, int l, double[] y, double nu, double c, double eps, boolean shrinking) {
        double[] alpha2 = new double[2 * l], linear = new double[2 * l];
        byte[] sy = new byte[2 * l];
        double sum = c * nu * l / 2;
        for (int i = 0; i < l; i++) {
            alpha2[i] = alpha2[i + l] = Math.min(sum, c);
            sum -= alpha2[i];
            linear[i] = -y[i];
            sy[i] = 1;
            linear[i + l] = y[i];
            sy[i + l] = -1;
        }
        Solver.SolutionInfo si = new Solver.SolutionInfo();
        RowsQ q = new RowsQ(kernel, kdiag, l);
        new Solver_NU().Solve(2 * l, q, linear, sy, alpha2, c, c, eps, si, shrinking ? 1 : 0);
        q.release();
        double[] a = new double[l];
        for (int i = 0; i < l; i++) a[i] = alpha2[i] - alpha2[i + l];
        return a;
    }

    /** Rows of earlier solves on this thread, reused: a solve touches up to 2l rows of 2l floats (19 MB at 1,080 genes). */
    private static final ThreadLocal<ArrayDeque<float[]>> SPARE_ROWS = ThreadLocal.withInitial(ArrayDeque::new);

    /**
     * Q of the doubled SVR problem, Q_pq = s_p s_q K(idx_p, idx_q), one row per active position kept
     * in the solver's current order. The solver's swaps are logged; a row replays the swaps made since
     * it was last handed out (two entries each) instead of being gathered again.
     */
    static final class RowsQ extends QMatrix {
        private final int l, n;
        private final float[] k;
        private final byte[] sign;
        private final int[] index;
        private final double[] qd;
        private final float[][] rows;
        private final int[] filled, seen;
        private int[] log = new int[1024];
        private int logSize;

        RowsQ(float[] k, double[] kdiag, int l) {
            this.l = l;
            this.n = 2 * l;
            this.k = k;
            sign = new byte[n];
            index = new int[n];
            qd = new double[n];
            for (int i = 0; i < l; i++) {
                sign[i] = 1; sign[i + l] = -1;
                index[i] = i; index[i + l] = i;
                qd[i] = kdiag[i]; qd[i + l] = kdiag[i];
            }
            rows = new float[n][];
            filled = new int[n];
            seen = new int[n];
        }

        @Override
        float[] get_Q(int p, int len) {
            float[] r = rows[p];
            if (r == null) {
                float[] spare = SPARE_ROWS.get().poll();
                // a reused row is filled before it is read (filled[p] is 0), so its old values never show
                r = rows[p] = spare != null && spare.length == n ? spare : new float[n];
                seen[p] = logSize;
            }
            int f = filled[p];
            for (int e = seen[p]; e < logSize; e += 2) {
                int a = log[e], b = log[e + 1]; // a < b
                if (b < f) { float t = r[a]; r[a] = r[b]; r[b] = t; } else if (a < f) f = a;
            }
            seen[p] = logSize;
            if (f < len) {
                float s = sign[p];
                int base = index[p] * l;
                for (int j = f; j < len; j++) r[j] = s * sign[j] * k[base + index[j]];
                f = len;
            }
            filled[p] = f;
            return r;
        }

        /** Hands this solve's rows to the next solve on the thread. */
        void release() {
            ArrayDeque<float[]> spare = SPARE_ROWS.get();
            if (!spare.isEmpty() && spare.peek().length != n) spare.clear();
            for (float[] r : rows) if (r != null) spare.push(r);
        }

        @Override
        double[] get_QD() { return qd; }

        @Override
        void swap_index(int i, int j) {
            if (i == j) return;
            byte sb = sign[i]; sign[i] = sign[j]; sign[j] = sb;
            int ib = index[i]; index[i] = index[j]; index[j] = ib;
            double db = qd[i]; qd[i] = qd[j]; qd[j] = db;
            float[] rb = rows[i]; rows[i] = rows[j]; rows[j] = rb;
            int fb = filled[i]; filled[i] = filled[j]; filled[j] = fb;
            int eb = seen[i]; seen[i] = seen[j]; seen[j] = eb;
            if (logSize + 2 > log.length) log = Arrays.copyOf(log, log.length * 2);
            log[logSize++] = Math.min(i, j);
            log[logSize++] = Math.max(i, j);
        }
    }
}
