package org.cohortex.stats;

import java.util.Arrays;

/**
 * Gaussian kernel density estimate on a regular grid, as R's density.default(x, adjust) with the
 * default bw.nrd0 bandwidth, n = 512 and cut = 3: linear binning of the data onto 2n points over
 * [lo, up] (BinDist), circular convolution with the kernel evaluated on R's grid of spacing
 * 2(up-lo)/(2n-1) (evaluated directly here rather than by FFT: same values to rounding), negative
 * values set to 0, then linear interpolation onto n points over [from, to].
 */
public final class KernelDensity {
    public final double[] x;
    public final double[] y;
    public final double bandwidth;

    private KernelDensity(double[] x, double[] y, double bw) {
        this.x = x;
        this.y = y;
        this.bandwidth = bw;
    }

    public static KernelDensity estimate(double[] data, double adjust) {
        double[] s = data.clone();
        Arrays.sort(s);
        return estimate(data, s, adjust);
    }

    /**
     * As {@link #estimate(double[], double)} with the data's sorted copy given ({@code Arrays.sort}'s order; the caller
     * may have it already): the bandwidth and range come from the sorted values, the binning from the data in their
     * own order, as R bins them.
     */
    public static KernelDensity estimate(double[] data, double[] s, double adjust) {
        final int n = 512;
        int m = s.length;
        if (m != data.length) throw new IllegalArgumentException("sorted copy of " + m + " values for " + data.length);
        double bw = adjust * bwNrd0(s);
        double from = s[0] - 3 * bw, to = s[m - 1] + 3 * bw;
        double lo = from - 4 * bw, up = to + 4 * bw;
        // linear binning (R's BinDist), weights 1/m
        double[] bins = new double[2 * n];
        double delta = (up - lo) / (n - 1), w = 1.0 / m;
        for (double v : data) {
            double pos = (v - lo) / delta;
            int ix = (int) Math.floor(pos);
            double fx = pos - ix;
            if (ix >= 0 && ix <= n - 2) {
                bins[ix] += w * (1 - fx);
                bins[ix + 1] += w * fx;
            } else if (ix == -1) {
                bins[0] += w * fx;
            } else if (ix == n - 1) {
                bins[ix] += w * (1 - fx);
            }
        }
        // kernel on R's grid: kords[k] = k * by for k <= n, mirrored above
        double by = 2 * (up - lo) / (2 * n - 1);
        double[] kern = new double[2 * n];
        for (int k = 0; k <= n; k++) kern[k] = gauss(k * by, bw);
        for (int k = n + 1; k < 2 * n; k++) kern[k] = kern[2 * n - k];
        double[] dens = new double[n];
        for (int k = 0; k < n; k++) { // j ascending, kern[(j - k) mod 2n]: below k the index wraps
            double acc = 0;
            for (int j = 0; j < k; j++) if (bins[j] != 0) acc += bins[j] * kern[j - k + 2 * n];
            for (int j = k; j < 2 * n; j++) if (bins[j] != 0) acc += bins[j] * kern[j - k];
            dens[k] = Math.max(0, acc);
        }
        double[] xords = RSeq.lengthOut(lo, up, n);
        double[] gx = RSeq.lengthOut(from, to, n);
        double[] gy = new double[n];
        for (int i = 0; i < n; i++) gy[i] = interpolate(xords, dens, gx[i]);
        return new KernelDensity(gx, gy, bw);
    }

    private static double gauss(double d, double sd) {
        double z = d / sd;
        return Math.exp(-0.5 * z * z) / (sd * Math.sqrt(2 * Math.PI));
    }

    /** R's approx(method = "linear") at one point inside the grid. */
    static double interpolate(double[] xs, double[] ys, double v) {
        int i = 0, j = xs.length - 1;
        if (v <= xs[0]) return ys[0];
        if (v >= xs[j]) return ys[j];
        while (i < j - 1) {
            int mid = (i + j) >>> 1;
            if (v < xs[mid]) j = mid; else i = mid;
        }
        if (v == xs[j]) return ys[j];
        if (v == xs[i]) return ys[i];
        return ys[i] + (ys[j] - ys[i]) * ((v - xs[i]) / (xs[j] - xs[i]));
    }

    /** bw.nrd0: 0.9 min(sd, IQR/1.34) n^-1/5 (Silverman's rule of thumb), on sorted data. */
    static double bwNrd0(double[] sorted) {
        int n = sorted.length;
        // R's mean: the sum / n, then one correction pass (summary.c), so that identical values
        // have exactly their value as mean and sd exactly 0: then bw.nrd0 falls back to |x[1]|, as
        // R does, instead of a 1e-14 bandwidth from rounding (all p-values below sva's 1e-8 clamp)
        double mean = 0;
        for (double v : sorted) mean += v;
        mean /= n;
        double corr = 0;
        for (double v : sorted) corr += v - mean;
        mean += corr / n;
        double ss = 0;
        for (double v : sorted) ss += (v - mean) * (v - mean);
        double hi = Math.sqrt(ss / (n - 1));
        double iqr = quantile7(sorted, 0.75) - quantile7(sorted, 0.25);
        double lo = Math.min(hi, iqr / 1.34);
        if (!(lo > 0)) {
            lo = hi;
            if (!(lo > 0)) lo = Math.abs(sorted[0]);
            if (!(lo > 0)) lo = 1;
        }
        return 0.9 * lo * Math.pow(n, -0.2);
    }

    /** R's quantile(type = 7) on sorted data: (1-h) x[lo] + h x[hi]. */
    static double quantile7(double[] s, double prob) {
        double index = (s.length - 1) * prob; // 0-based
        int lo = (int) Math.floor(index), hi = (int) Math.ceil(index);
        double h = index - lo;
        if (hi == lo || s[hi] == s[lo]) return s[lo];
        return (1 - h) * s[lo] + h * s[hi];
    }
}
