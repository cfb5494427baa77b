package org.cohortex.pipeline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.cohortex.de.DeTable;
import org.cohortex.enrich.DeResult;
import org.cohortex.io.AtomicFile;

/**
 * Experiment-wise Bonferroni over every test of every set (the paper's supplement): p x m with m
 * the number of genes tested in all sets together. Writes {@code experimentwise_degs.tsv} (the DEGs
 * at that level) and {@code de_summary.tsv} (per set: genes tested, DEGs within set and experiment-wise).
 */
final class ExperimentWise {
    private ExperimentWise() {}

    /** Returns m, the number of tests. */
    static long write(List<Path> deDirs, double alpha, Path out) {
        DeResult[] read = new DeResult[deDirs.size()];
        IntStream.range(0, read.length).parallel().forEach(i -> read[i] = DeResult.read(deDirs.get(i), "p_bonferroni", alpha));
        List<DeResult> within = List.of(read);
        List<DeTable> tables = new ArrayList<>();
        long m = 0;
        for (DeResult r : within) {
            tables.add(r.table());
            m += r.tested.size();
        }
        StringBuilder degs = new StringBuilder("trait\tset\tgene\tbeta\tp\tp_experiment_bonferroni\n");
        StringBuilder sum = new StringBuilder("trait\tset\tgenes_tested\tdegs_bonferroni_within_set\tdegs_experiment_wise\n");
        for (int i = 0; i < deDirs.size(); i++) {
            DeResult r = within.get(i);
            DeTable t = tables.get(i);
            double[] p = t.column("p"), beta = t.column("beta");
            int exp = 0;
            for (int g = 0; g < t.size(); g++) {
                if (Double.isNaN(p[g])) continue;
                double adj = Math.min(1, p[g] * m);
                if (adj < alpha) {
                    exp++;
                    degs.append(r.trait).append('\t').append(r.set).append('\t').append(t.genes()[g]).append('\t').append(beta[g])
                            .append('\t').append(p[g]).append('\t').append(adj).append('\n');
                }
            }
            sum.append(r.trait).append('\t').append(r.set).append('\t').append(r.tested.size()).append('\t').append(r.degs.size())
                    .append('\t')
                    .append(exp).append('\n');
        }
        AtomicFile.writeString(out.resolve("experimentwise_degs.tsv"), degs.toString());
        AtomicFile.writeString(out.resolve("de_summary.tsv"), sum.toString());
        return m;
    }
}
