package io.mixfarm.core.trial;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class MinibatchOrderTest {

    @Test
    void everyEpochVisitsEveryExampleOnceInBatchesWithTheRemainderLast() {
        MinibatchOrder order = new MinibatchOrder(10, 4, 1);
        List<int[]> epoch = order.nextEpoch();
        assertEquals(List.of(4, 4, 2), epoch.stream().map(b -> b.length).toList());
        int[] all = epoch.stream().flatMapToInt(Arrays::stream).sorted().toArray();
        assertArrayEquals(IntStream.range(0, 10).toArray(), all);
    }

    @Test
    void theOrderIsASeededFunctionThatChangesEveryEpoch() {
        MinibatchOrder a = new MinibatchOrder(100, 100, 5);
        MinibatchOrder b = new MinibatchOrder(100, 100, 5);
        int[] first = a.nextEpoch().get(0);
        assertArrayEquals(first, b.nextEpoch().get(0));
        assertFalse(Arrays.equals(first, a.nextEpoch().get(0)));
        assertFalse(Arrays.equals(first, new MinibatchOrder(100, 100, 6).nextEpoch().get(0)));
    }
}
