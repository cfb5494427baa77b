package org.cohortex.cli;

import java.nio.file.Path;
import java.util.Set;

import org.cohortex.Log;
import org.cohortex.UserException;
import org.cohortex.deconv.Deconvolution;
import org.cohortex.deconv.Signature;
import org.cohortex.deconv.SignatureBuilder;
import org.cohortex.io.AtomicFile;
import org.cohortex.io.ExpressionMatrix;
import org.cohortex.io.MatrixReader;
import org.cohortex.io.MatrixWriter;
import org.cohortex.io.Scale;

import org.cohortex.backend.ComputeBackend;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

@Command(name = "deconvolve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Cell-type proportions of bulk samples (CIBERSORT's nu-SVR, or NNLS) from a signature matrix or a single-cell reference.",
                "Writes DIR/proportions.tsv (samples x cell types), DIR/fit.tsv (rmse, r, p per sample) and DIR/signature.tsv."})
final class DeconvolveCommand implements Runnable {
    @Option(names = "--bulk", required = true, paramLabel = "FILE", description = "Bulk expression, genes x samples.")
    Path bulk;

    @Option(names = "--bulk-scale", defaultValue = "counts", paramLabel = "counts|linear|log2",
            description = "counts: converted to CPM; linear: used as is; log2: anti-logged (default: ${DEFAULT-VALUE}).")
    String bulkScale;

    static final class Reference {
        @Option(names = "--signature", required = true, paramLabel = "FILE", description = "Signature matrix, genes x cell types, linear scale.")
        Path signature;

        @ArgGroup(exclusive = false)
        SingleCell sc;
    }

    static final class SingleCell {
        @Option(names = "--sc-reference", required = true, paramLabel = "FILE", description = "Single-cell counts, genes x cells.")
        Path counts;

        @Option(names = "--sc-labels", required = true, paramLabel = "FILE", description = "Cell id, cell type (two columns, header).")
        Path labels;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Reference reference;

    @Option(names = "--min-markers", defaultValue = "50", paramLabel = "G",
            description = "With --sc-reference: fewest markers per cell type tried for the signature (CIBERSORTx's G.min; default: ${DEFAULT-VALUE}).")
    int minMarkers;

    @Option(names = "--max-markers", defaultValue = "200", paramLabel = "G",
            description = "Most markers per cell type tried; the G with the smallest condition number is kept (CIBERSORTx's G.max; default: ${DEFAULT-VALUE}).")
    int maxMarkers;

    @Option(names = "--method", defaultValue = "nusvr", paramLabel = "nusvr|nnls|dwls",
            description = {"nusvr: CIBERSORT's nu-SVR; nnls: non-negative least squares; dwls: dampened weighted least squares (Tsoucas et al. 2019),",
                    "each gene's error relative to its expected value (default: ${DEFAULT-VALUE})."})
    String method;

    @Option(names = "--permutations", defaultValue = "0", paramLabel = "N", description = "CIBERSORT's p-value from N random mixtures (default: ${DEFAULT-VALUE}).")
    int permutations;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N", description = "Seed for the permutations (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    @CommandLine.Mixin
    BackendOptions backend;

    @Override
    public void run() {
        // every option is checked before the (large) bulk matrix is read
        Deconvolution.Method m = Parse.enumValue(Deconvolution.Method.class, "--method", method);
        if (!Set.of("counts", "linear", "log2").contains(bulkScale)) {
            throw new UserException("--bulk-scale " + bulkScale + ": choose counts, linear or log2");
        }
        if (reference.sc != null && !SignatureBuilder.validMarkerRange(minMarkers, maxMarkers)) {
            throw new UserException("--min-markers " + minMarkers + ", --max-markers " + maxMarkers + ": need 1 <= --min-markers <= --max-markers");
        }
        if (permutations < 0) throw new UserException("--permutations " + permutations + ": must be 0 or more");
        ExpressionMatrix b = Scale.named(bulkScale).toLinear(MatrixReader.read(bulk), bulk.toString());
        Signature sig;
        if (reference.signature != null) sig = Signature.read(reference.signature);
        else sig = SignatureBuilder.build(MatrixReader.read(reference.sc.counts), reference.sc.labels, minMarkers, maxMarkers);
        Deconvolution.Result r;
        try (ComputeBackend be = backend.create()) {
            r = Deconvolution.run(b, sig, m, permutations, seed, be);
        }
        Log.info("deconvolve: %d samples, %d cell types, %d signature genes used, method %s", r.samples().length, r.cellTypes().length, r.genesUsed(), method);
        sig.write(out.resolve("signature.tsv"));
        MatrixWriter.write(out.resolve("proportions.tsv"), "sample", r.samples(), r.cellTypes(), r.proportions());
        AtomicFile.write(out.resolve("fit.tsv"), w -> {
            StringBuilder sb = new StringBuilder("sample\trmse\tr\tp\n");
            for (int j = 0; j < r.samples().length; j++) {
                sb.append(r.samples()[j]).append('\t').append(r.rmse()[j]).append('\t').append(r.r()[j]).append('\t')
                        .append(Double.isNaN(r.p()[j]) ? "NA" : Double.toString(r.p()[j])).append('\n');
            }
            w.write(sb.toString());
        });
    }
}
