package org.cohortex.cli;

import java.nio.file.Path;
import java.util.Set;

import org.cohortex.Log;
import org.cohortex.UserException;
import org.cohortex.deconv.Deconvolution;
import org.cohortex.io.OutputFolder;
import org.cohortex.io.Scale;

import org.cohortex.backend.ComputeBackend;
import org.cohortex.deconv.DeconvolutionEngine;
import org.cohortex.deconv.DeconvolutionRequest;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

@Command(name = "deconvolve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Cell-type proportions of bulk samples (CIBERSORT's nu-SVR, or NNLS) from a signature matrix or a "
                + "single-cell reference.",
                "Writes DIR/proportions.tsv (samples x cell types), DIR/fit.tsv (rmse, r, p per sample) and DIR/signature.tsv."})
final class DeconvolveCommand implements Runnable {
    @Option(names = "--bulk", required = true, paramLabel = "FILE", description = "Bulk expression, genes x samples.")
    Path bulk;

    @Option(names = "--bulk-scale", defaultValue = "counts", paramLabel = "counts|linear|log2",
            description = "counts: converted to CPM; linear: used as is; log2: anti-logged (default: ${DEFAULT-VALUE}).")
    String bulkScale;

    static final class Reference {
        @Option(names = "--signature", required = true, paramLabel = "FILE",
                description = "Signature matrix, genes x cell types, linear scale.")
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
            description = "With --sc-reference: fewest markers per cell type tried for the signature (CIBERSORTx's G.min; default: "
                    + "${DEFAULT-VALUE}).")
    int minMarkers;

    @Option(names = "--max-markers", defaultValue = "200", paramLabel = "G",
            description = "Most markers per cell type tried; the G with the smallest condition number is kept (CIBERSORTx's G.max; "
                    + "default: ${DEFAULT-VALUE}).")
    int maxMarkers;

    @Option(names = "--method", defaultValue = "nusvr", paramLabel = "nusvr|nnls|dwls",
            description = {"nusvr: CIBERSORT's nu-SVR; nnls: non-negative least squares; dwls: dampened weighted least squares "
                    + "(Tsoucas et al. 2019),",
                    "each gene's error relative to its expected value (default: ${DEFAULT-VALUE})."})
    String method;

    @Option(names = "--permutations", defaultValue = "0", paramLabel = "N",
            description = "CIBERSORT's p-value from N random mixtures (default: ${DEFAULT-VALUE}).")
    int permutations;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N", description = "Seed for the permutations (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    @CommandLine.Mixin
    BackendOptions backend;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        // every option is checked before the (large) bulk matrix is read
        DeconvolutionRequest r = Parse.usage(spec, () -> {
            backend.check();
            Deconvolution.Method m = Parse.enumValue(Deconvolution.Method.class, "--method", method);
            if (!Set.of("counts", "linear", "log2").contains(bulkScale)) throw new UserException("--bulk-scale " + bulkScale
                    + ": choose counts, linear or log2");
            return new DeconvolutionRequest(bulk, Scale.named(bulkScale), reference.signature,
                    reference.sc == null ? null : reference.sc.counts,
                    reference.sc == null ? null : reference.sc.labels, minMarkers, maxMarkers, m, permutations, seed, out);
        });
        try (OutputFolder folder = OutputFolder.open(out); ComputeBackend be = backend.create()) {
            DeconvolutionEngine.run(r.withOut(folder.path()), be, Log.STDERR);
            folder.commit();
        }
    }
}
