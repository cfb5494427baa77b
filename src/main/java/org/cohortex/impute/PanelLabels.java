package org.cohortex.impute;

import java.nio.file.Path;
import java.util.Set;

import org.cohortex.UserException;
import org.cohortex.io.CellLabels;
import org.cohortex.io.PhenotypeReader;
import org.cohortex.io.PhenotypeTable;

/**
 * The labels of a single-cell panel, aligned with its counts' cells: a cell type for every cell and,
 * when the file has a {@code donor} column (cell, cell_type, donor), the donor it came from.
 */
public record PanelLabels(String[] cellType, String[] donor) {
    /** Whether the panel says which donor each cell came from (bMIND's prior needs that). */
    public boolean hasDonors() { return donor != null; }

    /**
     * Reads {@code file} (first column the cell id, then the cell type, optionally a column named
     * {@code donor}); the cell types are checked by {@link CellLabels} (every cell of {@code cells}
     * labelled, every labelled cell in the counts, types usable as file names).
     */
    public static PanelLabels read(Path file, String[] cells) {
        String[] types = CellLabels.typesOf(file, cells, "the reference counts");
        PhenotypeTable t = PhenotypeReader.read(file, null, Set.of("donor"));
        if (!t.columnNames().contains("donor")) return new PanelLabels(types, null);
        PhenotypeTable.Column donor = t.column("donor");
        String[] donors = new String[cells.length];
        for (int c = 0; c < cells.length; c++) {
            int row = t.row(cells[c]);
            if (donor.isMissing(row)) throw new UserException(file + ": cell '" + cells[c] + "' has no donor");
            donors[c] = donor.levels[row];
        }
        return new PanelLabels(types, donors);
    }
}
