package org.cohortex.linalg;

/** Leading k singular triplets of A (m x n): A ~ U diag(d) V'. d descending; U m x k, V n x k. */
public final class ThinSvd {
    public final double[] d;
    public final Mat u;
    public final Mat v;

    public ThinSvd(double[] d, Mat u, Mat v) {
        this.d = d;
        this.u = u;
        this.v = v;
    }
}
