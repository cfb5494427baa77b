package org.cohortex.cli;

import java.nio.file.Path;

import org.cohortex.Log;
import org.cohortex.UserException;
import org.cohortex.io.OutputFolder;
import org.cohortex.io.Scale;

import org.cohortex.backend.ComputeBackend;
import org.cohortex.impute.ImputationEngine;
import org.cohortex.impute.ImputationRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

@Command(name = "impute", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Cell-type expression per bulk sample, bMIND's model (Gibbs sampling or closed-form empirical Bayes).",
                "Writes DIR/<cell type>.tsv.gz (genes x samples, log2(CPM + 1) scale, 7 significant digits) and DIR/impute_notes.tsv",
                "for genes not imputed."})
final class ImputeCommand implements Runnable {
    @Option(names = "--bulk", required = true, paramLabel = "FILE", description = "Bulk expression, genes x samples.")
    Path bulk;

    @Option(names = "--bulk-scale", defaultValue = "counts", paramLabel = "counts|log2",
            description = "counts: converted to log2(CPM + 1); log2: used as is (default: ${DEFAULT-VALUE}).")
    String bulkScale;

    @Option(names = "--proportions", required = true, paramLabel = "FILE",
            description = "Samples x cell types (e.g. deconvolve's proportions.tsv).")
    Path proportions;

    @Option(names = "--sc-reference", required = true, paramLabel = "FILE",
            description = "Single-cell counts, genes x cells (the prior profile).")
    Path scReference;

    @Option(names = "--sc-labels", required = true, paramLabel = "FILE", description = "Cell id, cell type.")
    Path scLabels;

    @Option(names = "--prior", defaultValue = "reference", paramLabel = "reference|flat",
            description = {"Sigma0, the prior covariance of the cell types per gene: reference = across the panel's donors (its labels'",
                    "donor column), as MIND's get_prior, bMIND's isotropic default where that fails; flat = --prior-sd^2 I",
                    "(default: ${DEFAULT-VALUE})."})
    String prior;

    @Option(names = "--prior-variance", paramLabel = "FILE",
            description = "Per-gene prior variance of each cell type, genes x cell types (log2^2); default 0.25 for all.")
    Path priorVariance;

    @Option(names = "--prior-sd", defaultValue = "0.5", paramLabel = "SD",
            description = "Prior SD of every cell type when no --prior-variance (default: ${DEFAULT-VALUE}).")
    double priorSd;

    @Option(names = "--mode", defaultValue = "gibbs", paramLabel = "gibbs|eb",
            description = "Sampler or closed form (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--iterations", defaultValue = "1300", paramLabel = "N",
            description = "Gibbs iterations (default: ${DEFAULT-VALUE}, as bMIND).")
    int iterations;

    @Option(names = "--burnin", defaultValue = "300", paramLabel = "N", description = "Gibbs burn-in (default: ${DEFAULT-VALUE}).")
    int burnin;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N", description = "Philox key (default: ${DEFAULT-VALUE}).")
    long seed;

    @CommandLine.Mixin
    BackendOptions backend;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        ImputationRequest r = Parse.usage(spec, () -> {
            backend.check();
            if (!mode.equals("eb") && !mode.equals("gibbs")) throw new UserException("--mode " + mode + ": choose gibbs or eb");
            if (!bulkScale.equals("counts") && !bulkScale.equals("log2")) throw new UserException("--bulk-scale " + bulkScale
                    + ": choose counts or log2");
            ImputationRequest.Prior p = Parse.enumValue(ImputationRequest.Prior.class, "--prior", prior);
            return new ImputationRequest(bulk, Scale.named(bulkScale), proportions, scReference, scLabels, p, priorVariance, priorSd,
                    mode.equals("gibbs"), iterations, burnin, seed, out);
        });
        try (OutputFolder folder = OutputFolder.open(out); ComputeBackend be = backend.create()) {
            ImputationEngine.write(r.withOut(folder.path()), null, be, Log.STDERR, 0);
            folder.commit();
        }
    }
}
