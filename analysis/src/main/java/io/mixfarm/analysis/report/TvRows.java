package io.mixfarm.analysis.report;

import io.mixfarm.analysis.tv.TvSummaryRow;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** Selections from the {@code tv_summary} rows that the TV charts and the summary table need. */
final class TvRows {

    /** Table order: epoch, then step, then pair, then n, then the row that used more trials. */
    static final Comparator<TvSummaryRow> ORDER = Comparator.comparingInt(TvSummaryRow::epoch)
            .thenComparing(TvSummaryRow::step, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(TvSummaryRow::a).thenComparing(TvSummaryRow::b).thenComparingInt(TvSummaryRow::n)
            .thenComparingInt(r -> r.trialsA() + r.trialsB());

    private TvRows() {
    }

    /** The label of a row's schedule pair, which is also its series name: {@code Const vs LR-decay}. */
    static String pair(TvSummaryRow row) {
        return row.a() + " vs " + row.b();
    }

    /** The distinct pair labels, sorted. */
    static List<String> pairs(List<TvSummaryRow> rows) {
        return List.copyOf(new TreeSet<>(rows.stream().map(TvRows::pair).toList()));
    }

    /** The distinct record epochs, ascending. */
    static List<Integer> epochs(List<TvSummaryRow> rows) {
        return List.copyOf(new TreeSet<>(rows.stream().map(TvSummaryRow::epoch).toList()));
    }

    /**
     * Whether the rows have record points inside epochs (some epoch has more than one step): then the mixing curve's
     * x axis is the step, which orders every point, rather than the epoch.
     */
    static boolean bySteps(List<TvSummaryRow> rows) {
        Map<Integer, TreeSet<Long>> steps = new TreeMap<>();
        rows.stream().filter(r -> r.step() != null)
                .forEach(r -> steps.computeIfAbsent(r.epoch(), e -> new TreeSet<>()).add(r.step()));
        return steps.values().stream().anyMatch(s -> s.size() > 1);
    }

    /** A row's place on the mixing curve's x axis: its step if {@code bySteps}, else its epoch. */
    static double x(TvSummaryRow row, boolean bySteps) {
        return bySteps ? row.step() : row.epoch();
    }

    /**
     * Figure 3b's curve for one epoch, at the epoch's last record point (its end; the curve is computed only at
     * epoch ends): per pair (in {@link #pairs} order), one row per n, ascending. When two rows share an n, the
     * balanced one (n trials of each schedule) is kept, since the x axis means "trials per schedule".
     */
    static Map<String, List<TvSummaryRow>> byN(List<TvSummaryRow> rows, int epoch) {
        Long last = rows.stream().filter(r -> r.epoch() == epoch && r.step() != null).map(TvSummaryRow::step)
                .max(Comparator.naturalOrder()).orElse(null);
        Map<String, Map<Integer, TvSummaryRow>> byPair = new TreeMap<>();
        rows.stream().filter(r -> r.epoch() == epoch && java.util.Objects.equals(r.step(), last)).sorted(ORDER)
                .forEach(r -> byPair
                .computeIfAbsent(pair(r), p -> new TreeMap<>())
                .merge(r.n(), r, (kept, next) -> balanced(kept) ? kept : next));
        Map<String, List<TvSummaryRow>> out = new LinkedHashMap<>();
        byPair.forEach((pair, byN) -> out.put(pair, List.copyOf(byN.values())));
        return out;
    }

    /**
     * The mixing curve: per pair (in {@link #pairs} order), the all-trials row of every record point, ascending (by
     * step; by epoch in a folder written before record points had steps).
     */
    static Map<String, List<TvSummaryRow>> allTrialsByEpoch(List<TvSummaryRow> rows) {
        Map<String, Map<Long, TvSummaryRow>> byPair = new TreeMap<>();
        rows.stream().filter(TvSummaryRow::allTrials).forEach(r -> byPair
                .computeIfAbsent(pair(r), p -> new TreeMap<>())
                .put(r.step() != null ? r.step() : r.epoch(), r));
        Map<String, List<TvSummaryRow>> out = new LinkedHashMap<>();
        byPair.forEach((pair, byEpoch) -> out.put(pair, List.copyOf(byEpoch.values())));
        return out;
    }

    private static boolean balanced(TvSummaryRow row) {
        return row.trialsA() == row.n() && row.trialsB() == row.n();
    }
}
