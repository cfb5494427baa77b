package org.cohortex.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.cohortex.Log;
import org.cohortex.UserException;
import org.cohortex.impute.CellTypeImputation;
import org.cohortex.io.AtomicFile;
import org.cohortex.io.ExpressionMatrix;
import org.cohortex.io.MatrixReader;
import org.cohortex.io.MatrixWriter;
import org.cohortex.io.PhenotypeReader;
import org.cohortex.io.PhenotypeTable;
import org.cohortex.io.Scale;

import org.cohortex.backend.ComputeBackend;
import org.cohortex.pipeline.ReferenceProfiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

@Command(name = "impute", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Cell-type expression per bulk sample, bMIND's model (Gibbs sampling or closed-form empirical Bayes).",
                "Writes DIR/<cell type>.tsv.gz (genes x samples, log2 CPM scale) and DIR/impute_notes.tsv for genes not imputed."})
final class ImputeCommand implements Runnable {
    @Option(names = "--bulk", required = true, paramLabel = "FILE", description = "Bulk expression, genes x samples.")
    Path bulk;

    @Option(names = "--bulk-scale", defaultValue = "counts", paramLabel = "counts|log2",
            description = "counts: converted to log2(CPM + 1); log2: used as is (default: ${DEFAULT-VALUE}).")
    String bulkScale;

    @Option(names = "--proportions", required = true, paramLabel = "FILE", description = "Samples x cell types (e.g. deconvolve's proportions.tsv).")
    Path proportions;

    @Option(names = "--sc-reference", required = true, paramLabel = "FILE", description = "Single-cell counts, genes x cells (the prior profile).")
    Path scReference;

    @Option(names = "--sc-labels", required = true, paramLabel = "FILE", description = "Cell id, cell type.")
    Path scLabels;

    @Option(names = "--prior-variance", paramLabel = "FILE",
            description = "Per-gene prior variance of each cell type, genes x cell types (log2^2); default 0.25 for all.")
    Path priorVariance;

    @Option(names = "--prior-sd", defaultValue = "0.5", paramLabel = "SD", description = "Prior SD of every cell type when no --prior-variance (default: ${DEFAULT-VALUE}).")
    double priorSd;

    @Option(names = "--mode", defaultValue = "gibbs", paramLabel = "gibbs|eb", description = "Sampler or closed form (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--iterations", defaultValue = "1300", paramLabel = "N", description = "Gibbs iterations (default: ${DEFAULT-VALUE}, as bMIND).")
    int iterations;

    @Option(names = "--burnin", defaultValue = "300", paramLabel = "N", description = "Gibbs burn-in (default: ${DEFAULT-VALUE}).")
    int burnin;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N", description = "Philox key (default: ${DEFAULT-VALUE}).")
    long seed;

    @CommandLine.Mixin
    BackendOptions backend;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    @Override
    public void run() {
        if (burnin >= iterations) throw new UserException("--burnin " + burnin + " must be below --iterations " + iterations);
        ExpressionMatrix b = MatrixReader.read(bulk);
        if (!bulkScale.equals("counts") && !bulkScale.equals("log2")) throw new UserException("--bulk-scale " + bulkScale + ": choose counts or log2");
        b = Scale.named(bulkScale).toLog2Cpm1(b, bulk.toString());
        PhenotypeTable props = PhenotypeReader.read(proportions, null, Set.of());
        List<String> types = props.columnNames();
        int n = b.sampleCount(), k = types.size();
        double[] w = new double[n * k];
        for (int i = 0; i < n; i++) {
            int row = props.row(b.samples[i]);
            if (row < 0) throw new UserException(proportions + ": no proportions for bulk sample '" + b.samples[i] + "'");
            for (int c = 0; c < k; c++) {
                double v = props.column(types.get(c)).numeric == null ? Double.NaN : props.column(types.get(c)).numeric[row];
                if (!(v >= 0)) throw new UserException(proportions + ": sample '" + b.samples[i] + "', cell type '" + types.get(c) + "': not a proportion");
                w[i * k + c] = v;
            }
        }
        double[] mu0 = referenceProfile(b.genes, types);
        CellTypeImputation.Settings s = new CellTypeImputation.Settings();
        s.iterations = iterations;
        s.burnin = burnin;
        s.seed = seed;
        s.sigma0 = priorSd * priorSd;
        if (priorVariance != null) s.priorVariance = readPriorVariance(b.genes, types);
        long t0 = System.nanoTime();
        if (!mode.equals("eb") && !mode.equals("gibbs")) throw new UserException("--mode " + mode + ": choose gibbs or eb");
        CellTypeImputation.Result r;
        if (mode.equals("eb")) r = CellTypeImputation.empiricalBayes(b.values.data, b.geneCount(), n, w, k, mu0, s);
        else {
            try (ComputeBackend be = backend.create()) {
                r = be.gibbsImpute(b.values.data, b.geneCount(), n, w, k, mu0, s);
            }
        }
        int failed = 0;
        for (String reason : r.reason()) if (reason != null) failed++;
        Log.info("impute (%s): %d genes x %d samples x %d cell types in %.1f s; %d genes not imputed (impute_notes.tsv)", mode, b.geneCount(), n, k,
                (System.nanoTime() - t0) / 1e9, failed);
        for (int c = 0; c < k; c++) {
            double[] m = new double[b.geneCount() * n];
            for (int g = 0; g < b.geneCount(); g++) for (int i = 0; i < n; i++) m[g * n + i] = r.imputed()[g][i * k + c];
            MatrixWriter.write(out.resolve(types.get(c) + ".tsv.gz"), "gene", b.genes, b.samples, m);
        }
        final ExpressionMatrix bb = b;
        AtomicFile.write(out.resolve("impute_notes.tsv"), wr -> {
            StringBuilder sb = new StringBuilder("gene\treason\n");
            for (int g = 0; g < bb.geneCount(); g++) if (r.reason()[g] != null) sb.append(bb.genes[g]).append('\t').append(r.reason()[g]).append('\n');
            wr.write(sb.toString());
        });
    }

    double[] readPriorVariance(String[] genes, List<String> types) {
        ExpressionMatrix v = MatrixReader.read(priorVariance);
        Map<String, Integer> row = new HashMap<>();
        for (int g = 0; g < v.geneCount(); g++) row.put(v.genes[g], g);
        int k = types.size();
        int[] col = new int[k];
        for (int c = 0; c < k; c++) {
            col[c] = Arrays.asList(v.samples).indexOf(types.get(c));
            if (col[c] < 0) throw new UserException(priorVariance + ": no column for cell type '" + types.get(c) + "'");
        }
        double[] out = new double[genes.length * k];
        for (int g = 0; g < genes.length; g++) {
            Integer r = row.get(genes[g]);
            if (r == null) throw new UserException(priorVariance + ": no row for gene '" + genes[g] + "'");
            for (int c = 0; c < k; c++) {
                double x = v.values.get(r, col[c]);
                if (!(x > 0)) throw new UserException(priorVariance + ": gene '" + genes[g] + "', cell type '" + types.get(c) + "': variance must be positive");
                out[g * k + c] = x;
            }
        }
        return out;
    }

    /** log2(mean CPM + 1) per gene and cell type from the single-cell reference (flat where a gene is absent). */
    double[] referenceProfile(String[] genes, List<String> types) {
        return ReferenceProfiles.log2MeanCpm(MatrixReader.read(scReference), scLabels, genes, types);
    }
}
