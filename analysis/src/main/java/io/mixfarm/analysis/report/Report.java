package io.mixfarm.analysis.report;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.mixfarm.analysis.mixing.MixingStudyRow;
import io.mixfarm.analysis.mixing.MixingSummaryRow;
import io.mixfarm.analysis.tv.TvSummaryRow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

import org.knowm.xchart.XYChart;

/**
 * Writes an experiment's report into one folder: the charts of figures 3a, 3b and 4 and the mixing curve, each as PNG
 * and SVG, and {@code report.html}, a single static page that inlines the SVGs, so it opens offline and can be mailed
 * on its own.
 */
public final class Report {

    static {
        // Reports are written on machines without a display. AWT reads this once, when the first colour is made, so
        // it is set here, in the entry point, before Palette or any chart touches AWT.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** File name of the report page. */
    public static final String HTML = "report.html";

    private static final String CSS = """
            body { font-family: "DejaVu Sans", system-ui, sans-serif; color: #222; line-height: 1.45;
                   max-width: 1020px; margin: 2em auto; padding: 0 1em; }
            h1 { font-size: 1.6em; margin-bottom: .2em; }
            h2 { font-size: 1.2em; margin-top: 2.2em; border-bottom: 1px solid #ddd; }
            figure { margin: 1em 0; }
            figure svg { display: block; max-width: 100%; height: auto; }
            figcaption { font-size: .92em; margin-top: .5em; }
            .files { color: #666; }
            .notes { background: #fff8e1; border-left: 4px solid #e6a700; padding: .4em 1em; }
            table { border-collapse: collapse; font-size: .88em; font-variant-numeric: tabular-nums; }
            th, td { padding: .25em .6em; border-bottom: 1px solid #e4e4e4; text-align: right; white-space: nowrap; }
            th { background: #f4f4f4; }
            .text { text-align: left; }
            .sig { font-weight: bold; }
            .wide { overflow-x: auto; }
            .panels { display: grid; grid-template-columns: repeat(auto-fill, minmax(440px, 1fr)); gap: 0 1em; }
            .panels figure { margin: .5em 0; }
            """;

    // Captions: HTML, one paragraph each; what the chart shows and how to read it.

    private static final String NOISE_FLOOR = "The noise floor is what the same statistic gives when both samples come"
            + " from one distribution: its mean over permutations of whole-trial labels between the two schedules"
            + " (for a paired comparison, a fork and its parent, swaps of the two branches within each pair),"
            + " with a band of ± 2 standard deviations. The table calls a pair <em>separated</em> at an epoch when its"
            + " permutation p-value, Holm-adjusted over every epoch and pair of the run, is below " + Verdict.ALPHA
            + " (so the chance of even one such call where no pair differs stays below " + Verdict.ALPHA + "), and"
            + " <em>on the floor</em> otherwise: what two schedules that have mixed look like.";

    /**
     * What the interval is, and that it held its level in every regime of the coverage benchmark
     * ({@code docs/intervals.md}); were a regime below 93%, this is where the report would have to say so.
     */
    static final String INTERVAL = "for the true mean TV between the schedules' prediction distributions, from a"
            + " lower estimate that does not overstate it on average and the plug-in, which does not understate it,"
            + " over whole trials; conservative: it covered the truth in at least 95% of simulated experiments in"
            + " every regime measured, sharp and diffuse predictions alike (docs/intervals.md in the mixfarm"
            + " repository); none below 4 trials per schedule";

    private static final String ERRORS_CAPTION = "Mean train error (dashed) and test error (solid) of each schedule"
            + " per epoch, averaged over its trials, as in the paper's figure 3a. The shaded band around each curve"
            + " spans the 10th to the 90th percentile of single trials at that epoch: how far one trial strays from the"
            + " mean, not the uncertainty of the mean. Schedules that share an intrinsic learning rate (η × λ) should"
            + " reach the same errors some time after it becomes equal, and keep them through fine-tuning.";

    private static final String TV_VS_N_CAPTION = "Total variation between two schedules' distributions of predicted"
            + " classes, averaged over the test images, against the number n of trials per schedule (log2 axis), one"
            + " chart per record epoch, as in the paper's figure 3b. Solid: the plug-in estimate from the first n trials of each"
            + " schedule (nested subsets); dotted: its mean over random n-subsets. The plug-in TV is biased upwards by"
            + " roughly 1/√n, so it falls as n grows even between identical schedules. Dashed: the paper's baseline,"
            + " the sum of the two schedules' mean test errors, the TV they would have if they erred on disjoint"
            + " images. Dash-dot with band: the noise floor. " + NOISE_FLOOR;

    private static final String MIXING_CAPTION = "One panel per pair of schedules, all on the same axes: the TV between"
            + " the two schedules at every record epoch, from all trials, with its 95% confidence interval (" + INTERVAL
            + ") as error bars. Dashed with band: the noise floor. Where a pair's TV comes down to its floor, the two"
            + " schedules have become indistinguishable in function space; the conjecture predicts this O(1/(η λ))"
            + " steps after their intrinsic learning rates become equal.";

    private static final String STUDY_CAPTION = "A mixing-time study (docs/method.md, \"Mixing-time study\"): one"
            + " panel per intrinsic learning rate λ_e, all on the same axes, with the TV between the perturbed"
            + " schedule P and its reference R from all their trials (as pairs when P forks from R: the panel's"
            + " title says the design) at every record point from the perturbation on, against SGD steps after it"
            + " (step − T0·S, T0 the shared epochs and S the steps per epoch). At 0, the last point before the"
            + " perturbation, P is still R's trials, so the TV is 0. Error bars: the 95% interval " + INTERVAL
            + ". Dashed with band: the noise floor ± 2 sd. A square marks a point where the pair is"
            + " <em>separated</em> (Holm p below " + Verdict.ALPHA + ", as in the verdict table). The conjecture"
            + " predicts that P comes back to the floor O(1/λ_e) steps after the perturbation: later the smaller"
            + " λ_e.";

    private static final String MIXING_LAW_CAPTION = "A mixing-time study (mixfarm mixing; docs/method.md, \"Mixing"
            + " time\"): per clock, the time after the perturbation at which each intrinsic learning rate λ_e mixes"
            + " (function-space: T_mix from the TV between P and R; norm: the effective LR back within 5% of R's),"
            + " against 1/λ_e on log-log axes, with its 95% bootstrap interval over pairs as a bar (not drawn where"
            + " the interval is unbounded: too many resamples did not settle within the recorded steps). Dashed: the"
            + " fitted law log T = a + b log(1/λ_e); dotted: slope 1, the conjecture, through the function-space"
            + " fit's centre. A time that did not settle has no point.";

    private static final String NORMS_CAPTION = "Mean total norm ||w|| of all scale-invariant weights per epoch,"
            + " averaged over trials; band: 10th to 90th percentile of trials. Weight decay pulls the norm towards an"
            + " equilibrium set by the intrinsic learning rate, so a norm that has stopped moving is a sign that SGD"
            + " has reached its equilibrium (the paper's section 5.1 and figure 4).";

    private static final String EFFECTIVE_LR_CAPTION = "Mean effective learning rate lr / ||w||² per epoch, averaged"
            + " over trials, on a log scale; band: 10th to 90th percentile of trials. Schedules with the same intrinsic"
            + " learning rate should reach the same effective learning rate once their norms settle, even when their"
            + " raw learning rates differ (figure 4). Non-positive values cannot be drawn on the log scale and are left"
            + " out.";

    private static final String VERDICT_CAPTION = "Per record epoch and pair of schedules, from all trials: the TV,"
            + " the TV less its noise floor, and the permutation p-value adjusted by Holm's method over every epoch and"
            + " pair of the run. " + NOISE_FLOOR;

    private static final String TABLE_CAPTION = "One row per record epoch, schedule pair and n. tv: plug-in mean TV"
            + " over test images; corrected tv: tv minus the noise floor's mean; 95% CI: the interval " + INTERVAL
            + ";"
            + " noise floor: mean ± sd of the statistic under permutations of whole-trial labels (swaps within"
            + " pairs where the schedules are paired); p: permutation"
            + " p-value; Holm p: p adjusted by Holm's method over the all-trials rows of every epoch and pair, since many"
            + " are tested at once (about one in twenty raw p-values falls below 0.05 by chance where there is no"
            + " difference), in bold when below " + Verdict.ALPHA + "; verdict: <em>separated</em> when Holm p is"
            + " below " + Verdict.ALPHA + ", else <em>on the floor</em>. Rows at smaller n re-use the same trials as"
            + " a curve, not as tests, so they get neither. Baseline: sum of the two schedules' mean test errors;"
            + " random n-subsets: the statistic over random subsets of n trials; " + Html.MISSING + " marks a value"
            + " that was not computed.";

    private Report() {
    }

    /**
     * Writes the report into {@code dir} (created if missing). Charts without data are skipped and listed, in the
     * returned files and on the page, so a report can be written while trials are still running.
     *
     * @param dir        output folder; files of the same names are replaced, other files are left alone
     * @param experiment the experiment's name, the page's title
     * @param metrics    one row per trial and epoch (may be empty)
     * @param tv         the {@code tv_summary} rows (may be empty, e.g. before the TV job has run)
     * @param facts      provenance shown at the top, in the map's iteration order (config hash, trials, git commit,
     *                   generation time: whatever the caller knows)
     * @return the files written and the charts skipped
     * @throws IOException if a file cannot be written
     */
    public static ReportFiles write(Path dir, String experiment, List<MetricRow> metrics, List<TvSummaryRow> tv,
                                    Map<String, String> facts) throws IOException {
        return write(dir, experiment, metrics, tv, List.of(), List.of(), facts);
    }

    /**
     * Writes the report with a mixing-time study's scaling law: {@link #write(Path, String, List, List, Map)} and
     * the chart of the law.
     *
     * @param study the {@code mixing_summary} rows (empty: no such chart)
     * @param laws  the {@code mixing_laws} rows
     */
    public static ReportFiles write(Path dir, String experiment, List<MetricRow> metrics, List<TvSummaryRow> tv,
                                    List<MixingSummaryRow> study, List<MixingStudyRow> laws,
                                    Map<String, String> facts) throws IOException {
        return write(dir, experiment, metrics, tv, Optional.empty(), study, laws, facts);
    }

    /**
     * Writes the report of a mixing-time study: {@link #write(Path, String, List, List, List, List, Map)} and, per
     * intrinsic LR, the TV between its perturbed and reference schedules against the steps after the perturbation.
     *
     * @param curves the study's schedules and step axis, if the experiment is a study (empty: no such panels)
     */
    public static ReportFiles write(Path dir, String experiment, List<MetricRow> metrics, List<TvSummaryRow> tv,
                                    Optional<StudyCurves> curves, List<MixingSummaryRow> study,
                                    List<MixingStudyRow> laws, Map<String, String> facts) throws IOException {
        Objects.requireNonNull(experiment, "experiment");
        Objects.requireNonNull(facts, "facts");
        Files.createDirectories(dir);
        List<EpochAggregate> aggregates = EpochAggregate.of(metrics);
        Palette palette = new Palette(List.copyOf(new TreeSet<>(metrics.stream().map(MetricRow::schedule).toList())),
                TvRows.pairs(tv));
        List<Section> sections = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        String trials = aggregates.isEmpty() ? "" : " Trials per schedule: " + trialCounts(aggregates) + ".";

        if (aggregates.isEmpty()) {
            skipped.add("errors, norms, effective_lr: no metric rows");
        } else {
            single(sections, skipped, Charts.errors(aggregates, palette), dir, "errors",
                    "Train and test error (figure 3a)", ERRORS_CAPTION + trials);
        }
        if (tv.isEmpty()) {
            skipped.add("tv_vs_n, mixing: no TV summary rows yet");
        } else {
            List<Panel> byN = new ArrayList<>();
            for (int epoch : TvRows.epochs(tv)) {
                panel(byN, skipped, Charts.tvVsN(epoch, TvRows.byN(tv, epoch), palette), dir, "tv_vs_n_epoch" + epoch,
                        "epoch " + epoch);
            }
            addSection(sections, "tv_vs_n", "TV against the number of trials (figure 3b)", TV_VS_N_CAPTION, byN,
                    false);
            Map<String, List<TvSummaryRow>> byPair = TvRows.allTrialsByEpoch(tv);
            boolean bySteps = TvRows.bySteps(tv);
            Charts.PanelAxes axes = Charts.PanelAxes.of(byPair, bySteps);
            List<Panel> mixing = new ArrayList<>();
            int index = 0;
            for (Map.Entry<String, List<TvSummaryRow>> pair : byPair.entrySet()) {
                // Numbered, not named: schedule names may hold characters a file name should not.
                panel(mixing, skipped, Charts.mixingPanel(pair.getKey(), pair.getValue(),
                        palette.pair(pair.getKey()), axes, bySteps), dir, "mixing_" + ++index, pair.getKey());
            }
            String single = TvRows.epochs(tv).size() == 1
                    ? " There is only one record epoch so far, so each pair is a single point." : "";
            addSection(sections, "mixing", "Mixing curve: TV against the record " + (bySteps ? "point (SGD steps)"
                    : "epoch"), MIXING_CAPTION + single, mixing, true);
            if (curves.isPresent()) {
                studyPanels(sections, skipped, curves.get(), byPair, palette, dir);
            }
        }
        if (!study.isEmpty()) {
            single(sections, skipped, Charts.scalingLaw(study, laws), dir, "mixing_law",
                    "Mixing time against 1/λ_e", MIXING_LAW_CAPTION);
        }
        if (!aggregates.isEmpty()) {
            single(sections, skipped, Charts.norms(aggregates, palette), dir, "norms", "Weight norm (figure 4)",
                    NORMS_CAPTION + trials);
            single(sections, skipped, Charts.effectiveLr(aggregates, palette), dir, "effective_lr",
                    "Effective learning rate (figure 4)", EFFECTIVE_LR_CAPTION + trials);
        }

        Path html = dir.resolve(HTML);
        Files.writeString(html, page(experiment, facts, sections, skipped, tv), UTF_8);
        List<Path> charts = new ArrayList<>();
        for (Section section : sections) {
            for (Panel panel : section.panels()) {
                charts.add(panel.chart().png());
                charts.add(panel.chart().svg());
            }
        }
        return new ReportFiles(html, charts, skipped);
    }

    /**
     * The study's section: per intrinsic LR, its (R, P) pair's all-trials rows from the perturbation on, against the
     * steps after it, all panels on one set of axes. An LR without rows yet is listed as skipped.
     */
    private static void studyPanels(List<Section> sections, List<String> skipped, StudyCurves curves,
                                    Map<String, List<TvSummaryRow>> byPair, Palette palette, Path dir)
            throws IOException {
        Map<StudyCurves.Branch, List<TvSummaryRow>> rows = new LinkedHashMap<>();
        curves.branches().forEach(b -> rows.put(b, curves.curve(byPair, b)));
        Charts.PanelAxes axes = Charts.PanelAxes.of(rows.values().stream().filter(r -> !r.isEmpty()).toList(),
                curves::stepsAfter);
        List<Panel> panels = new ArrayList<>();
        int index = 0;
        for (Map.Entry<StudyCurves.Branch, List<TvSummaryRow>> branch : rows.entrySet()) {
            String name = "mixing_study_" + ++index;
            List<TvSummaryRow> curve = branch.getValue();
            String label = "λ_e = " + new java.math.BigDecimal(Double.toString(branch.getKey().lambdaE()))
                    .stripTrailingZeros().toPlainString();
            if (curve.isEmpty()) {
                skipped.add(name + " (" + label + "): no tv_summary rows of " + branch.getKey().reference() + " and "
                        + branch.getKey().perturbed() + " from the perturbation on");
                continue;
            }
            String title = label + ": " + TvRows.pair(curve.get(0)) + ", "
                    + curve.get(0).design().name().toLowerCase(Locale.ROOT);
            panel(panels, skipped, Charts.mixingPanel(title, curve, palette.pair(TvRows.pair(curve.get(0))), axes,
                    "SGD steps after the perturbation", curves::stepsAfter), dir, name, label);
        }
        addSection(sections, "mixing-study", "Mixing-time study: TV against steps after the perturbation",
                STUDY_CAPTION, panels, true);
    }

    /**
     * A chart on the page.
     *
     * @param chart the written chart
     * @param label what tells it from the other charts of its section (plain text), e.g. its pair or epoch
     */
    private record Panel(SavedChart chart, String label) {
    }

    /**
     * A section of the page: a heading, one caption that explains every chart in it once, and its charts.
     *
     * @param id      the section's anchor
     * @param heading plain text
     * @param caption HTML with data already escaped
     * @param panels  the charts, in page order
     * @param small   whether the charts are small multiples, laid out side by side
     */
    private record Section(String id, String heading, String caption, List<Panel> panels, boolean small) {
    }

    private static void single(List<Section> sections, List<String> skipped, XYChart chart, Path dir, String name,
                               String heading, String caption) throws IOException {
        List<Panel> panels = new ArrayList<>();
        panel(panels, skipped, chart, dir, name, "");
        addSection(sections, name, heading, caption, panels, false);
    }

    private static void addSection(List<Section> sections, String id, String heading, String caption,
                                   List<Panel> panels, boolean small) {
        if (!panels.isEmpty()) {
            sections.add(new Section(id, heading, caption, List.copyOf(panels), small));
        }
    }

    private static void panel(List<Panel> panels, List<String> skipped, XYChart chart, Path dir, String name,
                              String label) throws IOException {
        if (chart.getSeriesMap().isEmpty()) {
            skipped.add(name + ": no finite values to draw");
            return;
        }
        panels.add(new Panel(ChartWriter.write(chart, dir, name), label));
    }

    /** Per schedule, its number of trials: "Const 500, LR-decay 498–500" when some epochs have fewer rows. */
    private static String trialCounts(List<EpochAggregate> aggregates) {
        Map<String, int[]> range = new TreeMap<>();
        for (EpochAggregate a : aggregates) {
            range.merge(a.schedule(), new int[] {a.trials(), a.trials()},
                    (r, s) -> new int[] {Math.min(r[0], s[0]), Math.max(r[1], s[1])});
        }
        List<String> parts = new ArrayList<>();
        range.forEach((schedule, r) -> parts.add(
                Html.escape(schedule) + " " + (r[0] == r[1] ? String.valueOf(r[0]) : r[0] + "–" + r[1])));
        return String.join(", ", parts);
    }

    private static String page(String experiment, Map<String, String> facts, List<Section> sections,
                               List<String> skipped, List<TvSummaryRow> tv) {
        StringBuilder h = new StringBuilder(1 << 20);
        String title = "mixfarm report: " + Html.escape(experiment);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n")
                .append("<title>").append(title).append("</title>\n<style>\n").append(CSS).append("</style>\n")
                .append("</head>\n<body>\n<h1>").append(title).append("</h1>\n");

        if (!tv.isEmpty()) {
            h.append("<h2 id=\"verdict\">Verdict</h2>\n<p>").append(VERDICT_CAPTION).append("</p>\n");
            verdictTable(h, tv);
        }
        h.append("<h2 id=\"facts\">Facts</h2>\n");
        if (facts.isEmpty()) {
            h.append("<p>No facts were given.</p>\n");
        } else {
            h.append("<table class=\"facts\">\n");
            facts.forEach((key, value) -> h.append("<tr><th class=\"text\">").append(Html.escape(key))
                    .append("</th><td class=\"text\">").append(Html.escape(value)).append("</td></tr>\n"));
            h.append("</table>\n");
        }
        if (!skipped.isEmpty()) {
            h.append("<div class=\"notes\" id=\"skipped\"><p>Charts not drawn:</p>\n<ul>\n");
            skipped.forEach(s -> h.append("<li>").append(Html.escape(s)).append("</li>\n"));
            h.append("</ul></div>\n");
        }

        for (Section section : sections) {
            h.append("<h2 id=\"").append(section.id()).append("\">").append(Html.escape(section.heading()))
                    .append("</h2>\n<p>").append(section.caption()).append("</p>\n")
                    .append(section.small() ? "<div class=\"panels\">\n" : "");
            for (Panel panel : section.panels()) {
                String name = panel.chart().name();
                h.append("<figure id=\"").append(name).append("-figure\">\n").append(panel.chart().inlineSvg())
                        .append("\n<figcaption>")
                        .append(panel.label().isEmpty() ? "" : Html.escape(panel.label()) + ". ")
                        .append("<span class=\"files\">Files: <a href=\"").append(name).append(".png\">").append(name)
                        .append(".png</a>, <a href=\"").append(name).append(".svg\">").append(name)
                        .append(".svg</a>.</span></figcaption>\n</figure>\n");
            }
            h.append(section.small() ? "</div>\n" : "");
        }

        h.append("<h2 id=\"summary\">TV summary</h2>\n");
        if (tv.isEmpty()) {
            h.append("<p>No TV summary rows yet.</p>\n");
        } else {
            h.append("<p>").append(TABLE_CAPTION).append("</p>\n<div class=\"wide\">\n");
            summaryTable(h, tv);
            h.append("</div>\n");
        }
        return h.append("</body>\n</html>\n").toString();
    }

    /** A row's record point in a table: its epoch, and its step where record points inside epochs exist. */
    private static String point(TvSummaryRow r, boolean bySteps) {
        return bySteps ? r.epoch() + " (step " + r.step() + ")" : Integer.toString(r.epoch());
    }

    /** The verdict per record point and pair, from the all-trials rows. */
    private static void verdictTable(StringBuilder h, List<TvSummaryRow> tv) {
        h.append("<table class=\"verdict\">\n<thead><tr><th>epoch</th><th class=\"text\">pair</th><th>tv</th>")
                .append("<th>corrected tv</th><th>Holm p</th><th class=\"text\">verdict</th></tr></thead>\n<tbody>\n");
        List<TvSummaryRow> rows = new ArrayList<>();
        TvRows.allTrialsByEpoch(tv).values().forEach(rows::addAll);
        rows.sort(TvRows.ORDER);
        boolean bySteps = TvRows.bySteps(tv);
        for (TvSummaryRow r : rows) {
            Verdict verdict = Verdict.of(r);
            h.append("<tr><td>").append(point(r, bySteps))
                    .append("</td><td class=\"text\">").append(Html.escape(TvRows.pair(r)))
                    .append("</td><td>").append(Html.number(r.tv(), 4))
                    .append("</td><td>").append(Html.number(r.correctedTv(), 4))
                    .append("</td><td>").append(Html.pValue(r.pHolm()))
                    .append(verdict == Verdict.SEPARATED ? "</td><td class=\"text sig\">" : "</td><td class=\"text\">")
                    .append(verdict.label()).append("</td></tr>\n");
        }
        h.append("</tbody>\n</table>\n");
    }

    private static void summaryTable(StringBuilder h, List<TvSummaryRow> tv) {
        h.append("<table class=\"summary\">\n<thead><tr><th>epoch</th><th class=\"text\">a</th>")
                .append("<th class=\"text\">b</th><th>n</th><th>trials a / b</th><th>tv</th><th>corrected tv</th>")
                .append("<th>95% CI</th><th>noise floor (mean ± sd)</th><th>p</th><th>Holm p</th>")
                .append("<th class=\"text\">verdict</th><th>baseline</th>")
                .append("<th>random n-subsets (mean ± sd)</th></tr></thead>\n<tbody>\n");
        boolean bySteps = TvRows.bySteps(tv);
        for (TvSummaryRow r : tv.stream().sorted(TvRows.ORDER).toList()) {
            Verdict verdict = Verdict.of(r);
            h.append("<tr><td>").append(point(r, bySteps))
                    .append("</td><td class=\"text\">").append(Html.escape(r.a()))
                    .append("</td><td class=\"text\">").append(Html.escape(r.b()))
                    .append("</td><td>").append(r.n())
                    .append("</td><td>").append(r.trialsA()).append(" / ").append(r.trialsB())
                    .append("</td><td>").append(Html.number(r.tv(), 4))
                    .append("</td><td>").append(Html.number(r.correctedTv(), 4))
                    .append("</td><td>").append(interval(r.ciLow(), r.ciHigh()))
                    .append("</td><td>").append(plusMinus(r.nullMean(), r.nullSd()))
                    .append("</td><td>").append(Html.pValue(r.pValue()))
                    .append(verdict == Verdict.SEPARATED ? "</td><td class=\"sig\">" : "</td><td>")
                    .append(Html.pValue(r.pHolm()))
                    .append("</td><td class=\"text\">").append(verdict == null ? "" : verdict.label())
                    .append("</td><td>").append(Html.number(r.baseline(), 4))
                    .append("</td><td>").append(plusMinus(r.tvRandomMean(), r.tvRandomSd()))
                    .append("</td></tr>\n");
        }
        h.append("</tbody>\n</table>\n");
    }

    private static String interval(double low, double high) {
        return Double.isNaN(low) && Double.isNaN(high) ? Html.MISSING
                : "[" + Html.number(low, 4) + ", " + Html.number(high, 4) + "]";
    }

    private static String plusMinus(double mean, double sd) {
        if (Double.isNaN(mean)) {
            return Html.MISSING;
        }
        return Double.isNaN(sd) ? Html.number(mean, 4) : Html.number(mean, 4) + " ± " + Html.number(sd, 4);
    }
}
