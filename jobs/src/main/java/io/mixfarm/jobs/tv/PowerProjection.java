package io.mixfarm.jobs.tv;

import io.mixfarm.analysis.tv.FloorProjection;
import io.mixfarm.analysis.tv.PredictionMatrix;
import io.mixfarm.core.data.DatasetSpec;
import io.mixfarm.jobs.config.ExperimentConfig;
import io.mixfarm.jobs.config.Fork;
import io.mixfarm.jobs.experiment.ExperimentException;
import io.mixfarm.jobs.experiment.ExperimentFolder;
import io.mixfarm.jobs.store.ExperimentStore;
import io.mixfarm.jobs.store.TrialCensus;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Power before compute, {@code mixfarm run CONFIG --dry-run --power-from DIR [--floor LEVEL]} (docs/method.md,
 * "Power before compute"): from the predictions recorded in DIR (a short pilot, or a previous run on the same data
 * set), the noise floor each of DIR's schedules would have at n trials per schedule ({@link FloorProjection}), and the
 * smallest n that brings every one below the level, so a study that cannot time anything is seen before it runs.
 *
 * <p>Where: the record points that matter for a schedule are those after its fork when it is one branch of a forked
 * pair (a mixing study's points after the perturbation, where its clock is read), else the ends of the TV job's
 * curve epochs ({@link CurveEpochs}: the last record epoch of each phase, where the schedules have had longest to
 * mix). A schedule's floor at n is the largest over them. Only DIR's finished trials count, as in the TV job. No
 * Spark: each trial's file is read at one point at a time, as the TV job's tasks read them.
 */
public final class PowerProjection {

    /**
     * The level when the command names none: a floor of 0.05 leaves a mixing curve that starts around 0.2-0.3 (the
     * issue's first study) room to fall by a factor of four or more before it meets the floor.
     */
    public static final String DEFAULT_LEVEL = "0.05";

    /** Trials per schedule the floor is projected at: from a short study to twice the paper's 500. */
    private static final int[] NS = {20, 50, 100, 200, 500, 1000};

    /**
     * Relabellings per null mean: each is a mean over thousands of images, so 20 already pin the mean to about a
     * percent, and the largest n costs 20 passes over 2,000 trials.
     */
    private static final int PERMUTATIONS = 20;

    /**
     * One schedule's projection.
     *
     * @param schedule its name
     * @param trials   its finished trials in the pilot
     * @param points   the record points projected at, in order
     * @param floors   at each n of {@link Result#ns()}, the largest projected floor over the points
     * @param worst    at each n, the point of that floor
     */
    public record ScheduleFloor(String schedule, int trials, List<String> points, double[] floors,
                                List<String> worst) {

        public ScheduleFloor {
            points = List.copyOf(points);
            floors = floors.clone();
            worst = List.copyOf(worst);
        }

        @Override
        public double[] floors() {
            return floors.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ScheduleFloor f && schedule.equals(f.schedule) && trials == f.trials
                    && points.equals(f.points) && Arrays.equals(floors, f.floors) && worst.equals(f.worst);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * schedule.hashCode() + points.hashCode()) + Arrays.hashCode(floors) + trials;
        }

        @Override
        public String toString() {
            return schedule + " (" + trials + " trials): " + Arrays.toString(floors);
        }
    }

    /**
     * What the command prints.
     *
     * @param folder     the pilot's folder
     * @param experiment the pilot's experiment name
     * @param data       the pilot's data set
     * @param level      the floor to get below
     * @param ns         the trial counts projected at
     * @param schedules  the projection of every schedule with enough trials
     * @param skipped    schedules with finished trials but too few to project from, with their counts
     */
    public record Result(String folder, String experiment, String data, double level, int[] ns,
                         List<ScheduleFloor> schedules, Map<String, Integer> skipped) {

        public Result {
            ns = ns.clone();
            schedules = List.copyOf(schedules);
            skipped = Map.copyOf(skipped);
        }

        @Override
        public int[] ns() {
            return ns.clone();
        }

        /** The smallest n at which every schedule's floor is below the level; empty if no n projected gets there. */
        public OptionalInt needed() {
            return IntStream.range(0, ns.length).filter(i -> schedules.stream().allMatch(s -> s.floors[i] < level))
                    .map(i -> ns[i]).findFirst();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Result r && folder.equals(r.folder) && experiment.equals(r.experiment)
                    && data.equals(r.data) && Double.compare(level, r.level) == 0 && Arrays.equals(ns, r.ns)
                    && schedules.equals(r.schedules) && skipped.equals(r.skipped);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * folder.hashCode() + schedules.hashCode()) + Arrays.hashCode(ns);
        }

        @Override
        public String toString() {
            return "Result[" + folder + ", level " + level + ", " + schedules + "]";
        }
    }

    private PowerProjection() {
    }

    /**
     * Projects the floors of the pilot in {@code folder} for an experiment {@code planned}.
     *
     * @param level the floor to get below, in (0, 1)
     * @throws ExperimentException one line if the folder is missing, holds no experiment, was run on another data set
     *                             than {@code planned}'s, or has no schedule with {@value FloorProjection#MIN_TRIALS}
     *                             finished trials
     */
    public static Result project(String folder, ExperimentConfig planned, double level) {
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("--floor must be between 0 and 1, got " + level);
        }
        Configuration hadoop = new Configuration();
        requireFolder(folder, hadoop);
        ExperimentFolder pilot = ExperimentFolder.at(folder, hadoop);
        ExperimentStore store = pilot.store();
        if (store.readManifest().isEmpty()) {
            throw new ExperimentException(folder + " holds no experiment (no experiment.json): --power-from needs "
                    + "the output folder of a run");
        }
        ExperimentConfig recorded = pilot.recordedConfig();
        if (!DatasetSpec.parse(recorded.data()).sameImagesAs(DatasetSpec.parse(planned.data()))) {
            throw new ExperimentException(folder + " was run on " + recorded.data() + ", another data set than this "
                    + "experiment's " + planned.data() + ": its noise floor says nothing about this one");
        }
        TrialCensus census = TrialCensus.of(store.trials().values());
        Map<String, List<Integer>> finished = new LinkedHashMap<>();
        Map<String, Integer> skipped = new LinkedHashMap<>();
        for (String schedule : recorded.scheduleNames()) {
            List<Integer> trials = census.samples(schedule);
            if (trials.size() >= FloorProjection.MIN_TRIALS) {
                finished.put(schedule, trials);
            } else if (!trials.isEmpty()) {
                skipped.put(schedule, trials.size());
            }
        }
        if (finished.isEmpty()) {
            throw new ExperimentException(folder + " has no predictions to project from: no schedule has "
                    + FloorProjection.MIN_TRIALS + " finished trials (finished: " + (skipped.isEmpty() ? "none"
                    : counts(skipped)) + ")");
        }
        List<TvJob.Point> all = TvJob.points(store, recorded, finished);
        int classes = pilot.recordedClasses();
        List<ScheduleFloor> floors = new ArrayList<>();
        finished.forEach((schedule, trials) -> floors.add(project(store, recorded, schedule, trials,
                pointsThatMatter(recorded, schedule, all), classes)));
        return new Result(folder, recorded.name(), recorded.data(), level, NS, floors, skipped);
    }

    /** One schedule: the projection at each of its points, and per n the largest. */
    private static ScheduleFloor project(ExperimentStore store, ExperimentConfig recorded, String schedule,
                                         List<Integer> trials, List<TvJob.Point> points, int classes) {
        double[] floors = new double[NS.length];
        Arrays.fill(floors, Double.NEGATIVE_INFINITY);
        String[] worst = new String[NS.length];
        for (TvJob.Point point : points) {
            PredictionMatrix pilot = TvJob.readPoint(store, Map.of(schedule, trials), point, classes).get(schedule);
            // The seed of the schedule's comparison with itself: the null is exactly that comparison.
            double[] projected = new FloorProjection(point.comparisonSeed(recorded.seed(), schedule, schedule),
                    PERMUTATIONS).project(pilot, NS).floors();
            for (int i = 0; i < NS.length; i++) {
                if (projected[i] > floors[i]) {
                    floors[i] = projected[i];
                    worst[i] = point.toString();
                }
            }
        }
        return new ScheduleFloor(schedule, trials.size(), points.stream().map(TvJob.Point::toString).toList(), floors,
                Arrays.asList(worst));
    }

    /**
     * The record points a schedule's floor matters at: after the fork for either branch of a forked pair (the
     * latest fork epoch, so that the points are after the perturbation for every branch), else the ends of the curve
     * epochs; all of them if that leaves none.
     */
    static List<TvJob.Point> pointsThatMatter(ExperimentConfig config, String schedule, List<TvJob.Point> all) {
        OptionalInt forkedAt = config.forks().stream()
                .filter(f -> f.child().equals(schedule) || f.parent().equals(schedule))
                .mapToInt(Fork::at).max();
        List<Integer> curve = CurveEpochs.defaults(config.schedules(), config.recordEpochs());
        List<TvJob.Point> chosen = all.stream().filter(p -> forkedAt.isPresent() ? p.epoch() > forkedAt.getAsInt()
                : p.epochEnd() && curve.contains(p.epoch())).toList();
        return chosen.isEmpty() ? all : chosen;
    }

    /** The projection as a table, then the n that gets every schedule below the level, or that none does. */
    public static void print(Result result, PrintWriter out) {
        out.printf("power from %s (%s, on %s): noise floor (null_mean: the TV when two schedules agree) projected "
                        + "from each schedule's per-image class frequencies at n trials per schedule, the largest "
                        + "over its record points after its fork, else at its curve epochs "
                        + "(docs/method.md, \"Power before compute\"); level %s%n", result.folder(),
                result.experiment(), result.data(), result.level());
        int width = result.schedules().stream().mapToInt(s -> describe(s.points()).length()).max().orElse(0);
        String columns = "  %-12s %6s  %-" + Math.max(width, "record points".length()) + "s";
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, columns, "schedule", "pilot",
                "record points"));
        for (int n : result.ns()) {
            header.append(String.format(Locale.ROOT, " %7s", "n=" + n));
        }
        out.println(header);
        for (ScheduleFloor s : result.schedules()) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, columns, s.schedule(),
                    s.trials(), describe(s.points())));
            for (double floor : s.floors()) {
                row.append(String.format(Locale.ROOT, " %7.4f", floor));
            }
            out.println(row);
        }
        if (!result.skipped().isEmpty()) {
            out.printf("  not projected (fewer than %d finished trials): %s%n", FloorProjection.MIN_TRIALS,
                    counts(result.skipped()));
        }
        int[] ns = result.ns();
        OptionalInt needed = result.needed();
        int at = needed.isPresent() ? Arrays.stream(ns).boxed().toList().indexOf(needed.getAsInt()) : ns.length - 1;
        ScheduleFloor highest = result.schedules().stream()
                .max((x, y) -> Double.compare(x.floors[at], y.floors[at])).orElseThrow();
        String largest = String.format(Locale.ROOT, "%s %.4f at %s", highest.schedule(), highest.floors[at],
                highest.worst().get(at));
        if (needed.isPresent()) {
            out.printf("n = %d trials per schedule bring every schedule's floor below %s (largest: %s)%n",
                    needed.getAsInt(), result.level(), largest);
        } else {
            out.printf("no n up to %d brings every schedule's floor below %s (at %d, largest: %s): more trials, "
                    + "or a study whose differences are larger than its floor%n", ns[ns.length - 1],
                    result.level(), ns[ns.length - 1], largest);
        }
        out.flush();
    }

    private static String describe(List<String> points) {
        return points.size() == 1 ? points.get(0)
                : points.size() + " points, " + points.get(0) + " .. " + points.get(points.size() - 1);
    }

    private static String counts(Map<String, Integer> counts) {
        return counts.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }

    private static void requireFolder(String folder, Configuration hadoop) {
        try {
            Path path = new Path(folder);
            if (!path.getFileSystem(hadoop).exists(path)) {
                throw new ExperimentException(folder + ": no such folder (--power-from needs the output folder of a "
                        + "run)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + folder, e);
        }
    }
}
