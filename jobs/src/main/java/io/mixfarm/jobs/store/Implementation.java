package io.mixfarm.jobs.store;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What computed a trial, as its {@code trials} row records it: one line
 * {@code mixfarm=<version> commit=<git commit> kernels=<fused|dl4j> nd4j=<backend>}, e.g.
 * {@code mixfarm=0.1.0-SNAPSHOT commit=6b9cd0a...-dirty kernels=fused nd4j=CPU}. Two trials of one experiment are
 * comparable bit for bit only if this is equal (and the device's thread count): another version, commit, kernels
 * path or backend changes the trajectory.
 *
 * @param version mixfarm's version, e.g. {@code 0.1.0-SNAPSHOT} ({@code dev} when run from classes)
 * @param commit  the git commit the build came from ({@code unknown} outside git)
 * @param kernels the layers' implementation, e.g. {@code fused} or {@code dl4j}
 * @param backend the ND4J backend, e.g. {@code CPU} or {@code CUDA}
 */
public record Implementation(String version, String commit, String kernels, String backend) {

    private static final List<String> KEYS = List.of("mixfarm", "commit", "kernels", "nd4j");
    private static final Pattern VALUE = Pattern.compile("[^\\s=]+");
    private static final String UNKNOWN = "unknown (written before implementations were recorded)";

    /** The backend of an implementation whose JVM cannot load ND4J's (a driver with the CUDA jar but no GPU). */
    public static final String UNKNOWN_BACKEND = "unknown";

    /** Every part is one word without {@code =}, so the line parses back. */
    public Implementation {
        for (String part : new String[] {version, commit, kernels, backend}) {
            if (part == null || !VALUE.matcher(part).matches()) {
                throw new IllegalArgumentException("an implementation's parts are single words without '=', got \""
                        + part + "\"");
            }
        }
    }

    /** Parses {@link #text()}; throws {@link IllegalArgumentException} naming the text otherwise. */
    public static Implementation parse(String text) {
        String[] words = Objects.requireNonNull(text, "text").split(" ");
        String[] values = new String[KEYS.size()];
        for (int i = 0; i < KEYS.size(); i++) {
            String prefix = KEYS.get(i) + "=";
            if (words.length != KEYS.size() || !words[i].startsWith(prefix)) {
                throw new IllegalArgumentException("an implementation reads \"mixfarm=V commit=C kernels=K nd4j=B\", "
                        + "got \"" + text + "\"");
            }
            values[i] = words[i].substring(prefix.length());
        }
        return new Implementation(values[0], values[1], values[2], values[3]);
    }

    /**
     * Whether a trial computed by {@code other} is comparable bit for bit with one computed by this: the same
     * version, commit, kernels and backend; this side's {@link #UNKNOWN_BACKEND} matches any backend. A null
     * {@code other} (a row from before implementations were recorded) never matches.
     */
    public boolean matches(Implementation other) {
        return other != null && version.equals(other.version) && commit.equals(other.commit)
                && kernels.equals(other.kernels) && (backend.equals(UNKNOWN_BACKEND) || backend.equals(other.backend));
    }

    /** How a row's implementation is named in messages: its text, or "unknown" for a row from before it existed. */
    public static String label(Implementation implementation) {
        return implementation == null ? UNKNOWN : implementation.text();
    }

    /**
     * Which implementations computed each schedule's succeeded trials, e.g. {@code Const -> "mixfarm=... in 3
     * trials, unknown (...) in 1 trial"}, by schedule; empty if one implementation computed them all.
     */
    public static Map<String, String> mixture(Collection<TrialRecord> trials) {
        List<TrialRecord> succeeded = trials.stream().filter(TrialRecord::isSucceeded).toList();
        if (succeeded.stream().map(r -> label(r.implementation())).distinct().count() < 2) {
            return Map.of();
        }
        Map<String, String> bySchedule = new TreeMap<>();
        succeeded.stream().collect(Collectors.groupingBy(TrialRecord::schedule, TreeMap::new,
                        Collectors.groupingBy(r -> label(r.implementation()), TreeMap::new, Collectors.counting())))
                .forEach((schedule, counts) -> bySchedule.put(schedule, inTrials(counts)));
        return bySchedule;
    }

    /** Counts of trials as {@code "A in 3 trials, B in 1 trial"}, for messages. */
    public static String inTrials(Map<String, Long> counts) {
        return counts.entrySet().stream().map(e -> e.getKey() + " in " + e.getValue()
                + (e.getValue() == 1 ? " trial" : " trials")).collect(Collectors.joining(", "));
    }

    /** The stored form, {@code mixfarm=V commit=C kernels=K nd4j=B}. */
    public String text() {
        return KEYS.get(0) + "=" + version + " " + KEYS.get(1) + "=" + commit + " " + KEYS.get(2) + "=" + kernels
                + " " + KEYS.get(3) + "=" + backend;
    }

    @Override
    public String toString() {
        return text();
    }
}
