package org.cohortex.pipeline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.cohortex.pipeline.report.ReportInput;
import org.cohortex.pipeline.report.ReportWriter;
import org.cohortex.pipeline.report.Tsv;

/** report.html of a run (the report package draws it): the planned grid and the settings that label it, from the configuration. */
final class Report {
    private Report() {}

    static Path write(Path out, StudyConfig c, Plan plan) {
        List<ReportInput.PlannedSet> sets = new ArrayList<>();
        for (Plan.SetRef s : plan.sets()) sets.add(new ReportInput.PlannedSet(s.trait(), s.set(), s.dir()));
        Path truth = TruthScores.available(c) ? TruthScores.truthDir(c) : null;
        return ReportWriter.write(new ReportInput(out, c.file.toString(), c.traits, c.alpha, plan.regionTypes(), sets, c.phenotypes, truth,
                c.prs != null ? c.prs.name() : null, c.prs != null ? c.prs.target() : null, c.cellTypeTest));
    }

    /** A tab-separated table, header first; absent or unreadable: one empty row (as the callers expect). */
    static List<String[]> table(Path f) {
        List<String[]> t = Tsv.read(f);
        return t.isEmpty() ? List.<String[]>of(new String[0]) : t;
    }
}
