package org.cohortex.stats;

/**
 * Sort orders of double arrays without boxing: what {@code Arrays.sort(Integer[], comparingDouble)}
 * gives (stable, Double.compare's order: -0.0 before 0.0, NaN last), on primitive arrays. Each value
 * becomes a long whose signed order is Double.compare's, and (key, index) pairs go through a stable
 * merge sort (short inputs) or a stable radix sort (the rest): no objects (a boxed sort of a gene table's
 * 20,000 p-values allocated 20,000 Integers and compared through two lambdas each time).
 */
public final class Order {
    private Order() {}

    /** Inputs from this length on go through the radix sort. */
    static final int RADIX_FROM = 512;

    /** Indices {@code idx} (values of v) ordered by v ascending, ties in the order given; idx is left unchanged. */
    public static int[] ascending(double[] v, int[] idx) {
        return idx.length >= RADIX_FROM ? ascendingRadix(v, idx) : ascendingMerge(v, idx);
    }

    /** The stable bottom-up merge sort of (key, index) pairs: n log2 n comparisons. */
    static int[] ascendingMerge(double[] v, int[] idx) {
        int n = idx.length;
        long[] key = new long[n], keyTmp = new long[n];
        int[] at = idx.clone(), atTmp = new int[n];
        for (int i = 0; i < n; i++) key[i] = sortable(v[idx[i]]);
        for (int width = 1; width < n; width *= 2) {
            for (int lo = 0; lo < n; lo += 2 * width) {
                int mid = Math.min(lo + width, n), hi = Math.min(lo + 2 * width, n), a = lo, b = mid;
                for (int o = lo; o < hi; o++) {
                    if (a < mid && (b >= hi || key[a] <= key[b])) { keyTmp[o] = key[a]; atTmp[o] = at[a++]; } // <=: stable
                    else { keyTmp[o] = key[b]; atTmp[o] = at[b++]; }
                }
            }
            long[] k = key; key = keyTmp; keyTmp = k;
            int[] t = at; at = atTmp; atTmp = t;
        }
        return at;
    }

    private static final int DIGIT = 11, BUCKETS = 1 << DIGIT, DIGITS = (64 + DIGIT - 1) / DIGIT;

    /**
     * The same order by a least-significant-digit radix sort of the keys (sign bit flipped, so that unsigned order is
     * the keys' signed order): six stable counting passes of 11 bits, all histograms from one pass over the keys, and
     * a digit that every key shares skipped (p-values in (0, 1) share their top bits). ~6 n element moves against the
     * merge sort's n log2 n (15 n at 20,000 genes): sva's edge.lfdr orders 20,000 p-values ten times per irw-sva.
     */
    static int[] ascendingRadix(double[] v, int[] idx) {
        int n = idx.length;
        long[] key = new long[n], keyTmp = new long[n];
        int[] at = idx.clone(), atTmp = new int[n];
        int[][] count = new int[DIGITS][BUCKETS];
        for (int i = 0; i < n; i++) {
            long k = sortable(v[idx[i]]) ^ Long.MIN_VALUE;
            key[i] = k;
            for (int d = 0; d < DIGITS; d++) count[d][(int) (k >>> (d * DIGIT)) & (BUCKETS - 1)]++;
        }
        for (int d = 0; d < DIGITS; d++) {
            int[] c = count[d];
            int shift = d * DIGIT;
            if (n == 0 || c[(int) (key[0] >>> shift) & (BUCKETS - 1)] == n) continue; // one digit for all: order unchanged
            for (int b = 0, sum = 0; b < BUCKETS; b++) { int t = c[b]; c[b] = sum; sum += t; } // start of each bucket
            for (int i = 0; i < n; i++) {
                long k = key[i];
                int o = c[(int) (k >>> shift) & (BUCKETS - 1)]++;
                keyTmp[o] = k;
                atTmp[o] = at[i];
            }
            long[] k = key; key = keyTmp; keyTmp = k;
            int[] t = at; at = atTmp; atTmp = t;
        }
        return at;
    }

    /** All indices of v, ordered by v ascending (ties by index). */
    public static int[] ascending(double[] v) {
        int[] idx = new int[v.length];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        return ascending(v, idx);
    }

    /** A long whose signed order is Double.compare's order of the doubles (NaN canonicalised, so after +Infinity). */
    static long sortable(double d) {
        long bits = Double.doubleToLongBits(d);
        return bits ^ ((bits >> 63) & Long.MAX_VALUE);
    }

    /**
     * The k-th smallest (0-based) of a[0..n), rearranging a: quickselect, each round two branch-free Lomuto passes
     * (below the pivot to the front, then equal to it: counts are full of ties), which do not mispredict on random
     * data: ~2.5x a three-way partition's speed (TMM's rank windows take four selections per sample). Expected O(n)
     * against a sort's O(n log n). Values that compare equal (0.0 and -0.0) share a partition, so either may come back.
     */
    public static double select(double[] a, int n, int k) {
        if (k < 0 || k >= n) throw new IllegalArgumentException("rank " + k + " of " + n);
        int lo = 0, hi = n - 1;
        while (lo < hi) {
            double x = a[lo], y = a[(lo + hi) >>> 1], z = a[hi];
            double p = Math.max(Math.min(x, y), Math.min(Math.max(x, y), z)); // median of three
            int lt = lo;
            for (int i = lo; i <= hi; i++) { // always swap, advance when below: [lo, lt) < p, [lt, i] >= p
                double v = a[i];
                a[i] = a[lt];
                a[lt] = v;
                lt += v < p ? 1 : 0;
            }
            if (k < lt) {
                hi = lt - 1;
                continue;
            }
            int eq = lt;
            for (int i = lt; i <= hi; i++) { // the same for the values equal to p: [lt, eq) == p
                double v = a[i];
                a[i] = a[eq];
                a[eq] = v;
                eq += v <= p ? 1 : 0;
            }
            if (eq == lt) return selectThreeWay(a, lo, hi, k); // p is NaN: nothing equals it
            if (k < eq) return p;
            lo = eq;
        }
        return a[lo];
    }

    /** The three-way partition quickselect on a[lo..hi], where NaN (compared as equal to everything) may be. */
    private static double selectThreeWay(double[] a, int lo, int hi, int k) {
        while (lo < hi) {
            double x = a[lo], y = a[(lo + hi) >>> 1], z = a[hi];
            double p = Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
            int lt = lo, i = lo, gt = hi;
            while (i <= gt) {
                double v = a[i];
                if (v < p) { a[i] = a[lt]; a[lt++] = v; i++; }
                else if (v > p) { a[i] = a[gt]; a[gt--] = v; }
                else i++;
            }
            if (k < lt) hi = lt - 1;
            else if (k > gt) lo = gt + 1;
            else return p;
        }
        return a[lo];
    }
}
