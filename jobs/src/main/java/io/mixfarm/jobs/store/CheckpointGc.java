package io.mixfarm.jobs.store;

import io.mixfarm.jobs.config.ExperimentConfig;
import io.mixfarm.jobs.config.Fork;
import io.mixfarm.jobs.config.TrialKey;
import io.mixfarm.jobs.experiment.ExperimentFolder;
import org.apache.hadoop.conf.Configuration;

import java.io.PrintWriter;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code mixfarm gc}: deletes the checkpoints no planned, unfinished fork needs. Trial k of a fork needs its
 * parent's trial k's checkpoint at the fork's epoch until the fork's trial has a final row (succeeded or diverged);
 * every other checkpoint (of finished forks, of trials or forks the config no longer plans) is garbage. Deleting one
 * a fork later turns out to need costs time, never correctness: the fork then trains the shared epochs itself
 * ({@link ForkStart}).
 */
public final class CheckpointGc {

    private final PrintWriter out;

    public CheckpointGc(PrintWriter out) {
        this.out = out;
    }

    /** Deletes the unneeded checkpoints of the experiment in {@code output}, printing each; returns them. */
    public List<Checkpoint> run(String output) {
        ExperimentFolder folder = ExperimentFolder.at(output, new Configuration());
        ExperimentConfig config = folder.recordedConfig();
        ExperimentStore store = folder.store();
        Set<Checkpoint> needed = needed(config, store.trials());
        List<Checkpoint> garbage = store.checkpoints().stream().filter(c -> !needed.contains(c)).toList();
        for (Checkpoint checkpoint : garbage) {
            out.println("deleted " + store.path(checkpoint));
            store.deleteCheckpoint(checkpoint);
        }
        out.printf("gc: deleted %d checkpoint%s, kept %d that unfinished forks need%n", garbage.size(),
                garbage.size() == 1 ? "" : "s", store.checkpoints().size());
        out.flush();
        return garbage;
    }

    /** The checkpoints that the planned forks' trials without a final row start from. */
    public static Set<Checkpoint> needed(ExperimentConfig config, Map<TrialKey, TrialRecord> rows) {
        Set<Checkpoint> needed = new HashSet<>();
        for (Fork fork : config.forks()) {
            for (int trial = 0; trial < config.trials(); trial++) {
                TrialRecord row = rows.get(new TrialKey(fork.child(), trial));
                if (row == null || !row.status().isFinal()) {
                    needed.add(new Checkpoint(fork.parent(), fork.at(), trial));
                }
            }
        }
        return needed;
    }
}
