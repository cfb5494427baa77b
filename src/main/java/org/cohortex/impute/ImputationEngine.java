package org.cohortex.impute;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.cohortex.Log;
import org.cohortex.UserException;
import org.cohortex.io.AtomicFile;
import org.cohortex.io.ExpressionMatrix;
import org.cohortex.io.MatrixReader;
import org.cohortex.io.MatrixWriter;
import org.cohortex.io.Proportions;
import org.cohortex.linalg.Mat;

/**
 * The imputation stage, used by `impute` and by the study grid: the bulk on bMIND's log2(CPM + 1)
 * scale, the proportions (checked), the prior profile from the single-cell panel, then the Gibbs
 * sampler or the EB posterior mean; writes one matrix per cell type ({@code <type>.tsv.gz}, genes x
 * samples, 7 significant digits) and {@code impute_notes.tsv} (genes not imputed, with the reason).
 */
public final class ImputationEngine {
    /** Significant digits of the imputed matrices: far below the model's own uncertainty, a third of the size of full precision. */
    public static final int DIGITS = 7;

    private ImputationEngine() {}

    /** The imputed values of every cell type, in memory. */
    public record Imputed(String[] genes, String[] samples, List<String> cellTypes, CellTypeImputation.Result result) {
        /** genes x samples of cell type {@code t}, row-major. */
        public double[] matrix(int t) {
            int n = samples.length, k = cellTypes.size();
            double[] m = new double[genes.length * n];
            for (int g = 0; g < genes.length; g++) for (int i = 0; i < n; i++) m[g * n + i] = result.imputed()[g][i * k + t];
            return m;
        }
    }

    /** Imputes every gene and cell type into memory (bMIND's test needs all types of a gene at once), and writes the matrices. */
    public static Imputed run(ImputationRequest r, GibbsKernel kernel, Log.Sink log) {
        Model m = model(r, null, log);
        long t0 = System.nanoTime();
        CellTypeImputation.Result res = r.gibbs() ? kernel.gibbsImpute(m.y.values.data, m.y.geneCount(), m.n(), m.w, m.k(), m.mu0, m.s)
                : CellTypeImputation.empiricalBayes(m.y.values.data, m.y.geneCount(), m.n(), m.w, m.k(), m.mu0, m.s);
        logDone(r, m, (System.nanoTime() - t0) / 1e9, res.reason(), log);
        Imputed out = new Imputed(m.y.genes, m.y.samples, m.types, res);
        write(out, r.out());
        return out;
    }

    /** The matrices as written (values rounded as in the files, so equal to reading them back), or none where not kept. */
    public record Written(List<String> cellTypes, List<ExpressionMatrix> matrices) {}

    /**
     * Imputes and writes the matrices, the same files as {@link #run}, without holding them whole: EB gene block by gene
     * block (each gene's posterior is its own), so beside the bulk at most one block of imputed values (about 32 MB) is in
     * memory; bMIND's sampler runs over all genes at once (its kernel's contract) and is then written the same way.
     *
     * @param bulkAsRead the counts of {@code r.bulk()} as read by an earlier step, or null to read them
     * @param keepBytes  the matrices are also returned (K genes x samples matrices, rounded as written) when they take at
     *                   most this many bytes, so the grid's DE units need not parse them back; 0: never
     */
    public static Written write(ImputationRequest r, ExpressionMatrix bulkAsRead, GibbsKernel kernel, Log.Sink log, long keepBytes) {
        return write(r, bulkAsRead, kernel, log, keepBytes, 0);
    }

    /** As the public {@code write}, {@code block} genes at a time (0: as many as make 2^22 values). */
    static Written write(ImputationRequest r, ExpressionMatrix bulkAsRead, GibbsKernel kernel, Log.Sink log, long keepBytes, int block) {
        Model m = model(r, bulkAsRead, log);
        String[] genes = m.y.genes;
        int n = m.n(), k = m.k(), all = genes.length;
        boolean keep = 8L * all * n * k <= keepBytes;
        double[][] kept = keep ? new double[k][all * n] : null;
        String[] reason = new String[all];
        long t0 = System.nanoTime();
        CellTypeImputation.Result whole = r.gibbs() ? kernel.gibbsImpute(m.y.values.data, all, n, m.w, k, m.mu0, m.s) : null;
        if (block <= 0) block = Math.max(16, (1 << 22) / Math.max(1, n * k));
        List<MatrixWriter.Blocks> files = new ArrayList<>(k);
        try {
            for (String t : m.types) files.add(new MatrixWriter.Blocks(r.out().resolve(t + ".tsv.gz"), "gene", m.y.samples, DIGITS));
            for (int g0 = 0; g0 < all; g0 += block) {
                int from = g0, to = Math.min(all, g0 + block);
                double[][] rows;
                if (whole != null) {
                    rows = Arrays.copyOfRange(whole.imputed(), from, to);
                    System.arraycopy(whole.reason(), from, reason, from, to - from);
                } else {
                    CellTypeImputation.Result res = CellTypeImputation.empiricalBayes(m.y.values.data, from, to, n, m.w, k, m.mu0, m.s);
                    rows = res.imputed();
                    System.arraycopy(res.reason(), 0, reason, from, to - from);
                }
                // one type's rows per task: each file is written in gene order by one thread at a time
                IntStream.range(0, k).parallel().forEach(t -> {
                    double[] v = new double[(to - from) * n];
                    for (int g = 0; g < to - from; g++) for (int i = 0; i < n; i++) v[g * n + i] = rows[g][i * k + t];
                    files.get(t).append(genes, from, to, v, 0);
                    if (keep) {
                        double[] dst = kept[t];
                        for (int j = 0; j < v.length; j++) dst[from * n + j] = MatrixWriter.roundSignificant(v[j], DIGITS);
                    }
                });
            }
            for (MatrixWriter.Blocks f : files) f.commit();
        } finally {
            for (MatrixWriter.Blocks f : files) f.close();
        }
        logDone(r, m, (System.nanoTime() - t0) / 1e9, reason, log);
        writeNotes(genes, reason, r.out());
        if (!keep) return new Written(m.types, null);
        List<ExpressionMatrix> out = new ArrayList<>(k);
        for (int t = 0; t < k; t++) out.add(new ExpressionMatrix(genes, m.y.samples, new Mat(all, n, kept[t])));
        return new Written(m.types, out);
    }

    /** What the posterior of every gene needs: the bulk on bMIND's scale, the proportions, the prior and the settings. */
    private record Model(ExpressionMatrix y, List<String> types, double[] w, double[] mu0, CellTypeImputation.Settings s) {
        int n() { return y.sampleCount(); }

        int k() { return types.size(); }
    }

    private static Model model(ImputationRequest r, ExpressionMatrix bulkAsRead, Log.Sink log) {
        ExpressionMatrix raw = bulkAsRead != null ? bulkAsRead : MatrixReader.read(r.bulk());
        ExpressionMatrix y = r.bulkScale().toLog2Cpm1(raw, r.bulk().toString());
        Proportions props = Proportions.read(r.proportions(), log);
        List<String> types = List.of(props.cellTypes);
        int k = types.size();
        double[] w = proportions(r.proportions(), props, y.samples);
        ReferencePrior.Prior prior = prior(r, y, types, w, log);
        CellTypeImputation.Settings s = new CellTypeImputation.Settings();
        s.iterations = r.iterations();
        s.burnin = r.burnin();
        s.seed = r.seed();
        s.sigma0 = r.priorSd() * r.priorSd();
        if (r.priorVariance() != null) {
            s.priorCovariance = CellTypeImputation.Settings.diagonal(readPriorVariance(r.priorVariance(), y.genes, types), y.geneCount(),
                    k);
        } else if (r.prior() == ImputationRequest.Prior.REFERENCE) {
            s.priorCovariance = prior.sigma0();
        }
        return new Model(y, types, w, prior.mu0(), s);
    }

    private static void logDone(ImputationRequest r, Model m, double seconds, String[] reason, Log.Sink log) {
        int failed = (int) Arrays.stream(reason).filter(x -> x != null).count();
        log.info("impute (%s): %d genes x %d samples x %d cell types in %.1f s; %d genes not imputed (impute_notes.tsv)",
                r.gibbs() ? "gibbs" : "eb", m.y.geneCount(), m.n(), m.k(), seconds, failed);
    }

    /**
     * bMIND's prior from the panel (MIND's get_prior): the profile mu0 always; Sigma0 per gene from the
     * donors, or bMIND's isotropic default where that is not positive definite, the gene is not in the
     * panel, or the panel does not say which donor each cell came from (one pseudo-donor: no covariance).
     */
    static ReferencePrior.Prior prior(ImputationRequest r, ExpressionMatrix y, List<String> types, double[] w, Log.Sink log) {
        ExpressionMatrix panel = MatrixReader.read(r.panelCounts());
        PanelLabels labels = PanelLabels.read(r.panelLabels(), panel.samples);
        String[] donors = labels.donor();
        if (donors == null) {
            donors = new String[panel.sampleCount()];
            Arrays.fill(donors, "panel");
            if (r.prior() == ImputationRequest.Prior.REFERENCE && r.priorVariance() == null) {
                log.warn("%s has no donor column: Sigma0 cannot be estimated across donors; bMIND's isotropic default for every gene",
                        r.panelLabels());
            }
        }
        ReferencePrior.Prior p = ReferencePrior.compute(panel, labels.cellType(), donors, types.toArray(new String[0]), y, w);
        if (r.prior() == ImputationRequest.Prior.REFERENCE && r.priorVariance() == null) {
            log.info("prior: Sigma0 from the panel's donors (%s per type) for %d genes; isotropic default for %d (not positive "
                    + "definite) and %d"
                    + " (not in the panel)", Arrays.toString(p.donorsPerType()), p.count(ReferencePrior.Source.REFERENCE),
                    p.count(ReferencePrior.Source.NOT_POSITIVE_DEFINITE), p.count(ReferencePrior.Source.ABSENT_FROM_REFERENCE));
        }
        return p;
    }

    /**
     * The imputed matrices an earlier run wrote into {@code dir}, one per column of the proportions, as
     * {@link Imputed} (genes and samples of the first file; every file must have the same).
     */
    public static Imputed read(Path dir, Path proportions) {
        List<String> types = List.of(Proportions.read(proportions, Log.WARNINGS).cellTypes);
        ExpressionMatrix first = null;
        double[][] imputed = null;
        for (int t = 0; t < types.size(); t++) {
            Path f = dir.resolve(types.get(t) + ".tsv.gz");
            ExpressionMatrix m = MatrixReader.read(f);
            if (first == null) {
                first = m;
                imputed = new double[m.geneCount()][m.sampleCount() * types.size()];
            } else if (!Arrays.equals(first.genes, m.genes) || !Arrays.equals(first.samples, m.samples)) {
                throw new UserException(f + ": not the genes and samples of " + dir.resolve(types.get(0) + ".tsv.gz"));
            }
            int n = m.sampleCount(), k = types.size();
            for (int g = 0; g < m.geneCount(); g++) for (int i = 0; i < n; i++) imputed[g][i * k + t] = m.values.data[g * n + i];
        }
        String[] reason = new String[first.geneCount()];
        for (int g = 0; g < reason.length; g++) if (Double.isNaN(imputed[g][0])) reason[g] = "not imputed";
        return new Imputed(first.genes, first.samples, types, new CellTypeImputation.Result(imputed, reason));
    }

    /** The proportions of each bulk sample (n x k, checked by {@link Proportions}): every sample needs a row. */
    static double[] proportions(Path file, Proportions props, String[] samples) {
        int n = samples.length, k = props.cellTypes.length;
        double[] w = new double[n * k];
        for (int i = 0; i < n; i++) {
            int row = props.row(samples[i]);
            if (row < 0) throw new UserException(file + ": no proportions for bulk sample '" + samples[i] + "'");
            for (int c = 0; c < k; c++) w[i * k + c] = props.get(row, c);
        }
        return w;
    }

    /** One gzip matrix per cell type, one file per core (formatting and gzip are single-threaded per file), and the notes. */
    static void write(Imputed im, Path dir) {
        List<String> types = im.cellTypes();
        IntStream.range(0, types.size()).parallel().forEach(t ->
                MatrixWriter.writeSignificant(dir.resolve(types.get(t) + ".tsv.gz"), "gene", im.genes(), im.samples(), im.matrix(t),
                        DIGITS));
        writeNotes(im.genes(), im.result().reason(), dir);
    }

    private static void writeNotes(String[] genes, String[] reason, Path dir) {
        StringBuilder sb = new StringBuilder("gene\treason\n");
        for (int g = 0; g < genes.length; g++) if (reason[g] != null) sb.append(genes[g]).append('\t').append(reason[g]).append('\n');
        AtomicFile.writeString(dir.resolve("impute_notes.tsv"), sb.toString());
    }

    /** Per-gene prior variances, genes x cell types (log2^2): a row for every bulk gene, a column for every cell type, all positive. */
    static double[] readPriorVariance(Path file, String[] genes, List<String> types) {
        ExpressionMatrix v = MatrixReader.read(file);
        Map<String, Integer> row = new HashMap<>();
        for (int g = 0; g < v.geneCount(); g++) row.put(v.genes[g], g);
        int k = types.size();
        int[] col = new int[k];
        for (int c = 0; c < k; c++) {
            col[c] = Arrays.asList(v.samples).indexOf(types.get(c));
            if (col[c] < 0) throw new UserException(file + ": no column for cell type '" + types.get(c) + "'");
        }
        double[] out = new double[genes.length * k];
        for (int g = 0; g < genes.length; g++) {
            Integer r = row.get(genes[g]);
            if (r == null) throw new UserException(file + ": no row for gene '" + genes[g] + "'");
            for (int c = 0; c < k; c++) {
                double x = v.values.get(r, col[c]);
                if (!(x > 0)) throw new UserException(file + ": gene '" + genes[g] + "', cell type '" + types.get(c)
                        + "': variance must be positive");
                out[g * k + c] = x;
            }
        }
        return out;
    }
}
