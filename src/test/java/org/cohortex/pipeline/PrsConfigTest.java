package org.cohortex.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.cohortex.UserException;
import org.cohortex.prs.SummaryStatistics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The configuration keys of issue 18: prs.hwe_all_samples and prs.gwas_duplicates. */
class PrsConfigTest {
    @TempDir
    Path dir;

    StudyConfig read(String prs) throws IOException {
        // the configuration's files must exist (StudyConfig checks them); their content matters only for the headers
        Files.writeString(dir.resolve("pheno.tsv"), "sample\tchronic_pain\nS1\t1\n");
        Files.writeString(dir.resolve("labels.tsv"), "cell\tcell_type\nc1\tA\nc2\tB\n");
        for (String f : new String[] {"dacc.tsv", "ref.tsv", "gwas.tsv.gz", "genotypes/cohort.bed", "genotypes/cohort.bim",
                "genotypes/cohort.fam"}) {
            Files.createDirectories(dir.resolve(f).getParent());
            if (!Files.exists(dir.resolve(f))) Files.writeString(dir.resolve(f), "");
        }
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
