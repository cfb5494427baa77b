package org.cohortex.impute;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.cohortex.UserException;
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
     * {@code donor}); every cell of {@code cells} needs a label.
     */
    public static PanelLabels read(Path file, String[] cells) {
        PhenotypeTable t = PhenotypeReader.read(file, null, Set.of("donor"));
        List<String> cols = t.columnNames();
        if (cols.isEmpty()) throw new UserException(file + ": needs a second column with the cell type of each cell");
        PhenotypeTable.Column type = t.column(cols.get(0));
        PhenotypeTable.Column donor = cols.contains("donor") ? t.column("donor") : null;
        String[] types = new String[cells.length], donors = donor == null ? null : new String[cells.length];
        int missing = 0;
        String first = null;
        for (int c = 0; c < cells.length; c++) {
            int row = t.row(cells[c]);
            if (row < 0 || type.isMissing(row)) {
                if (missing++ == 0) first = cells[c];
                continue;
            }
            types[c] = type.type == PhenotypeTable.Type.CATEGORICAL ? type.levels[row] : Double.toString(type.numeric[row]);
            if (donor != null) {
                if (donor.isMissing(row)) throw new UserException(file + ": cell '" + cells[c] + "' has no donor");
                donors[c] = donor.levels[row];
            }
        }
        if (missing > 0) {
            throw new UserException(file + ": " + missing + " cells of the counts have no cell type here (the first: '" + first + "')");
        }
        return new PanelLabels(types, donors);
    }
}
