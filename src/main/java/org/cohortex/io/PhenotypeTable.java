package org.cohortex.io;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.cohortex.UserException;

/**
 * A sample-keyed table of variables. Each column is numeric (every non-missing value parses as a
 * finite number, unless forced categorical) or categorical (levels as strings). Missing = NA/empty.
 */
public final class PhenotypeTable {
    public enum Type { NUMERIC, CATEGORICAL }

    public static final class Column {
        public final String name;
        public final Type type;
        /** Numeric values, NaN = missing (null for categorical columns). */
        public final double[] numeric;
        /** Categorical values, null = missing (null array for numeric columns). */
        public final String[] levels;

        Column(String name, Type type, double[] numeric, String[] levels) {
            this.name = name;
            this.type = type;
            this.numeric = numeric;
            this.levels = levels;
        }

        public boolean isMissing(int row) {
            return type == Type.NUMERIC ? Double.isNaN(numeric[row]) : levels[row] == null;
        }

        public int missingCount() {
            int c = 0;
            for (int i = 0; i < (numeric != null ? numeric.length : levels.length); i++) if (isMissing(i)) c++;
            return c;
        }
    }

    public final String source;
    public final String sampleColumn;
    private final List<String> samples;
    private final Map<String, Integer> rowOf;
    private final Map<String, Column> columns;

    PhenotypeTable(String source, String sampleColumn, List<String> samples, Map<String, Integer> rowOf, Map<String, Column> columns) {
        this.source = source;
        this.sampleColumn = sampleColumn;
        this.samples = Collections.unmodifiableList(samples);
        this.rowOf = rowOf;
        this.columns = columns;
    }

    public List<String> samples() { return samples; }

    public int sampleCount() { return samples.size(); }

    /** Row of a sample id, or -1. */
    public int row(String sample) {
        Integer r = rowOf.get(sample);
        return r == null ? -1 : r;
    }

    public List<String> columnNames() { return new ArrayList<>(columns.keySet()); }

    public boolean has(String name) { return columns.containsKey(name); }

    /** The column, or a UserException that lists what the table has. */
    public Column column(String name) {
        Column c = columns.get(name);
        if (c != null) return c;
        String close = null;
        for (String k : columns.keySet()) if (k.equalsIgnoreCase(name)) close = k;
        StringBuilder m = new StringBuilder(source + ": no column named '" + name + "'");
        if (close != null) m.append(" (did you mean '").append(close).append("'?)");
        List<String> names = columnNames();
        m.append("; the table has ").append(names.size()).append(" columns: ");
        m.append(String.join(", ", names.subList(0, Math.min(12, names.size()))));
        if (names.size() > 12) m.append(", ...");
        throw new UserException(m.toString());
    }

    /** Builds a table in memory (simulator, tests). */
    public static PhenotypeTable of(String source, String sampleColumn, List<String> samples, List<Column> cols) {
        Map<String, Integer> rowOf = new HashMap<>();
        for (int i = 0; i < samples.size(); i++) rowOf.put(samples.get(i), i);
        Map<String, Column> m = new LinkedHashMap<>();
        for (Column c : cols) m.put(c.name, c);
        return new PhenotypeTable(source, sampleColumn, new ArrayList<>(samples), rowOf, m);
    }

    public static Column numericColumn(String name, double[] values) {
        return new Column(name, Type.NUMERIC, values, null);
    }

    public static Column categoricalColumn(String name, String[] values) {
        return new Column(name, Type.CATEGORICAL, null, values);
    }
}
