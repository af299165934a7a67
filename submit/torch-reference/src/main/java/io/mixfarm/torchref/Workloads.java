package io.mixfarm.torchref;

import ai.djl.ndarray.NDArray;
import io.mixfarm.core.bench.RateMeter;
import io.mixfarm.core.model.ScaleInvariantNet;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.List;

/** What the reference's benchmarks time, the same work in each engine: SGD steps, and prediction passes. */
final class Workloads {

    private Workloads() {
    }

    /** One DL4J SGD step per call, cycling through {@code batches}. */
    static RateMeter.Workload training(ScaleInvariantNet network, List<DataSet> batches) {
        return step -> {
            DataSet batch = batches.get(step % batches.size());
            network.fit(batch);
            return batch.numExamples();
        };
    }

    /** One libtorch SGD step per call at {@link NetEquivalence#LR} and {@link NetEquivalence#WD}, cycling. */
    static RateMeter.Workload training(TorchNet torch, List<TorchBatch> batches) {
        return step -> {
            TorchBatch batch = batches.get(step % batches.size());
            torch.trainStep(batch.images(), batch.labels(), NetEquivalence.LR, NetEquivalence.WD);
            return batch.size();
        };
    }

    /** One DL4J inference pass over all of {@code images} per call, {@code chunk} images per call of the network. */
    static RateMeter.Workload prediction(ScaleInvariantNet network, INDArray images, int chunk) {
        int n = images.rows();
        return step -> {
            for (int from = 0; from < n; from += chunk) {
                network.output(images.get(NDArrayIndex.interval(from, Math.min(n, from + chunk)), NDArrayIndex.all()),
                        false);
            }
            return n;
        };
    }

    /** One libtorch inference pass over the chunks of {@link #testChunks} per call. */
    static RateMeter.Workload prediction(TorchNet torch, List<NDArray> chunks) {
        return step -> {
            int images = 0;
            for (NDArray chunk : chunks) {
                torch.predict(chunk);
                images += (int) chunk.getShape().get(0);
            }
            return images;
        };
    }

    /** The test images in chunks of {@code size}, as tensors owned by {@code torch}. */
    static List<NDArray> testChunks(TorchNet torch, INDArray test, int[] chw, int size) {
        List<NDArray> chunks = new ArrayList<>();
        int n = test.rows();
        for (int from = 0; from < n; from += size) {
            int to = Math.min(n, from + size);
            INDArray rows = test.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
            chunks.add(torch.images(HostTensor.rowMajor(rows), to - from, chw[0], chw[1], chw[2]));
        }
        return chunks;
    }
}
