package org.cohortex.deconv;

/** Test access to package-private helpers. */
public final class NuSvrAccess {
    private NuSvrAccess() {}

    public static double pearson(double[] a, double[] b) { return NuSvr.pearson(a, b); }
}
