package org.cohortex.prs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.cohortex.UserException;
import org.cohortex.pipeline.StudyConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configuration keys of issue 18: prs.hwe_all_samples and prs.gwas_duplicates. */
class PrsConfigTest {
    @TempDir
    Path dir;

    StudyConfig read(String prs) throws IOException {
        Path config = dir.resolve("study.yaml");
        Files.writeString(config, String.join("\n",
                "cohort: {phenotypes: pheno.tsv}",
                "regions: {dACC: {counts: dacc.tsv, panel: cortex}}",
                "panels: {cortex: {counts: ref.tsv, labels: labels.tsv}}",
                "genotypes: {plink: genotypes/cohort, gwas: gwas.tsv.gz}",
                "prs: {name: mcp_prs, target: chronic_pain" + prs + "}",
                "traits: [chronic_pain]", ""));
        return StudyConfig.read(config);
    }

    @Test
    void defaultsArePlink19AndPrsice2() throws IOException {
        StudyConfig c = read("");
        assertFalse(c.prs.qc().genotype().hweAllSamples());
        assertEquals(SummaryStatistics.Duplicates.EXCLUDE_ALL, c.prs.qc().sumstats().duplicates());
    }

    @Test
    void keysSetTheOtherRules() throws IOException {
        StudyConfig c = read(", hwe_all_samples: true, gwas_duplicates: keep-first");
        assertTrue(c.prs.qc().genotype().hweAllSamples());
        assertEquals(SummaryStatistics.Duplicates.KEEP_FIRST, c.prs.qc().sumstats().duplicates());
        UserException e = assertThrows(UserException.class, () -> read(", gwas_duplicates: first"));
        assertTrue(e.getMessage().contains("prs.gwas_duplicates") && e.getMessage().contains("exclude-all, keep-first"), e.getMessage());
        e = assertThrows(UserException.class, () -> read(", hwe_all_samples: yes please"));
        assertTrue(e.getMessage().contains("prs.hwe_all_samples"), e.getMessage());
    }
}
