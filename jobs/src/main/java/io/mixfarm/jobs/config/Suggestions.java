package io.mixfarm.jobs.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** "Did you mean" for misspelt keys and names. */
final class Suggestions {

    /** Edits (after normalising) up to which a known word still counts as meant: catches typos, not guesses. */
    private static final int MAX_DISTANCE = 2;

    private Suggestions() {
    }

    /**
     * The known word closest to {@code word}, if it is close: equal up to case, '-' and '_' (so
     * {@code batchSize} finds {@code batch-size}), or within two edits of it, a swap of neighbours counting as
     * one (so {@code trails} finds {@code trials}). Ties go to the first in {@code known}'s order.
     */
    static Optional<String> closest(String word, Collection<String> known) {
        String target = normalise(word);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int distance = distance(target, normalise(candidate));
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        // Short words are within two edits of almost anything, so they may be at most a third wrong.
        int allowed = Math.min(MAX_DISTANCE, Math.max(1, target.length() / 3));
        return best != null && bestDistance <= allowed ? Optional.of(best) : Optional.empty();
    }

    /** {@code " (did you mean X?)"}, or the empty string when nothing is close. */
    static String didYouMean(String word, Collection<String> known) {
        return closest(word, known).map(s -> " (did you mean " + s + "?)").orElse("");
    }

    private static String normalise(String word) {
        return word.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
    }

    /** Optimal string alignment distance: Levenshtein plus transposition of two neighbours. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int best = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    best = Math.min(best, d[i - 2][j - 2] + 1);
                }
                d[i][j] = best;
            }
        }
        return d[a.length()][b.length()];
    }
}
