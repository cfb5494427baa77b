package org.cohortex.stats;

import org.cohortex.testutil.Tsv;
import org.junit.jupiter.api.Test;

/** digamma, trigamma, psigamma(deriv = 2) and limma::trigammaInverse against R from 1e-8 to 1e9. */
class PolygammaTest {
    @Test
    void matchesR() {
        Tsv t = Tsv.read("limma/special.tsv");
        double[] x = t.numbers("x");
        double[] di = new double[x.length], tri = new double[x.length], tetra = new double[x.length], inv = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            di[i] = Polygamma.digamma(x[i]);
            tri[i] = Polygamma.trigamma(x[i]);
            tetra[i] = Polygamma.tetragamma(x[i]);
            inv[i] = Polygamma.trigammaInverse(x[i]);
        }
        // digamma has a root near 1.4616: absolute error there, relative elsewhere
        Tsv.assertClose("digamma", di, t.numbers("digamma"), 1e-13, 1e-2);
        Tsv.assertClose("trigamma", tri, t.numbers("trigamma"), 1e-13, 0);
        Tsv.assertClose("psigamma deriv 2", tetra, t.numbers("psigamma2"), 1e-13, 0);
        Tsv.assertClose("trigammaInverse", inv, t.numbers("trigamma_inverse"), 1e-12, 0);
    }
}
