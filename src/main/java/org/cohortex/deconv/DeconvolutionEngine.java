package org.cohortex.deconv;

import java.util.Locale;

import org.cohortex.Log;
import org.cohortex.io.AtomicFile;
import org.cohortex.io.ExpressionMatrix;
import org.cohortex.io.MatrixReader;
import org.cohortex.io.MatrixWriter;

/**
 * The deconvolution stage, used by `deconvolve` and by the study grid: reads the bulk and brings it
 * to the linear scale, reads or builds the signature, estimates the proportions, and writes
 * {@code proportions.tsv} (samples x cell types), {@code fit.tsv} (rmse, r, p per sample) and
 * {@code signature.tsv} into the request's folder.
 */
public final class DeconvolutionEngine {
    private DeconvolutionEngine() {}

    public static Deconvolution.Result run(DeconvolutionRequest r, NnlsKernel kernel, Log.Sink log) {
        ExpressionMatrix bulk = MatrixReader.read(r.bulk());
        return run(r, bulk, signature(r), kernel, log);
    }

    /** The request's signature: read from its file, or built from its single-cell panel. */
    public static Signature signature(DeconvolutionRequest r) {
        return r.signature() != null ? Signature.read(r.signature())
                : SignatureBuilder.build(MatrixReader.read(r.panelCounts()), r.panelLabels(), r.minMarkers(), r.maxMarkers());
    }

    /**
     * {@link #run(DeconvolutionRequest, NnlsKernel, Log.Sink)} with the bulk matrix already read from {@code r.bulk()}
     * (in its own scale) and the signature already built: a grid's regions share panels, and its DE units the matrices.
     */
    public static Deconvolution.Result run(DeconvolutionRequest r, ExpressionMatrix bulkAsRead, Signature sig, NnlsKernel kernel,
            Log.Sink log) {
        ExpressionMatrix bulk = r.bulkScale().toLinear(bulkAsRead, r.bulk().toString());
        Deconvolution.Result res = Deconvolution.run(bulk, sig, r.method(), r.permutations(), r.seed(), kernel, log);
        log.info("deconvolve: %d samples, %d cell types, %d signature genes used, method %s", res.samples().length, res.cellTypes().length,
                res.genesUsed(), r.method().name().toLowerCase(Locale.ROOT));
        sig.write(r.out().resolve("signature.tsv"));
        MatrixWriter.write(r.out().resolve("proportions.tsv"), "sample", res.samples(), res.cellTypes(), res.proportions());
        StringBuilder sb = new StringBuilder("sample\trmse\tr\tp\n");
        for (int j = 0; j < res.samples().length; j++) {
            sb.append(res.samples()[j]).append('\t').append(res.rmse()[j]).append('\t').append(res.r()[j]).append('\t')
                    .append(Double.isNaN(res.p()[j]) ? "NA" : Double.toString(res.p()[j])).append('\n');
        }
        AtomicFile.writeString(r.out().resolve("fit.tsv"), sb.toString());
        return res;
    }
}
