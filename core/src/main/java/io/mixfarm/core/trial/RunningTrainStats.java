package io.mixfarm.core.trial;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

/**
 * Training loss and error for free: DL4J hands a listener the activations of its forward pass, up to the input of
 * the output layer. That layer is fixed and has no bias, so the logits are one small product away and its softmax
 * never needs computing twice. The loss is the pure cross-entropy (DL4J's own score adds the L2 term).
 */
final class RunningTrainStats extends BaseTrainingListener {

    private final INDArray outputWeights;
    private final String hiddenVertex;
    private int[] batchLabels;
    private double lossSum;
    private long errors;
    private long examples;

    /**
     * @param outputWeights the fixed last layer's weights, {@code [hidden, classes]}
     * @param hiddenVertex  for a graph, the vertex feeding the output layer; {@code null} for a chain, whose
     *                      activation list ends with that input
     */
    RunningTrainStats(INDArray outputWeights, String hiddenVertex) {
        this.outputWeights = outputWeights;
        this.hiddenVertex = hiddenVertex;
    }

    /** Declares the labels of the batch about to be fitted. */
    void expect(int[] labels) {
        this.batchLabels = labels;
    }

    void reset() {
        lossSum = 0;
        errors = 0;
        examples = 0;
    }

    double meanLoss() {
        return lossSum / examples;
    }

    double errorRate() {
        return (double) errors / examples;
    }

    @Override
    public void onForwardPass(Model model, List<INDArray> activations) {
        record(activations.get(activations.size() - 1));
    }

    @Override
    public void onForwardPass(Model model, Map<String, INDArray> activations) {
        record(activations.get(hiddenVertex));
    }

    private void record(INDArray hidden) {
        ClassScores logits;
        // The activations live in DL4J's training workspace; the product must not.
        MemoryWorkspace outside = Nd4j.getMemoryManager().scopeOutOfWorkspaces();
        try {
            // A chain's last activation may still be a [batch, channels, 1, 1] map (VGG16's last pooling): the
            // output layer flattens it row by row, in C order, and so does this.
            INDArray rows = hidden.rank() == 2 ? hidden : hidden.reshape('c', hidden.size(0), -1);
            logits = ClassScores.of(rows.mmul(outputWeights));
        } finally {
            outside.close();
        }
        for (int i = 0; i < logits.count(); i++) {
            int label = batchLabels[i];
            lossSum += logits.crossEntropy(i, label);
            if (logits.argmax(i) != label) {
                errors++;
            }
        }
        examples += logits.count();
    }
}
