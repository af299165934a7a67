package io.mixfarm.jobs.config;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * Derives every seed of an experiment from the one experiment seed.
 *
 * <p>A seed is the first 8 bytes, read big-endian as a {@code long}, of the SHA-256 of a UTF-8 string:
 * <pre>
 * trial seed        SHA-256("mixfarm-trial/" + experimentSeed + "/" + schedule + "/" + trial)
 * shared init seed  SHA-256("mixfarm-init/" + experimentSeed)
 * TV comparison     SHA-256("mixfarm-tv/" + experimentSeed + "/" + a + "/" + b + "/" + epoch)
 * mixing analysis   SHA-256("mixfarm-mixing/" + experimentSeed + "/" + intrinsicLr)
 * </pre>
 * with the numbers in decimal ({@link Long#toString(long)}, {@link Integer#toString(int)}; an intrinsic LR as the
 * study's schedule names write it, {@code 0.04} in {@code }). SHA-256 and this
 * encoding are fixed by their specifications, so a seed is the same on every JVM, machine and cluster, and it
 * depends only on its inputs: not on the order in which trials run, on which other schedules or how many trials
 * an experiment has, nor on a {@link java.util.Random} implementation. Neighbouring inputs (trial 7 and 8) give
 * unrelated seeds, unlike {@code experimentSeed + trial}, whose streams could overlap in generators seeded
 * linearly. The prefixes keep trial seeds and the shared init seed apart even for equal strings after them.
 */
public final class Seeds {

    private Seeds() {
    }

    /**
     * The seed of one trial: its minibatch order, and its initial weights unless the experiment fixes them.
     *
     * @param experimentSeed the experiment's {@code seed}
     * @param schedule       the schedule's name, e.g. {@code LR-decay}; for a fork, its parent's
     *                       ({@link ExperimentConfig#seedSchedule}), whose trials it continues
     * @param trial          the 0-based trial index within the schedule
     */
    public static long trialSeed(long experimentSeed, String schedule, int trial) {
        Objects.requireNonNull(schedule, "schedule");
        return sha256Long("mixfarm-trial/" + experimentSeed + "/" + schedule + "/" + trial);
    }

    /**
     * The seed of the initial weights {@code w0} shared by every trial of a {@code fixed-init} experiment
     * (the paper's figure 9); it is each trial's {@code TrialSpec.initSeed}.
     */
    public static long sharedInitSeed(long experimentSeed) {
        return sha256Long("mixfarm-init/" + experimentSeed);
    }

    /**
     * The seed of the TV job's random draws (permutations, random subsets) for one pair of schedules at one record
     * epoch, so adding schedules or epochs leaves the other comparisons' estimates as they were. Schedule names
     * hold no {@code /} ({@link ScheduleName}), so the string names one comparison only.
     *
     * @param experimentSeed the experiment's {@code seed}
     * @param a              the pair's first schedule
     * @param b              its second schedule
     * @param epoch          the record epoch
     */
    public static long comparisonSeed(long experimentSeed, String a, String b, int epoch) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        return sha256Long("mixfarm-tv/" + experimentSeed + "/" + a + "/" + b + "/" + epoch);
    }

    /**
     * The seed of the TV job's draws for one pair of schedules at a record point inside an epoch: distinct from the
     * epoch end's ({@link #comparisonSeed(long, String, String, int)}) and from every other point's.
     *
     * @param step the record point's step
     */
    public static long comparisonSeed(long experimentSeed, String a, String b, int epoch, long step) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        return sha256Long("mixfarm-tv/" + experimentSeed + "/" + a + "/" + b + "/" + epoch + "/step/" + step);
    }

    /**
     * The seed of the mixing job's draws for one intrinsic LR of a study (its bootstrap over pairs and the equilibrium
     * check's swaps, {@code io.mixfarm.analysis.mixing.MixingAnalysis}): each LR's from its own string, so its rows do
     * not depend on which other LRs the study has, and neighbouring LRs get unrelated seeds.
     *
     * @param experimentSeed the experiment's {@code seed}
     * @param intrinsicLr    the intrinsic LR, written as the study's schedule names write it ({@code })
     */
    public static long mixingSeed(long experimentSeed, double intrinsicLr) {
        return sha256Long("mixfarm-mixing/" + experimentSeed + "/" + MixingStudy.label(intrinsicLr));
    }

    private static long sha256Long(String text) {
        return ByteBuffer.wrap(sha256(text.getBytes(StandardCharsets.UTF_8))).getLong();
    }

    /** SHA-256 of {@code bytes}; every Java platform must provide it. */
    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
