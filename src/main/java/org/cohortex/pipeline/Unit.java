package org.cohortex.pipeline;

import java.nio.file.Path;
import java.util.List;

import org.cohortex.io.Scale;

/**
 * One unit of the study grid: what it computes from which inputs into which outputs, with the
 * settings its key hashes and the units it needs first. A unit is done when its recorded key (a
 * SHA-256 over its settings and the SHA-256 of each input) is unchanged and its outputs exist.
 */
public sealed interface Unit permits Unit.Prs, Unit.Deconvolve, Unit.Impute, Unit.De, Unit.CellType, Unit.Enrich {
    /** Unit kinds, as the plan names them. */
    enum Kind { PRS, DECONVOLVE, IMPUTE, DE, CELLTYPE, ENRICH }

    String id();

    Kind kind();

    /** What the key hashes besides the inputs' checksums, in order. */
    List<String> settings();

    /** Files whose SHA-256 enter the key (upstream outputs included). */
    List<Path> inputs();

    /** Files that must exist for the unit to count as done. */
    List<Path> outputs();

    /** Files that also count as the unit done (a recorded "not fitted"). */
    default List<Path> alternativeOutputs() { return List.of(); }

    /** Units whose outputs this one reads. */
    List<String> upstream();

    /** Whether the cuda backend pays off for this unit. */
    boolean gpu();

    /** A rough peak-memory estimate for a scheduler (MB). */
    long memoryMb();

    /** PRS QC and scoring; the best score joins the phenotypes ({@code phenotypesOut}). */
    record Prs(String id, List<String> settings, List<Path> inputs, List<Path> outputs, long memoryMb, StudyConfig.Prs prs, Path dir,
               Path phenotypesOut) implements Unit {
        public Kind kind() { return Kind.PRS; }

        public List<String> upstream() { return List.of(); }

        public boolean gpu() { return true; }
    }

    /** Proportions of one region's bulk from its panel. */
    record Deconvolve(String id, List<String> settings, List<Path> inputs, List<Path> outputs, long memoryMb, StudyConfig.Region region,
                      StudyConfig.Panel panel, Path dir) implements Unit {
        public Kind kind() { return Kind.DECONVOLVE; }

        public List<String> upstream() { return List.of(); }

        public boolean gpu() { return false; }
    }

    /** One region's cell-type expression, every cell type of its panel. */
    record Impute(String id, List<String> settings, List<Path> inputs, List<Path> outputs, List<String> upstream, boolean gpu,
            long memoryMb,
                  StudyConfig.Region region, StudyConfig.Panel panel, Path proportions, List<String> cellTypes, Path dir) implements Unit {
        public Kind kind() { return Kind.IMPUTE; }
    }

    /** One trait in one set (a bulk region, or a region's imputed cell type). */
    record De(String id, List<String> settings, List<Path> inputs, List<Path> outputs, List<Path> alternativeOutputs, List<String> upstream,
              boolean gpu, long memoryMb, String trait, String set, Path expression, Scale scale, Path phenotypes,
                      Path dir) implements Unit {
        public Kind kind() { return Kind.DE; }
    }

    /**
     * One trait in every cell type of a region at once (the interaction model, or bMIND's test on the region's
     * imputation): the analysis' own files in {@code joint}, a set folder per reported type under {@code typeRoot}
     * ({@code <region>.<type>}).
     */
    record CellType(String id, List<String> settings, List<Path> inputs, List<Path> outputs, List<Path> alternativeOutputs,
                    List<String> upstream, boolean gpu, long memoryMb, String trait, String region, List<String> cellTypes, Path counts,
                    Path proportions, Path phenotypes, Path imputed, Path joint, Path typeRoot) implements Unit {
        public Kind kind() { return Kind.CELLTYPE; }

        /** The set folder of cell type {@code type}. */
        public Path setDir(String type) { return typeRoot.resolve(region + "." + type); }
    }

    /** Enrichment over every fitted DE analysis; part of the finish step. */
    record Enrich(String id, List<String> settings, List<Path> inputs, List<Path> outputs, List<String> upstream, List<Path> deDirs,
                  Path dir) implements Unit {
        public Kind kind() { return Kind.ENRICH; }

        public boolean gpu() { return false; }

        public long memoryMb() { return 1024; }
    }
}
