package org.cohortex.stats;

/** R's seq.int(from, to, length.out = n) for doubles: from + i * by, the last element exactly to. */
final class RSeq {
    private RSeq() {}

    static double[] lengthOut(double from, double to, int n) {
        double[] s = new double[n];
        if (n == 1) { s[0] = from; return s; }
        double by = (to - from) / (n - 1);
        for (int i = 0; i < n; i++) s[i] = from + i * by;
        s[n - 1] = to;
        return s;
    }
}
