package org.cohortex.pipeline.report;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What the report needs to know beyond the run folder's files: the grid that was planned (so a
 * part that has not run shows as "not run yet") and the settings that label it.
 *
 * @param out          the run folder
 * @param configFile   the configuration the run was made from (shown, not read)
 * @param traits       the traits, in configuration order
 * @param alpha        the Bonferroni level of a DEG
 * @param regionTypes  region -> the cell types analysed there
 * @param sets         every planned (trait, set) with its folder
 * @param phenotypes   the phenotype table (PC plot colours), or null
 * @param truth        the simulation's truth folder, or null when there is none
 * @param prsName      the PRS trait's name, or null without a PRS
 * @param prsTarget    the trait the PRS is tuned on, or null
 * @param cellTypeTest the cell-type test (interaction, bmind, imputed)
 */
public record ReportInput(Path out, String configFile, List<String> traits, double alpha, Map<String, List<String>> regionTypes,
                          List<PlannedSet> sets, Path phenotypes, Path truth, String prsName, String prsTarget, String cellTypeTest) {
    /** One analysed set (bulk region or region.cell type) of a trait, and its folder. */
    public record PlannedSet(String trait, String set, Path dir) {
        /** The region of the set ("BLA" of "BLA.microglia"). */
        public String region() { return set.contains(".") ? set.substring(0, set.indexOf('.')) : set; }

        /** The cell type, or "bulk". */
        public String cellType() { return set.contains(".") ? set.substring(set.indexOf('.') + 1) : "bulk"; }
    }
}
