package org.cohortex.io;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.cohortex.UserException;

/**
 * The labels of a single-cell reference (cell id, cell type, more columns allowed), checked against
 * the cells of its counts matrix: every cell of the counts needs a type, and every labelled cell
 * must be in the counts (otherwise the two files do not belong together, or one was filtered and
 * the other not). Cell types become file names downstream (impute writes {@code <type>.tsv.gz}), so
 * each must be one safe path component ({@link SafeNames}).
 */
public final class CellLabels {
    private CellLabels() {}

    /** The cell type of each of {@code cells} (the counts' columns, named by {@code countsSource} in messages). */
    public static String[] typesOf(Path labelsFile, String[] cells, String countsSource) {
        PhenotypeTable labels = PhenotypeReader.read(labelsFile, null, Set.of());
        List<String> cols = labels.columnNames();
        if (cols.isEmpty()) throw new UserException(labelsFile + ": needs a second column with the cell type of each cell");
        PhenotypeTable.Column lab = labels.column(cols.get(0));
        String[] type = new String[cells.length];
        List<String> unlabelled = new ArrayList<>();
        Set<String> inCounts = new HashSet<>();
        for (int c = 0; c < cells.length; c++) {
            inCounts.add(cells[c]);
            int row = labels.row(cells[c]);
            if (row < 0 || lab.isMissing(row)) {
                unlabelled.add(cells[c]);
                continue;
            }
            type[c] = lab.type == PhenotypeTable.Type.CATEGORICAL ? lab.levels[row] : Double.toString(lab.numeric[row]);
            String bad = SafeNames.problem(type[c]);
            if (bad != null) throw new UserException(labelsFile + ": cell '" + cells[c] + "': cell type '" + type[c]
                    + "' cannot name a file or folder: " + bad);
        }
        if (!unlabelled.isEmpty()) {
            throw new UserException(labelsFile + ": " + unlabelled.size() + " of the " + cells.length + " cells of " + countsSource
                    + " have no cell type (" + first(unlabelled) + "); every cell of the reference needs one");
        }
        List<String> absent = new ArrayList<>();
        for (String id : labels.samples()) if (!inCounts.contains(id)) absent.add(id);
        if (!absent.isEmpty()) {
            throw new UserException(labelsFile + ": " + absent.size() + " labelled cells are not columns of " + countsSource + " ("
                    + first(absent) + "): do the labels belong to these counts?");
        }
        return type;
    }

    private static String first(List<String> ids) {
        return String.join(", ", ids.subList(0, Math.min(5, ids.size()))) + (ids.size() > 5 ? ", ..." : "");
    }
}
