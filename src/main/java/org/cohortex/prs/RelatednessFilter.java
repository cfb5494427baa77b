package org.cohortex.prs;

import org.cohortex.linalg.Mat;

/**
 * plink 1.9's --rel-cutoff: removes samples until no pair's relationship exceeds the cutoff.
 * While some sample has exactly one close relative left, that relative goes (never suboptimal);
 * otherwise the first sample with the most close relatives goes (a greedy heuristic, as plink).
 */
public final class RelatednessFilter {
    private RelatednessFilter() {}

    /** Returns, per sample, whether it is removed. */
    public static boolean[] apply(Mat grm, double cutoff) {
        int n = grm.rows;
        boolean[][] close = new boolean[n][n];
        int[] count = new int[n];
        for (int j = 1; j < n; j++) {
            for (int k = 0; k < j; k++) {
                if (grm.get(j, k) > cutoff) {
                    close[j][k] = close[k][j] = true;
                    count[j]++;
                    count[k]++;
                }
            }
        }
        boolean[] removed = new boolean[n];
        while (true) {
            int pick = -1;
            int single = -1;
            for (int i = 0; i < n; i++) if (!removed[i] && count[i] == 1) { single = i; break; }
            if (single >= 0) {
                // the other side: plink looks at lower indices first, then higher
                for (int k = 0; k < n; k++) if (close[single][k]) { pick = k; break; }
            } else {
                int best = 0;
                for (int i = 0; i < n; i++) if (!removed[i] && count[i] > best) { best = count[i]; pick = i; }
                if (pick < 0) break;
            }
            removed[pick] = true;
            for (int k = 0; k < n; k++) {
                if (close[pick][k]) {
                    close[pick][k] = close[k][pick] = false;
                    count[k]--;
                }
            }
            count[pick] = 0;
        }
        return removed;
    }
}
