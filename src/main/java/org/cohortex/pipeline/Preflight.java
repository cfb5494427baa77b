package org.cohortex.pipeline;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.cohortex.UserException;
import org.cohortex.enrich.GeneSetFiles;
import org.cohortex.io.CellLabels;
import org.cohortex.io.PhenotypeReader;
import org.cohortex.io.PhenotypeTable;
import org.cohortex.io.TextFiles;
import org.cohortex.prs.PlinkFileset;
import org.cohortex.prs.SummaryStatistics;

/**
 * What a run checks after its configuration ({@link StudyConfig}) and before it runs or writes
 * anything: the inputs' contents that cost little to read. The phenotype table whole (each trait
 * numeric or two levels, not constant), the counts' headers (sample ids shared with the
 * phenotypes), each panel's labels against its counts' header, the PLINK fileset (.bed size, .fam
 * IIDs), the GWAS summary statistics whole, the gene sets and lists. Every problem at once, by
 * YAML key, so that a mistake in the last input does not surface after the PRS and half the grid.
 * The counts' values are read by the units (each matrix once; reading all of them here would
 * double the I/O of every run).
 */
final class Preflight {
    private final StudyConfig c;
    private final List<String> problems = new ArrayList<>();

    private Preflight(StudyConfig c) { this.c = c; }

    static void check(StudyConfig c, Path out) {
        Preflight p = new Preflight(c);
        if (Files.exists(out) && !Files.isDirectory(out)) p.problems.add("--out: " + out + " exists and is not a folder");
        Set<String> samples = p.phenotypes();
        for (StudyConfig.Region r : c.regions.values()) p.counts(r, samples);
        for (StudyConfig.Panel panel : c.panels.values()) {
            p.attempt("panels." + panel.name() + ".labels", () -> {
                List<String> cells = header(panel.counts());
                CellLabels.typesOf(panel.labels(), cells.toArray(new String[0]), panel.counts().toString());
            });
        }
        if (c.prs != null) {
            p.attempt("genotypes.plink", () -> PlinkFileset.open(c.prs.plink()).close());
            p.attempt("genotypes.gwas", () -> SummaryStatistics.read(c.prs.gwas()));
        }
        for (Path g : c.gmt) p.attempt("enrichment.gmt", () -> GeneSetFiles.readGmt(g));
        for (Path l : c.lists) p.attempt("enrichment.lists", () -> GeneSetFiles.readList(l));
        if (!p.problems.isEmpty()) {
            throw new UserException(c.file + ": " + (p.problems.size() == 1 ? p.problems.get(0)
                    : p.problems.size() + " problems in the inputs:\n  " + String.join("\n  ", p.problems)));
        }
    }

    /** The phenotype table read whole, its traits checked; the sample ids, or null when it cannot be read. */
    private Set<String> phenotypes() {
        PhenotypeTable t;
        try {
            t = PhenotypeReader.read(c.phenotypes, c.sampleColumn, Set.of());
        } catch (UserException e) {
            problem("cohort.phenotypes", e);
            return null;
        }
        for (String trait : c.traits) {
            if (c.prs != null && trait.equals(c.prs.name()) || !t.has(trait)) continue; // computed, or already a problem of the config
            String why = traitProblem(t.column(trait));
            if (why != null) problems.add("traits: '" + trait + "' " + why);
        }
        if (c.prs != null && t.has(c.prs.target())) {
            String why = traitProblem(t.column(c.prs.target()));
            if (why != null) problems.add("prs.target: '" + c.prs.target() + "' " + why);
        }
        return new HashSet<>(t.samples());
    }

    /** Why a column cannot be a trait (numeric with two values or more, or two levels), or null. */
    static String traitProblem(PhenotypeTable.Column col) {
        Set<Object> values = new HashSet<>();
        int n = col.type == PhenotypeTable.Type.NUMERIC ? col.numeric.length : col.levels.length;
        for (int i = 0; i < n; i++) {
            if (!col.isMissing(i)) values.add(col.type == PhenotypeTable.Type.NUMERIC ? (Object) col.numeric[i] : col.levels[i]);
        }
        if (values.isEmpty()) return "is missing (NA) for every sample";
        if (values.size() == 1) return "has one value (" + values.iterator().next() + ") for every sample";
        if (col.type == PhenotypeTable.Type.CATEGORICAL && values.size() > 2) {
            return "is categorical with " + values.size() + " levels; a trait is numeric or has two levels";
        }
        return null;
    }

    /** A region's counts: a header of sample ids, some of them in the phenotype table. */
    private void counts(StudyConfig.Region r, Set<String> phenotypeSamples) {
        attempt("regions." + r.name() + ".counts", () -> {
            List<String> ids = header(r.counts());
            if (phenotypeSamples == null) return;
            long shared = ids.stream().filter(phenotypeSamples::contains).count();
            if (shared == 0) {
                throw new UserException(r.counts() + ": none of its " + ids.size() + " sample ids (" + String.join(", ", ids.subList(0,
                        Math.min(3, ids.size()))) + ", ...) is a sample of " + c.phenotypes);
            }
        });
    }

    /** The column ids of a matrix's header (after the gene-id column). */
    static List<String> header(Path matrix) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(TextFiles.open(matrix), StandardCharsets.UTF_8))) {
            String h = r.readLine();
            if (h == null || h.isBlank()) throw new UserException(matrix + ": the file is empty");
            if (h.startsWith("\uFEFF")) h = h.substring(1);
            List<String> f = TextFiles.split(h, (char) TextFiles.delimiterFor(matrix, h), matrix, 1);
            if (f.size() < 2) throw new UserException(matrix + ": line 1: the header has no sample ids");
            List<String> ids = new ArrayList<>();
            for (String s : f.subList(1, f.size())) ids.add(s.trim());
            return ids;
        } catch (IOException e) {
            throw new UserException(matrix + ": cannot be read (" + e.getMessage() + ")", e);
        }
    }

    private void attempt(String key, Runnable check) {
        try {
            check.run();
        } catch (UserException e) {
            problem(key, e);
        }
    }

    private void problem(String key, UserException e) { problems.add(key + ": " + e.render(StudyConfig::settingKey)); }
}
