package io.mixfarm.core.bench;

import io.mixfarm.core.model.ModelSpec;

/**
 * What one training-speed measurement runs.
 *
 * @param model       the network (width 32 is the paper's size)
 * @param batchSize   images per SGD step
 * @param warmupSteps untimed SGD steps before timing (oneDNN primitives, workspaces, JIT)
 * @param timedSteps  SGD steps per timed repeat
 * @param repeats     timed repeats of training, and of prediction over the test set; the median is reported
 * @param predictChunk test images per inference call ({@link TrialBench#PREDICT_CHUNK} is the trial runner's)
 * @param seed        seed of the initial weights and of the minibatch order
 */
public record BenchSettings(ModelSpec model, int batchSize, int warmupSteps, int timedSteps, int repeats,
                            int predictChunk, long seed) {

    public BenchSettings {
        if (batchSize < 2) {
            throw new IllegalArgumentException("batch size must be >= 2 (BatchNorm needs a batch variance), got "
                    + batchSize);
        }
        if (predictChunk < 1) {
            throw new IllegalArgumentException("prediction chunk must be >= 1, got " + predictChunk);
        }
        if (warmupSteps < 0 || timedSteps < 1 || repeats < 1) {
            throw new IllegalArgumentException("need warm-up steps >= 0, timed steps >= 1 and repeats >= 1; got "
                    + warmupSteps + ", " + timedSteps + ", " + repeats);
        }
    }
}
