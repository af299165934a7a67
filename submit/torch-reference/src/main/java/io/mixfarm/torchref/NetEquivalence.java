package io.mixfarm.torchref;

import io.mixfarm.core.bench.TrialBench;
import io.mixfarm.core.model.ScaleInvariantNet;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Whether the two engines train the same network: one SGD step from the same weights on the same batch in DL4J, in
 * libtorch ({@link TorchNet}) and in a float64 copy of the DL4J network (which runs ND4J's generic ops rather than the
 * oneDNN helpers and the fused layers), compared layer by layer, so that a difference between the engines can be put
 * on the one whose float32 arithmetic is further from exact. Each layer's update {@code dw = w1 - w0} is compared
 * relative to the float64 update's norm (a gradient twice too large, or weight decay applied twice, shows as O(1)),
 * its weights after the step relative to their own norm; the fixed last layer must not move in either engine.
 *
 * @param lossDl4j            DL4J's mean cross-entropy of the batch before the step
 * @param lossTorch           libtorch's
 * @param updateDistance      per trainable layer, {@code ||dw_dl4j - dw_torch|| / ||dw_64||}
 * @param dl4jUpdateError     per trainable layer, {@code ||dw_dl4j - dw_64|| / ||dw_64||}
 * @param torchUpdateError    per trainable layer, {@code ||dw_torch - dw_64|| / ||dw_64||}
 * @param weightDistance      per trainable layer, {@code ||w1_dl4j - w1_torch|| / ||w1_dl4j||}
 * @param fixedLayerMoved     largest change of a fixed-layer weight in either engine (must be 0)
 * @param runningMeanDistance the first BN's running mean after the step, relative (checks the momentum convention)
 * @param predictMaxAbsDiff   largest difference of a predicted class probability on the check images after the step
 */
public record NetEquivalence(double lossDl4j, double lossTorch, Map<String, Double> updateDistance,
                             Map<String, Double> dl4jUpdateError, Map<String, Double> torchUpdateError,
                             Map<String, Double> weightDistance, double fixedLayerMoved, double runningMeanDistance,
                             double predictMaxAbsDiff) {

    /** Learning rate and weight decay of the step: those of {@link TrialBench#SCHEDULE}'s first epoch. */
    public static final float LR = (float) TrialBench.SCHEDULE.lr(1);
    public static final float WD = (float) TrialBench.SCHEDULE.wd(1);

    public NetEquivalence {
        updateDistance = Map.copyOf(updateDistance);
        dl4jUpdateError = Map.copyOf(dl4jUpdateError);
        torchUpdateError = Map.copyOf(torchUpdateError);
        weightDistance = Map.copyOf(weightDistance);
    }

    /**
     * Takes one step in both engines, which must hold the same weights, at {@link #LR} and {@link #WD}.
     *
     * @param batch       the batch both train on, DL4J's copy
     * @param torchBatch  the same batch as libtorch tensors
     * @param checkImages images whose predictions are compared after the step, flattened
     * @param shape       image shape {@code [channels, height, width]}
     */
    public static NetEquivalence ofOneStep(ScaleInvariantNet dl4j, TorchNet torch, DataSet batch,
                                           TorchBatch torchBatch, INDArray checkImages, int[] shape) {
        String firstBn = torch.firstBatchNorm();
        NetWeights before = NetWeights.of(dl4j);
        NetWeights after64 = stepInDouble(dl4j, batch);
        double lossDl4j = crossEntropy(dl4j.output(batch.getFeatures(), true), batch.getLabels());
        dl4j.startEpoch(1);
        dl4j.fit(batch);
        NetWeights afterDl4j = NetWeights.of(dl4j);

        double lossTorch = torch.trainStep(torchBatch.images(), torchBatch.labels(), LR, WD);
        NetWeights afterTorch = torch.weights();

        Map<String, Double> update = new LinkedHashMap<>();
        Map<String, Double> dl4jError = new LinkedHashMap<>();
        Map<String, Double> torchError = new LinkedHashMap<>();
        Map<String, Double> weights = new LinkedHashMap<>();
        for (String layer : dl4j.trainableLayers()) {
            HostTensor w0 = before.layer(layer);
            HostTensor exact = after64.layer(layer).minus(w0);
            HostTensor dl4jStep = afterDl4j.layer(layer).minus(w0);
            HostTensor torchStep = afterTorch.layer(layer).minus(w0);
            update.put(layer, dl4jStep.distance(torchStep, exact.norm()));
            dl4jError.put(layer, dl4jStep.distance(exact, exact.norm()));
            torchError.put(layer, torchStep.distance(exact, exact.norm()));
            weights.put(layer, afterDl4j.layer(layer).distance(afterTorch.layer(layer), afterDl4j.layer(layer).norm()));
        }
        HostTensor fixed = before.layer(dl4j.outputLayer());
        double moved = Math.max(afterDl4j.layer(dl4j.outputLayer()).distance(fixed, 1),
                afterTorch.layer(dl4j.outputLayer()).distance(fixed, 1));

        INDArray dl4jMean = dl4j.param(firstBn, "mean");
        HostTensor meanDl4j = new HostTensor(new long[] {dl4jMean.length()}, HostTensor.rowMajor(dl4jMean));
        double mean = meanDl4j.distance(torch.runningMean(firstBn), meanDl4j.norm());

        float[] probabilitiesDl4j = HostTensor.rowMajor(dl4j.output(checkImages, false));
        int n = checkImages.rows();
        float[] probabilitiesTorch = torch.predict(torch.images(HostTensor.rowMajor(checkImages), n, shape[0],
                shape[1], shape[2]));
        double maxDiff = 0;
        for (int i = 0; i < probabilitiesDl4j.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(probabilitiesDl4j[i] - probabilitiesTorch[i]));
        }
        return new NetEquivalence(lossDl4j, lossTorch, update, dl4jError, torchError, weights, moved, mean, maxDiff);
    }

    /** The weights after one step of a float64 copy of the network; the network itself is left as it was. */
    private static NetWeights stepInDouble(ScaleInvariantNet dl4j, DataSet batch) {
        Model network = dl4j.network();
        Model converted = network instanceof MultiLayerNetwork chain ? chain.convertDataType(DataType.DOUBLE)
                : ((ComputationGraph) network).convertDataType(DataType.DOUBLE);
        ScaleInvariantNet exact = new ScaleInvariantNet(converted, dl4j.groups(), dl4j.outputLayer(), dl4j.frozen());
        exact.startEpoch(1);
        exact.fit(new DataSet(batch.getFeatures().castTo(DataType.DOUBLE), batch.getLabels().castTo(DataType.DOUBLE)));
        return NetWeights.of(exact);
    }

    /** {@code |loss_dl4j - loss_torch| / loss_dl4j}. */
    public double lossDistance() {
        return Math.abs(lossDl4j - lossTorch) / lossDl4j;
    }

    /** The largest value of a per-layer figure, e.g. {@code max(dl4jUpdateError())}. */
    public static double max(Map<String, Double> perLayer) {
        return perLayer.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    }

    /** The layer where a per-layer figure is largest. */
    public static String argMax(Map<String, Double> perLayer) {
        return perLayer.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
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
