package org.cohortex.prs;

/**
 * What one QC step did, as a row of qc_steps.tsv: the count it started from, the indices it kept and
 * removed (samples or variants of the fileset; for the GWAS step, kept = the matched .bim indices and
 * removed = the GWAS rows it dropped), and its criterion in words.
 */
public record QcStep(String name, Unit unit, int before, int[] kept, int[] removed, String criterion) {
    public enum Unit {
        VARIANTS("variants"), SAMPLES("samples");

        final String label;

        Unit(String label) { this.label = label; }
    }

    public int after() { return kept.length; }
}
