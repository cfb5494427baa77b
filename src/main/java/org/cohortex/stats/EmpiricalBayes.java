package org.cohortex.stats;

import java.util.Arrays;

import org.cohortex.linalg.Mat;
import org.cohortex.linalg.QrDecomposition;

/**
 * limma 3.54's empirical Bayes moderation of per-gene variances (Smyth 2004), robust = FALSE:
 * fitFDist fits a scaled F distribution to the sample variances s_g^2 on d_g degrees of freedom by
 * moments of log s_g^2 (digamma/trigamma), optionally with the prior variance a smooth function of
 * a covariate (trend = TRUE: natural cubic spline of the mean log-expression, df 1 to 4 by the
 * number of genes, as limma); squeezeVar shrinks s_g^2 towards the prior s0^2 on d0 prior degrees
 * of freedom; eBayes' moderated t = beta / (stdev.unscaled sqrt(s2.post)) is referred to t on
 * df.total = min(d_g + d0, sum d_g). d0 may be infinite (no extra variation between genes: then
 * s2.post = s0^2). Cost O(genes) plus an O(genes df^2) spline fit.
 */
public final class EmpiricalBayes {
    private EmpiricalBayes() {}

    /** Result of fitFDist: the prior (scale per gene; the same value for all without a covariate) and d0. */
    public record FDistFit(double[] scale, double df2) {}

    /**
     * The moderation of one fit: df.prior (d0, possibly +Inf), s2.prior (per gene; constant without
     * trend), s2.post and df.total per gene.
     */
    public record Moderation(double dfPrior, double[] s2Prior, double[] s2Post, double[] dfTotal) {
        /** Moderated t of one coefficient: beta / stdev.unscaled / sqrt(s2.post). */
        public double[] t(double[] beta, double[] stdevUnscaled) {
            double[] t = new double[beta.length];
            for (int g = 0; g < t.length; g++) t[g] = beta[g] / stdevUnscaled[g] / Math.sqrt(s2Post[g]);
            return t;
        }

        /** Two-sided p of moderated t on df.total: 2 pt(-|t|, df.total). */
        public double[] p(double[] t) {
            double[] p = new double[t.length];
            for (int g = 0; g < p.length; g++) p[g] = StudentT.twoSidedP(t[g], dfTotal[g]);
            return p;
        }
    }

    /**
     * eBayes' variance part: squeezeVar(sigma^2, df.residual, covariate) and df.total capped at the
     * pooled residual df. {@code covariate} null is trend = FALSE; with trend = TRUE pass Amean.
     */
    public static Moderation moderate(double[] sigma, double[] dfResidual, double[] covariate) {
        int n = sigma.length;
        if (dfResidual.length != n) throw new IllegalArgumentException("sigma and df lengths differ");
        double maxDf = 0, pooled = 0;
        boolean anyFinite = false;
        for (int g = 0; g < n; g++) {
            maxDf = Math.max(maxDf, dfResidual[g]);
            if (!Double.isNaN(dfResidual[g])) pooled += dfResidual[g];
            anyFinite |= Double.isFinite(sigma[g]);
        }
        if (maxDf == 0) throw new IllegalArgumentException("no residual degrees of freedom in the linear model fits");
        if (!anyFinite) throw new IllegalArgumentException("no finite residual standard deviations");
        double[] var = new double[n];
        for (int g = 0; g < n; g++) var[g] = sigma[g] * sigma[g];
        Squeezed s = squeezeVar(var, dfResidual, covariate);
        double[] dfTotal = new double[n];
        for (int g = 0; g < n; g++) dfTotal[g] = Math.min(dfResidual[g] + s.dfPrior, pooled);
        return new Moderation(s.dfPrior, s.varPrior, s.varPost, dfTotal);
    }

    /** squeezeVar's result: d0, s0^2 per gene, posterior variances. */
    public record Squeezed(double dfPrior, double[] varPrior, double[] varPost) {}

    /** limma::squeezeVar(var, df, covariate, robust = FALSE). */
    public static Squeezed squeezeVar(double[] var, double[] df, double[] covariate) {
        int n = var.length;
        if (n == 0) throw new IllegalArgumentException("var is empty");
        if (n == 1) return new Squeezed(0, var.clone(), var.clone());
        double[] v = var.clone();
        for (int g = 0; g < n; g++) if (df[g] == 0) v[g] = 0;
        FDistFit fit = fitFDist(v, df, covariate);
        if (Double.isNaN(fit.df2)) throw new IllegalArgumentException("could not estimate the prior degrees of freedom");
        double[] post = new double[n];
        double d0 = fit.df2;
        for (int g = 0; g < n; g++) {
            post[g] = Double.isInfinite(d0) ? fit.scale[g] : (df[g] * v[g] + d0 * fit.scale[g]) / (df[g] + d0);
        }
        return new Squeezed(d0, fit.scale, post);
    }

    /** limma::fitFDist(x, df1, covariate): moments of log x; covariate null for a constant prior. */
    public static FDistFit fitFDist(double[] x, double[] df1, double[] covariate) {
        int n = x.length;
        if (n == 0) return new FDistFit(new double[0], Double.NaN);
        if (n == 1) return new FDistFit(x.clone(), 0);
        double[] cov = covariate == null ? null : finiteCovariate(covariate);
        boolean[] ok = new boolean[n];
        int nok = 0;
        for (int g = 0; g < n; g++) {
            ok[g] = Double.isFinite(df1[g]) && df1[g] > 1e-15 && Double.isFinite(x[g]) && x[g] > -1e-15;
            if (ok[g]) nok++;
        }
        if (nok == 1) {
            for (int g = 0; g < n; g++) if (ok[g]) return new FDistFit(filled(n, x[g]), 0);
        }
        double[] xs = new double[nok], d = new double[nok], c = cov == null ? null : new double[nok];
        for (int g = 0, k = 0; g < n; g++) {
            if (!ok[g]) continue;
            xs[k] = x[g];
            d[k] = df1[g];
            if (c != null) c[k] = cov[g];
            k++;
        }
        if (c != null) {
            int splinedf = 1 + (nok >= 3 ? 1 : 0) + (nok >= 6 ? 1 : 0) + (nok >= 30 ? 1 : 0);
            splinedf = Math.min(splinedf, (int) Arrays.stream(c).distinct().count());
            if (splinedf < 2) {
                FDistFit flat = fitFDist(xs, d, null);
                return new FDistFit(filled(n, flat.scale[0]), flat.df2);
            }
            if (nok < n) throw new UnsupportedOperationException("trend with non-finite variances or zero df is not supported");
            return fitMoments(xs, d, c, splinedf);
        }
        FDistFit f = fitMoments(xs, d, null, 1);
        return new FDistFit(filled(n, f.scale[0]), f.df2);
    }

    /** The moment fit on the usable genes (all finite, df > 0). */
    private static FDistFit fitMoments(double[] x0, double[] df1, double[] cov, int splinedf) {
        int n = x0.length;
        double[] x = new double[n];
        for (int g = 0; g < n; g++) x[g] = Math.max(x0[g], 0);
        double m = RSummary.median(x);
        if (m == 0) m = 1; // limma warns: more than half of the variances are zero
        double[] e = new double[n];
        double meanTrigamma = 0;
        double[] tri = new double[n];
        for (int g = 0; g < n; g++) {
            x[g] = Math.max(x[g], 1e-05 * m);
            e[g] = Math.log(x[g]) - Polygamma.digamma(df1[g] / 2) + Math.log(df1[g] / 2);
            tri[g] = Polygamma.trigamma(df1[g] / 2);
        }
        meanTrigamma = RSummary.mean(tri);
        double[] emean;
        double evar;
        if (cov == null) {
            double mu = RSummary.mean(e), ss = 0;
            for (double v : e) ss += (v - mu) * (v - mu);
            evar = ss / (n - 1);
            emean = filled(n, mu);
        } else {
            emean = new double[n];
            evar = splineFit(NaturalSplineBasis.basis(cov, splinedf), n, splinedf, e, emean);
        }
        evar -= meanTrigamma;
        double[] s20 = new double[n];
        double df2;
        if (evar > 0) {
            df2 = 2 * Polygamma.trigammaInverse(evar);
            double shift = Polygamma.digamma(df2 / 2) - Math.log(df2 / 2);
            for (int g = 0; g < n; g++) s20[g] = Math.exp(emean[g] + shift);
        } else {
            df2 = Double.POSITIVE_INFINITY;
            if (cov == null) Arrays.fill(s20, RSummary.mean(x));
            else for (int g = 0; g < n; g++) s20[g] = Math.exp(emean[g]);
        }
        return new FDistFit(s20, df2);
    }

    /** lm.fit(basis, e): fitted values into {@code fitted}; returns mean squared residual effect RSS / (n - df). */
    private static double splineFit(double[] basis, int n, int df, double[] e, double[] fitted) {
        QrDecomposition qr = new QrDecomposition(new Mat(n, df, basis));
        if (qr.minRelativeDiagonal() < 1e-7) throw new IllegalArgumentException("problem with covariate: spline basis is rank deficient");
        double[] q = qr.q().data;
        double[] qte = new double[df];
        for (int i = 0; i < n; i++) for (int j = 0; j < df; j++) qte[j] += q[i * df + j] * e[i];
        double rss = 0;
        for (int i = 0; i < n; i++) {
            double f = 0;
            for (int j = 0; j < df; j++) f += q[i * df + j] * qte[j];
            fitted[i] = f;
            rss += (e[i] - f) * (e[i] - f);
        }
        return rss / (n - df);
    }

    /** Infinite covariate values moved just outside the finite range (as fitFDist). */
    private static double[] finiteCovariate(double[] covariate) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double v : covariate) {
            if (Double.isNaN(v)) throw new IllegalArgumentException("NA covariate values not allowed");
            if (Double.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
        }
        double[] c = covariate.clone();
        for (int g = 0; g < c.length; g++) {
            if (Double.isFinite(c[g])) continue;
            if (lo <= hi) c[g] = c[g] < 0 ? lo - 1 : hi + 1;
            else c[g] = Math.signum(c[g]);
        }
        return c;
    }

    private static double[] filled(int n, double v) {
        double[] a = new double[n];
        Arrays.fill(a, v);
        return a;
    }
}
