package org.cohortex.deconv;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import libsvm.svm;
import libsvm.svm_model;
import libsvm.svm_node;
import libsvm.svm_parameter;
import libsvm.svm_print_interface;
import libsvm.svm_problem;

/**
 * CIBERSORT's core algorithm (Newman et al. 2015, CoreAlg): for one mixture y and signature X
 * (genes x cell types), both standardised, fit a linear nu-SVR for nu in {0.25, 0.5, 0.75} with
 * LIBSVM (cost 1 as e1071's default), take weights = coefs' SV, set negatives to 0 and normalise to
 * sum 1; keep the nu whose reconstruction has the lowest RMSE.
 * <p>LIBSVM's stopping tolerance is {@link #STOPPING_TOLERANCE} = 1e-5 rather than e1071's 1e-3: at
 * 1e-3 R's C LIBSVM and the Java port stop up to 2e-5 apart in proportions; at 1e-5 both are within
 * ~1e-6 of the optimum (and of each other); at 1e-7 some mixtures of large signatures run into
 * LIBSVM's 10-million-iteration cap and take minutes each.
 * <p>The algorithm is LIBSVM's: {@link #fit(Problem, double[])} runs {@link NuSvrSolver}, LIBSVM 3.35's Solver_NU
 * re-implemented around a kernel computed once per signature, whose alphas are svm_train's bit for bit; svm_train takes
 * ~5x its time on JDK 17 (`bench --workloads nusvr`).
 */
public final class NuSvr {
    static final double[] NUS = {0.25, 0.5, 0.75};
    static final double STOPPING_TOLERANCE = 1e-5;

    static {
        svm.svm_set_print_string_function(new svm_print_interface() {
            @Override
            public void print(String s) { /* LIBSVM's progress dots */ }
        });
    }

    private NuSvr() {}

    /** Result for one mixture. */
    public record Fit(double[] w, double rmse, double r, double nu) {}

    /**
     * The signature side of every fit: the standardised signature and its linear kernel, computed
     * once per signature (the kernel does not depend on the mixture).
     */
    public static final class Problem {
        final double[] x;
        final int genes, k;
        final double[] kernel;
        final double[] diagonal;
        /** Row buffers of finished solves, for the next ones (NuSvrSolver). */
        final Queue<double[]> spareRows = new ConcurrentLinkedQueue<>();

        /** x: genes x k row-major (standardised). */
        public Problem(double[] x, int genes, int k) {
            this.x = x;
            this.genes = genes;
            this.k = k;
            boolean fits = 16L * genes * genes <= MAX_Q_BYTES;
            kernel = fits ? linearKernel(x, genes, k) : null;
            diagonal = fits ? diagonal(x, genes, k) : null;
        }
    }

    /**
     * Above this size of the doubled problem's Q in floats (4 genes^2 floats, ~2,900 signature genes) a fit goes through
     * svm_train and LIBSVM's own row cache: NuSvrSolver holds the kernel (genes^2 doubles, half this) and, per concurrent
     * solve, the rows it has used as doubles (up to twice this).
     */
    static final long MAX_Q_BYTES = 128L << 20;

    /**
     * Linear kernel of the rows of x (l x k) as LIBSVM evaluates it (double dot in feature order) and caches it (rounded to
     * float), held as doubles.
     */
    static double[] linearKernel(double[] x, int l, int k) {
        double[] kk = new double[l * l];
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
    static double[] diagonal(double[] x, int l, int k) {
        double[] d = new double[l];
        for (int i = 0; i < l; i++) {
            double s = 0;
            for (int c = 0; c < k; c++) s += x[i * k + c] * x[i * k + c];
            d[i] = s;
        }
        return d;
    }

    /** y: genes (standardised). */
    public static Fit fit(Problem prob, double[] y) {
        if (prob.kernel == null) return fitWithSvmTrain(prob.x, prob.genes, prob.k, y);
        Fit best = null;
        for (double nu : NUS) {
            double[] alpha = NuSvrSolver.solve(prob.kernel, prob.diagonal, prob.genes, y, nu, 1, STOPPING_TOLERANCE, prob.spareRows);
            // w = sum over support vectors of coef * x, in svm_train's order (index order, non-zero coefs)
            double[] w = new double[prob.k];
            for (int g = 0; g < prob.genes; g++) {
                if (alpha[g] == 0) continue;
                for (int j = 0; j < prob.k; j++) w[j] += alpha[g] * prob.x[g * prob.k + j];
            }
            Fit f = score(w, prob.x, prob.genes, prob.k, y, nu);
            if (best == null || f.rmse < best.rmse) best = f;
        }
        return best;
    }

    /** The same fit through LIBSVM's public svm_train (the reference for {@link #fit(Problem, double[])}, and `bench`'s). */
    public static Fit fitWithSvmTrain(double[] x, int genes, int k, double[] y) {
        svm_problem prob = svmProblem(x, genes, k, y);
        Fit best = null;
        for (double nu : NUS) {
            svm_model m = svmTrain(prob, k, nu, 1, STOPPING_TOLERANCE);
            double[] w = new double[k];
            for (int s = 0; s < m.l; s++) {
                double c = m.sv_coef[0][s];
                for (svm_node nd : m.SV[s]) w[nd.index - 1] += c * nd.value;
            }
            Fit f = score(w, x, genes, k, y, nu);
            if (best == null || f.rmse < best.rmse) best = f;
        }
        return best;
    }

    /** The rows of x (genes x k) as LIBSVM's dense-as-sparse points, y their targets. */
    static svm_problem svmProblem(double[] x, int genes, int k, double[] y) {
        svm_problem prob = new svm_problem();
        prob.l = genes;
        prob.y = y.clone();
        prob.x = new svm_node[genes][k];
        for (int g = 0; g < genes; g++) {
            for (int j = 0; j < k; j++) {
                svm_node nd = new svm_node();
                nd.index = j + 1;
                nd.value = x[g * k + j];
                prob.x[g][j] = nd;
            }
        }
        return prob;
    }

    /** svm_train's linear nu-SVR (cost c, stopping tolerance eps, shrinking on, e1071's other defaults). */
    static svm_model svmTrain(svm_problem prob, int k, double nu, double c, double eps) {
        svm_parameter p = new svm_parameter();
        p.svm_type = svm_parameter.NU_SVR;
        p.kernel_type = svm_parameter.LINEAR;
        p.nu = nu;
        p.C = c;
        p.eps = eps;
        p.cache_size = 40;
        p.shrinking = 1;
        p.probability = 0;
        p.degree = 3;
        p.gamma = 1.0 / k;
        p.coef0 = 0;
        p.p = 0.1;
        p.nr_weight = 0;
        p.weight_label = new int[0];
        p.weight = new double[0];
        return svm.svm_train(prob, p);
    }

    /** Negatives to 0, normalise, and score the reconstruction sum_j w_j x_gj against y. */
    static Fit score(double[] raw, double[] x, int genes, int k, double[] y, double nu) {
        double[] w = new double[k];
        double s = 0;
        for (int j = 0; j < k; j++) { w[j] = Math.max(0, raw[j]); s += w[j]; }
        for (int j = 0; j < k; j++) w[j] = s > 0 ? w[j] / s : 0;
        double[] fit = new double[genes];
        for (int g = 0; g < genes; g++) for (int j = 0; j < k; j++) fit[g] += x[g * k + j] * w[j];
        double mse = 0;
        for (int g = 0; g < genes; g++) mse += (fit[g] - y[g]) * (fit[g] - y[g]);
        return new Fit(w, Math.sqrt(mse / genes), pearson(fit, y), nu);
    }

    static double pearson(double[] a, double[] b) {
        int n = a.length;
        double ma = 0, mb = 0;
        for (int i = 0; i < n; i++) { ma += a[i]; mb += b[i]; }
        ma /= n;
        mb /= n;
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < n; i++) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return sab / Math.sqrt(saa * sbb);
    }
}
