package io.mixfarm.torchref;

import io.mixfarm.core.bench.TrialBench;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Whether the two engines train the same network: one SGD step from the same weights on the same batch, then the
 * loss before it, each group's update {@code dw = w1 - w0}, BN's running mean and the predicted probabilities
 * compared. The updates are also compared with a float64 step (the DL4J network converted to double, which runs
 * ND4J's generic ops rather than the oneDNN helpers), so a difference between the engines can be put on the one
 * whose float32 arithmetic is further from exact. Update distances are relative to the float64 update's norm (a
 * gradient twice too large, or weight decay applied twice, shows as O(1)); weight distances to the weights' norm.
 *
 * @param lossDl4j            DL4J's mean cross-entropy of the batch before the step
 * @param lossTorch           libtorch's
 * @param updateDistance      per group, {@code ||dw_dl4j - dw_torch|| / ||dw_64||}
 * @param dl4jUpdateError     per group, {@code ||dw_dl4j - dw_64|| / ||dw_64||}
 * @param torchUpdateError    per group, {@code ||dw_torch - dw_64|| / ||dw_64||}
 * @param weightDistance      per group, {@code ||w1_dl4j - w1_torch|| / ||w1_dl4j||}
 * @param runningMeanDistance the first BN's running mean after the step, relative (checks the momentum convention)
 * @param predictMaxAbsDiff   largest difference of a predicted class probability on the check images after the step
 */
public record Equivalence(double lossDl4j, double lossTorch, Map<String, Double> updateDistance,
                          Map<String, Double> dl4jUpdateError, Map<String, Double> torchUpdateError,
                          Map<String, Double> weightDistance, double runningMeanDistance, double predictMaxAbsDiff) {

    /** Learning rate and weight decay of the step: those of {@link TrialBench#SCHEDULE}'s first epoch. */
    public static final float LR = (float) TrialBench.SCHEDULE.lr(1);
    public static final float WD = (float) TrialBench.SCHEDULE.wd(1);

    public Equivalence {
        updateDistance = Map.copyOf(updateDistance);
        dl4jUpdateError = Map.copyOf(dl4jUpdateError);
        torchUpdateError = Map.copyOf(torchUpdateError);
        weightDistance = Map.copyOf(weightDistance);
    }

    /**
     * Takes one step in both engines, which must hold the same weights.
     *
     * @param batch       the batch both train on, DL4J's copy
     * @param torchBatch  the same batch as libtorch tensors
     * @param checkImages images whose predictions are compared after the step, flattened
     * @param shape       image shape {@code [channels, height, width]}
     */
    public static Equivalence ofOneStep(MultiLayerNetwork dl4j, TorchCnn torch, DataSet batch, TorchBatch torchBatch,
                                        INDArray checkImages, int[] shape) {
        CnnWeights before = CnnWeights.of(dl4j);
        CnnWeights after64 = stepInDouble(dl4j, batch);
        double lossDl4j = crossEntropy(dl4j.output(batch.getFeatures(), true), batch.getLabels());
        dl4j.setEpochCount(0);
        dl4j.fit(batch);
        CnnWeights afterDl4j = CnnWeights.of(dl4j);

        double lossTorch = torch.trainStep(torchBatch.images(), torchBatch.labels(), LR, WD);
        CnnWeights afterTorch = torch.weights();

        Map<String, Double> update = new LinkedHashMap<>();
        Map<String, Double> dl4jError = new LinkedHashMap<>();
        Map<String, Double> torchError = new LinkedHashMap<>();
        Map<String, Double> weights = new LinkedHashMap<>();
        for (String group : CnnWeights.TRAINABLE) {
            HostTensor w0 = before.group(group);
            HostTensor exact = after64.group(group).minus(w0);
            HostTensor dl4jStep = afterDl4j.group(group).minus(w0);
            HostTensor torchStep = afterTorch.group(group).minus(w0);
            update.put(group, dl4jStep.distance(torchStep, exact.norm()));
            dl4jError.put(group, dl4jStep.distance(exact, exact.norm()));
            torchError.put(group, torchStep.distance(exact, exact.norm()));
            weights.put(group, afterDl4j.group(group).distance(afterTorch.group(group), afterDl4j.group(group).norm()));
        }
        INDArray dl4jMean = dl4j.getLayer("bn1").getParam("mean");
        HostTensor meanDl4j = new HostTensor(new long[] {dl4jMean.length()}, HostTensor.rowMajor(dl4jMean));
        double mean = meanDl4j.distance(torch.runningMean(0), meanDl4j.norm());

        float[] probabilitiesDl4j = HostTensor.rowMajor(dl4j.output(checkImages, false));
        int n = checkImages.rows();
        float[] probabilitiesTorch = torch.predict(torch.images(HostTensor.rowMajor(checkImages), n, shape[0],
                shape[1], shape[2]));
        double maxDiff = 0;
        for (int i = 0; i < probabilitiesDl4j.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(probabilitiesDl4j[i] - probabilitiesTorch[i]));
        }
        return new Equivalence(lossDl4j, lossTorch, update, dl4jError, torchError, weights, mean, maxDiff);
    }

    /** The weights after one step of a float64 copy of the network; the network itself is left as it was. */
    private static CnnWeights stepInDouble(MultiLayerNetwork dl4j, DataSet batch) {
        MultiLayerNetwork exact = dl4j.convertDataType(DataType.DOUBLE);
        exact.setEpochCount(0);
        exact.fit(new DataSet(batch.getFeatures().castTo(DataType.DOUBLE), batch.getLabels().castTo(DataType.DOUBLE)));
        return CnnWeights.of(exact);
    }

    /** {@code |loss_dl4j - loss_torch| / loss_dl4j}. */
    public double lossDistance() {
        return Math.abs(lossDl4j - lossTorch) / lossDl4j;
    }

    /** The largest of the groups' weight distances. */
    public double maxWeightDistance() {
        return weightDistance.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    }

    /** Mean cross-entropy of softmax probabilities against one-hot labels, in double. */
    static double crossEntropy(INDArray probabilities, INDArray oneHot) {
        float[][] p = probabilities.toFloatMatrix();
        float[][] y = oneHot.toFloatMatrix();
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            for (int c = 0; c < p[i].length; c++) {
                if (y[i][c] > 0) {
                    sum -= Math.log(p[i][c]);
                }
            }
        }
        return sum / p.length;
    }
}
