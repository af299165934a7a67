package io.mixfarm.analysis.report;

import java.nio.file.Path;
import java.util.List;

/**
 * The files {@link Report#write} wrote, and what it left out.
 *
 * @param html    the report page, {@code report.html}
 * @param charts  every chart file written, PNG then SVG per chart, in the order the report shows them
 * @param skipped one line per chart that was not drawn, saying which and why (e.g. no TV rows yet)
 */
public record ReportFiles(Path html, List<Path> charts, List<String> skipped) {

    public ReportFiles {
        charts = List.copyOf(charts);
        skipped = List.copyOf(skipped);
    }
}
