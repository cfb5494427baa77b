package org.cohortex.deconv;

import java.util.Arrays;
import java.util.Queue;

import org.cohortex.Log;

/**
 * The dual of nu-SVR solved by LIBSVM's algorithm (svm.java 3.35: Solver_NU as svm_train's solve_nu_svr sets it up,
 * SMO with Fan, Chen and Lin's (2005) second-order working-set selection, shrinking every min(n, 1000) iterations,
 * the inactive gradient rebuilt from G_bar), for the one problem deconvolution solves: the doubled problem of
 * n = 2l variables, position p standing for gene g_p with sign s_p, Q_pq = s_p s_q K(g_p, g_q), K an l x l kernel
 * computed once per signature, its values rounded to float as LIBSVM's cache holds them and kept as doubles (the same
 * values; loops over doubles are the ones JDK 17 vectorises).
 * <p>Every floating-point operation that decides an iterate is LIBSVM's, with LIBSVM's operands in LIBSVM's order, so
 * the alphas are svm_train's bit for bit (NuSvrSolverTest checks this against svm_train, ties included). Only the
 * bookkeeping differs, and that is where LIBSVM's Java spends its time on these problems: 60,000-70,000 iterations
 * per fit at 1,080 genes, over an active set of ~170 of 2,160 variables on average.
 * <ul>
 * <li>The rows of Q the gradient update reads are cached in position order as doubles (the floats SVR_Q hands out,
 * widened exactly), so G += Q_i da_i + Q_j da_j is a loop the JIT vectorises on JDK 17; a row is gathered again
 * from K after shrinking reorders the positions. The selection reads K's row of the candidate i directly, at
 * its I_low positions only, so the candidate of the class not taken costs no row.</li>
 * <li>The active positions that may be the working set's i (I_up) or j (I_low) are kept in four ascending lists,
 * one per set and class, updated when an alpha's bound status changes; each selection pass visits only its set
 * (about 60% and 40% of the active positions), in LIBSVM's order, with no branch on sign or status.</li>
 * <li>Pass 2 divides only where the division can change the choice: obj = -grad_diff^2 / quad beats the best so
 * far, B = -objMin > 0, only if grad_diff^2 >= B quad (1 - 2^-53) (the quotient is rounded once); a position with
 * max(grad_diff, 0)^2 < B (1 - 1e-9) quad is passed over, which keeps every position the exact test could take
 * (quad <= 0 always passes; so does every position before the first candidate, B = 0). About 2% of the positions
 * reach LIBSVM's division and comparison.</li>
 * <li>Both variables of a working set have one sign (Solver_NU picks them from one class), so
 * Q_i[j] = K(g_i, g_j) and the class branches of Solver.Solve's update reduce to one.</li>
 * </ul>
 * Work per iteration: the gradient update over the active set, pass 1 over I_up, pass 2 over I_low.
 */
final class NuSvrSolver {
    private static final double INF = Double.POSITIVE_INFINITY;
    private static final byte LOWER = 0, UPPER = 1, FREE = 2;
    /** Flag bits: may be i (in I_up) of the plus class, of the minus class; may be j (in I_low) of the plus, minus class. */
    private static final int UP_PLUS = 1, UP_MINUS = 2, LOW_PLUS = 4, LOW_MINUS = 8;
    /** The flag bits' numbers, which index the member lists. */
    private static final int UP_PLUS_BIT = 0, UP_MINUS_BIT = 1, LOW_PLUS_BIT = 2, LOW_MINUS_BIT = 3;

    private final int n, l;
    private final double[] k;
    private final double c, eps;
    /** Per position, in the solver's current order (shrinking swaps positions). */
    private final int[] gene, activeSet;
    private final double[] sign, alpha, g, gBar, p, qd;
    private final byte[] status, flags;
    /** Cached rows of Q in position order: rows[p][q] = s_p s_q K(g_p, g_q) for q < filled[p], valid while stamp[p] == epoch. */
    private final double[][] rows;
    private final int[] filled, stamp;
    private int epoch = 1;
    /** Rows of earlier solves on the same signature, and where this solve's rows go when it ends. */
    private final Queue<double[]> spareRows;
    private int activeSize;
    /**
     * The active positions in I_up of the plus class, in I_up of the minus class, in I_low of the plus, of the minus class
     * (the flag bits' order), each ascending, so that a pass visits only the positions that can qualify, in LIBSVM's order.
     */
    private final int[][] members = new int[4][];
    private final int[] memberCount = new int[4];
    private boolean listed;
    /** Pass 1 of the selection, left by the last step's gradient update. */
    private double gmaxp, gmaxn;
    private int ip, in;
    /** Pass 2's results for one class. */
    private double gmax2, objMin;
    private int jmin;
    private boolean unshrink;

    private NuSvrSolver(double[] kernel, double[] kdiag, int l, double[] y, double nu, double c, double eps, Queue<double[]> spareRows) {
        this.spareRows = spareRows;
        this.l = l;
        this.n = 2 * l;
        this.k = kernel;
        this.c = c;
        this.eps = eps;
        gene = new int[n];
        activeSet = new int[n];
        sign = new double[n];
        alpha = new double[n];
        g = new double[n];
        gBar = new double[n];
        p = new double[n];
        qd = new double[n];
        status = new byte[n];
        flags = new byte[n];
        rows = new double[n][];
        filled = new int[n];
        stamp = new int[n];
        for (int b = 0; b < 4; b++) members[b] = new int[n];
        // solve_nu_svr's start: C nu l / 2 spread as C, C, ..., the remainder, 0, ... over both halves
        double sum = c * nu * l / 2;
        for (int i = 0; i < l; i++) {
            alpha[i] = alpha[i + l] = Math.min(sum, c);
            sum -= alpha[i];
            p[i] = -y[i];
            p[i + l] = y[i];
            sign[i] = 1;
            sign[i + l] = -1;
            gene[i] = gene[i + l] = i;
            qd[i] = qd[i + l] = kdiag[i];
        }
        for (int i = 0; i < n; i++) {
            activeSet[i] = i;
            updateStatus(i);
        }
        activeSize = n;
        list();
    }

    /**
     * alpha_i - alpha*_i of every gene, as svm_train's solve_nu_svr leaves them (eps its stopping tolerance, shrinking on).
     * kernel: l x l row-major, K(g, h) as LIBSVM's dot evaluates it, rounded to float as its cache holds it (stored as
     * doubles); kdiag: K(g, g)
     * in double. spareRows: a pool shared by the solves of one signature (concurrent ones too), so that a solve reuses the
     * row buffers of earlier ones: a solve at 1,080 genes touches ~930 rows of 2,160 doubles.
     */
    static double[] solve(double[] kernel, double[] kdiag, int l, double[] y, double nu, double c, double eps, Queue<double[]> spareRows) {
        NuSvrSolver s = new NuSvrSolver(kernel, kdiag, l, y, nu, c, eps, spareRows);
        s.run();
        for (double[] r : s.rows) if (r != null) spareRows.offer(r);
        return s.coefficients();
    }

    /** alpha_i - alpha*_i in the genes' order (svm_train puts the solution back in the problem's order). */
    private double[] coefficients() {
        double[] ordered = new double[n];
        for (int i = 0; i < n; i++) ordered[activeSet[i]] = alpha[i];
        double[] a = new double[l];
        for (int i = 0; i < l; i++) a[i] = ordered[i] - ordered[i + l];
        return a;
    }

    private void updateStatus(int i) {
        byte st = alpha[i] >= c ? UPPER : alpha[i] <= 0 ? LOWER : FREE;
        status[i] = st;
        boolean positive = sign[i] > 0;
        // I_up: y = +1 and alpha < C, or y = -1 and alpha > 0; I_low: y = +1 and alpha > 0, or y = -1 and alpha < C
        int f = 0;
        if (positive ? st != UPPER : st != LOWER) f |= positive ? UP_PLUS : UP_MINUS;
        if (positive ? st != LOWER : st != UPPER) f |= positive ? LOW_PLUS : LOW_MINUS;
        int old = flags[i];
        flags[i] = (byte) f;
        if (listed && old != f) {
            for (int b = 0; b < 4; b++) {
                int bit = 1 << b;
                if ((old & bit) != 0 && (f & bit) == 0) leave(b, i);
                else if ((old & bit) == 0 && (f & bit) != 0) join(b, i);
            }
        }
    }

    /** Rebuilds the member lists from the flags of the active positions (after the active set changed). */
    private void list() {
        Arrays.fill(memberCount, 0);
        for (int t = 0; t < activeSize; t++) {
            int f = flags[t];
            for (int b = 0; b < 4; b++) if ((f & (1 << b)) != 0) members[b][memberCount[b]++] = t;
        }
        listed = true;
    }

    private void join(int b, int pos) {
        int[] m = members[b];
        int at = Arrays.binarySearch(m, 0, memberCount[b], pos);
        at = -at - 1;
        System.arraycopy(m, at, m, at + 1, memberCount[b] - at);
        m[at] = pos;
        memberCount[b]++;
    }

    private void leave(int b, int pos) {
        int[] m = members[b];
        int at = Arrays.binarySearch(m, 0, memberCount[b], pos);
        System.arraycopy(m, at + 1, m, at, memberCount[b] - at - 1);
        memberCount[b]--;
    }

    private int base(int pos) { return gene[pos] * l; }

    /** Q's row of position p over the first len positions, as LIBSVM's SVR_Q hands it out (float, sign applied). */
    private double[] row(int p, int len) {
        double[] r = rows[p];
        if (r == null) {
            r = spareRows.poll();
            // a spare row is filled before it is read (filled[p] is 0), so its old values never show
            if (r == null || r.length != n) r = new double[n];
            rows[p] = r;
        }
        if (stamp[p] != epoch) {
            stamp[p] = epoch;
            filled[p] = 0;
        }
        int f = filled[p];
        if (f < len) {
            // s_p s_q K exactly as SVR_Q's float product, widened: a sign flip is exact in either precision
            double sp = sign[p];
            int b = base(p);
            for (int q = f; q < len; q++) r[q] = sp * sign[q] * k[b + gene[q]];
            filled[p] = len;
        }
        return r;
    }

    private void run() {
        initialGradient();
        long maxIter = Math.max(10_000_000L, n > Integer.MAX_VALUE / 100 ? Integer.MAX_VALUE : 100L * n);
        int counter = Math.min(n, 1000) + 1;
        int[] ws = new int[2];
        long iter = 0;
        boolean scanned = false;
        while (iter < maxIter) {
            if (--counter == 0) {
                counter = Math.min(n, 1000);
                shrink();
                scanned = false;
            }
            if (select(ws, scanned)) {
                reconstructGradient();
                activeSize = n;
                list();
                if (select(ws, false)) break;
                counter = 1;
            }
            iter++;
            step(ws[0], ws[1]);
            scanned = true;
        }
        if (iter >= maxIter) Log.warn("nu-SVR: stopped at LIBSVM's limit of %d iterations before reaching tolerance %g", maxIter, eps);
    }

    /**
     * G = p + Q alpha, G_bar = sum over upper-bounded alphas of C Q_i, both over all n positions, summed over i in
     * ascending order as Solver.Solve does. Positions are still in their first order (gene j at j and j + l, signs +1
     * and -1), so Q_i's entries are +-K's row of g_i read in order: alpha_i Q_ij = s_j (K_ij (s_i alpha_i)), exactly.
     */
    private void initialGradient() {
        System.arraycopy(p, 0, g, 0, n);
        for (int i = 0; i < n; i++) {
            if (status[i] == LOWER) continue;
            addRow(g, base(i), sign[i] * alpha[i]);
            if (status[i] == UPPER) addRow(gBar, base(i), sign[i] * c);
        }
    }

    /** v_j += s_j (K(g_i, g_j) a) over all n positions in their first order; bi is K's row of g_i. */
    private void addRow(double[] v, int bi, double a) {
        for (int j = 0; j < l; j++) v[j] += k[bi + j] * a;
        for (int j = 0; j < l; j++) v[l + j] += -(k[bi + j] * a);
    }

    /**
     * Solver_NU.select_working_set: i the most violating position of each class in I_up (ties: the last), j the one of
     * I_low with the largest second-order decrease (ties: the last), i the i of j's class. True when optimal within eps.
     */
    private boolean select(int[] ws, boolean scanned) {
        if (!scanned) scanUp();
        double gmaxp = this.gmaxp, gmaxn = this.gmaxn;
        int ip = this.ip, in = this.in;
        // one class at a time (a working set is of one class); a class with no i has no j, and its gmax2 adds to -inf
        double gmaxp2 = -INF, gmaxn2 = -INF, objP = INF, objN = INF;
        int jp = -1, jn = -1;
        if (ip >= 0) {
            lowPass(LOW_PLUS_BIT, 1, gmaxp, qd[ip], base(ip));
            gmaxp2 = gmax2;
            objP = objMin;
            jp = jmin;
        }
        if (in >= 0) {
            lowPass(LOW_MINUS_BIT, -1, gmaxn, qd[in], base(in));
            gmaxn2 = gmax2;
            objN = objMin;
            jn = jmin;
        }
        // LIBSVM's one pass keeps the last position of the smallest obj
        int j = objN < objP || objN == objP && jn > jp ? jn : jp;
        if (Math.max(gmaxp + gmaxp2, gmaxn + gmaxn2) < eps || j == -1) return true;
        ws[0] = sign[j] > 0 ? ip : in;
        ws[1] = j;
        return false;
    }

    /**
     * Pass 2 over one class's I_low (ascending), s its sign: gmax2 = max of s G_j; of the positions with
     * grad_diff = gmax + s G_j > 0 (gmaxn + (-G_j) is LIBSVM's gmaxn - G_j exactly), the smallest
     * obj = -grad_diff^2 / quad (ties: the last), quad = QD_i + QD_j - 2 Q_ij with Q_ij = K(g_i, g_j) (same class);
     * bi is K's row of i. Positions failing max(grad_diff, 0)^2 >= bound quad cannot win (class comment); those with
     * grad_diff <= 0, which pass it while bound is 0, are then dropped as LIBSVM drops them.
     */
    private void lowPass(int bit, double s, double gmax, double qdi, int bi) {
        int[] m = members[bit];
        double m2 = -INF, best = INF, bound = 0;
        int at = -1;
        for (int e = 0, count = memberCount[bit]; e < count; e++) {
            int j = m[e];
            double v = s * g[j];
            if (v >= m2) m2 = v;
            double gradDiff = gmax + v, quad = qdi + qd[j] - 2 * k[bi + gene[j]], up = Math.max(gradDiff, 0), d2 = up * up;
            if (d2 >= bound * quad) {
                if (!(gradDiff > 0)) continue;
                // LIBSVM's own test from here: d2 is grad_diff^2 when grad_diff > 0
                double obj = quad > 0 ? -d2 / quad : -d2 / 1e-12;
                if (obj <= best) {
                    best = obj;
                    at = j;
                    bound = -obj * (1 - 1e-9);
                }
            }
        }
        gmax2 = m2;
        objMin = best;
        jmin = at;
    }

    /** Pass 1 of the selection: the most violating position of each class in I_up (ties: the last). */
    private void scanUp() {
        double gp = -INF, gn = -INF;
        int bp = -1, bn = -1;
        int[] m = members[UP_PLUS_BIT];
        for (int e = 0, count = memberCount[UP_PLUS_BIT]; e < count; e++) {
            int t = m[e];
            if (-g[t] >= gp) { gp = -g[t]; bp = t; }
        }
        m = members[UP_MINUS_BIT];
        for (int e = 0, count = memberCount[UP_MINUS_BIT]; e < count; e++) {
            int t = m[e];
            if (g[t] >= gn) { gn = g[t]; bn = t; }
        }
        gmaxp = gp; gmaxn = gn; ip = bp; in = bn;
    }

    /** One SMO step on (i, j) of the same class (Solver.Solve's y_i == y_j branch), then G and G_bar. */
    private void step(int i, int j) {
        int bi = base(i), bj = base(j);
        double s = sign[i];
        double quad = qd[i] + qd[j] - 2 * k[bi + gene[j]];
        if (quad <= 0) quad = 1e-12;
        double oldI = alpha[i], oldJ = alpha[j];
        double delta = (g[i] - g[j]) / quad;
        double sum = alpha[i] + alpha[j];
        alpha[i] -= delta;
        alpha[j] += delta;
        if (sum > c) {
            if (alpha[i] > c) { alpha[i] = c; alpha[j] = sum - c; }
        } else if (alpha[j] < 0) {
            alpha[j] = 0;
            alpha[i] = sum;
        }
        if (sum > c) {
            if (alpha[j] > c) { alpha[j] = c; alpha[i] = sum - c; }
        } else if (alpha[i] < 0) {
            alpha[i] = 0;
            alpha[j] = sum;
        }
        boolean ui = status[i] == UPPER, uj = status[j] == UPPER;
        updateStatus(i);
        updateStatus(j);
        if (ui != (status[i] == UPPER)) addToGBar(bi, s * (ui ? -c : c));
        if (uj != (status[j] == UPPER)) addToGBar(bj, s * (uj ? -c : c));
        double di = alpha[i] - oldI, dj = alpha[j] - oldJ;
        double[] qi = row(i, activeSize), qj = row(j, activeSize);
        for (int t = 0; t < activeSize; t++) g[t] += qi[t] * di + qj[t] * dj;
        // pass 1 of the next selection, unless shrinking comes first (the statuses are the new ones, as in LIBSVM)
        scanUp();
    }

    /** G_bar_k +-= C Q_ik over all n positions: G_bar_k + s_k (K_ik (s_i (+-C))); a - b is a + (-b), exactly. */
    private void addToGBar(int bi, double sc) {
        for (int t = 0; t < n; t++) gBar[t] += sign[t] * (k[bi + gene[t]] * sc);
    }

    /** Solver.reconstruct_gradient: inactive G from G_bar, p and the free alphas, in ascending active order. */
    private void reconstructGradient() {
        if (activeSize == n) return;
        for (int t = activeSize; t < n; t++) g[t] = gBar[t] + p[t];
        for (int f = 0; f < activeSize; f++) {
            if (status[f] != FREE) continue;
            int bf = base(f);
            double a = sign[f] * alpha[f];
            for (int t = activeSize; t < n; t++) g[t] += sign[t] * (k[bf + gene[t]] * a);
        }
    }

    /** Solver_NU.do_shrinking, with be_shrunk. */
    private void shrink() {
        double gmax1 = -INF, gmax2 = -INF, gmax3 = -INF, gmax4 = -INF;
        for (int i = 0; i < activeSize; i++) {
            double gi = g[i];
            boolean positive = sign[i] > 0;
            if (status[i] != UPPER) {
                if (positive) { if (-gi > gmax1) gmax1 = -gi; } else if (-gi > gmax4) gmax4 = -gi;
            }
            if (status[i] != LOWER) {
                if (positive) { if (gi > gmax2) gmax2 = gi; } else if (gi > gmax3) gmax3 = gi;
            }
        }
        if (!unshrink && Math.max(gmax1 + gmax2, gmax3 + gmax4) <= eps * 10) {
            unshrink = true;
            reconstructGradient();
            activeSize = n;
        }
        for (int i = 0; i < activeSize; i++) {
            if (!shrunk(i, gmax1, gmax2, gmax3, gmax4)) continue;
            activeSize--;
            while (activeSize > i) {
                if (!shrunk(activeSize, gmax1, gmax2, gmax3, gmax4)) {
                    swap(i, activeSize);
                    break;
                }
                activeSize--;
            }
        }
        list();
    }

    private boolean shrunk(int i, double gmax1, double gmax2, double gmax3, double gmax4) {
        boolean positive = sign[i] > 0;
        if (status[i] == UPPER) return positive ? -g[i] > gmax1 : -g[i] > gmax4;
        if (status[i] == LOWER) return positive ? g[i] > gmax2 : g[i] > gmax3;
        return false;
    }

    private void swap(int i, int j) {
        epoch++;
        double[] tr = rows[i]; rows[i] = rows[j]; rows[j] = tr;
        int tf = filled[i]; filled[i] = filled[j]; filled[j] = tf;
        tf = stamp[i]; stamp[i] = stamp[j]; stamp[j] = tf;
        int ti = gene[i]; gene[i] = gene[j]; gene[j] = ti;
        ti = activeSet[i]; activeSet[i] = activeSet[j]; activeSet[j] = ti;
        double td = sign[i]; sign[i] = sign[j]; sign[j] = td;
        td = alpha[i]; alpha[i] = alpha[j]; alpha[j] = td;
        td = g[i]; g[i] = g[j]; g[j] = td;
        td = gBar[i]; gBar[i] = gBar[j]; gBar[j] = td;
        td = p[i]; p[i] = p[j]; p[j] = td;
        td = qd[i]; qd[i] = qd[j]; qd[j] = td;
        byte tb = status[i]; status[i] = status[j]; status[j] = tb;
        tb = flags[i]; flags[i] = flags[j]; flags[j] = tb;
    }
}
