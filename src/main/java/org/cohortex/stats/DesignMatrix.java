package org.cohortex.stats;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.cohortex.linalg.Mat;

/**
 * A model matrix for samples that have every variable of the model (complete cases):
 * intercept, the trait term, covariates (categoricals treatment-coded as R's model.matrix does),
 * then surrogate variables.
 */
public final class DesignMatrix {
    /** n x p. */
    public final Mat x;
    /** Column names, R style: "(Intercept)", "age", "sexmale", "sv1". */
    public final List<String> columns;
    /** The column whose coefficient is tested. */
    public final int traitColumn;
    /** Indices, into the caller's sample list, of the samples used (in order). */
    public final int[] used;
    /** Sample id -> the first model variable it lacks, for samples dropped as incomplete. */
    public final Map<String, String> dropped;
    /** Categorical variable -> its levels, reference first. */
    public final Map<String, List<String>> levels;

    DesignMatrix(Mat x, List<String> columns, int traitColumn, int[] used, Map<String, String> dropped, Map<String, List<String>> levels) {
        this.x = x;
        this.columns = Collections.unmodifiableList(new ArrayList<>(columns));
        this.traitColumn = traitColumn;
        this.used = used;
        this.dropped = Collections.unmodifiableMap(new LinkedHashMap<>(dropped));
        this.levels = Collections.unmodifiableMap(new LinkedHashMap<>(levels));
    }

    public int n() { return x.rows; }

    public int p() { return x.cols; }

    public int residualDf() { return x.rows - x.cols; }

    public String traitTerm() { return columns.get(traitColumn); }
}
