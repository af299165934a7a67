package io.mixfarm.core.trial;

import io.mixfarm.core.schedule.Schedule;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A snapshot records what computed it (format version 3), and a version-2 snapshot, written before it did, still
 * reads, with its origin unknown.
 */
class SnapshotOriginTest {

    private static final SnapshotOrigin ORIGIN =
            new SnapshotOrigin("mixfarm=0.1.0 commit=abc kernels=fused nd4j=CPU", 2);

    private static TrialSnapshot snapshot() {
        List<EpochMetrics> metrics = List.of(new EpochMetrics(1, 0.1, 0.01, 2.0, 0.5, 2.1, 0.6,
                List.of(new GroupStats("conv1", 3.0, 0.1 / 9)), 3.0, 0.1 / 9, 1.5, 0.5));
        return new TrialSnapshot(1, 20, 20, "data=x seed=1", Schedule.parse("R", "1: lr=0.1 wd=0.01"), metrics,
                List.of(), List.of(new EpochPredictions(RecordPoint.endOf(1, 20), new byte[] {1, 2, 3})),
                new float[] {1f, -2f, Float.NaN}, new float[] {0.5f});
    }

    @Test
    void theOriginTravelsWithTheBytes() {
        TrialSnapshot runner = snapshot();
        assertEquals(SnapshotOrigin.UNKNOWN, runner.origin(), "the runner knows no implementation");
        TrialSnapshot stamped = runner.withOrigin(ORIGIN);
        TrialSnapshot read = TrialSnapshot.fromBytes(stamped.toBytes());
        assertEquals(ORIGIN, read.origin());
        assertArrayEquals(runner.params(), read.params());
        assertEquals(runner.metrics(), read.metrics());
        assertEquals(3, ByteBuffer.wrap(stamped.toBytes()).getInt(4), "written as version 3");
    }

    @Test
    void aVersionTwoSnapshotReadsWithAnUnknownOrigin() throws IOException {
        TrialSnapshot original = snapshot().withOrigin(ORIGIN);
        TrialSnapshot read = TrialSnapshot.fromBytes(versionTwo(original.toBytes()));
        assertEquals(SnapshotOrigin.UNKNOWN, read.origin());
        assertFalse(read.origin().known());
        assertEquals(original.epoch(), read.epoch());
        assertEquals(original.iterations(), read.iterations());
        assertEquals(original.trial(), read.trial());
        assertEquals(original.metrics(), read.metrics());
        assertArrayEquals(original.params(), read.params());
        assertArrayEquals(original.updaterState(), read.updaterState());
        assertArrayEquals(original.predictions().get(0).predicted(), read.predictions().get(0).predicted());
    }

    @Test
    void anOriginIsKnownWhole() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SnapshotOrigin("x", 0));
        assertTrue(e.getMessage().contains("known together"), e.getMessage());
        assertEquals("mixfarm=0.1.0 commit=abc kernels=fused nd4j=CPU with 2 OpenMP threads", ORIGIN.describe());
    }

    /**
     * The bytes version 2 wrote for the same snapshot: version 3's without the origin after the header, the version
     * field 2 and the CRC-32 over the rest (version 2's layout is version 3's but for those fields).
     */
    private static byte[] versionTwo(byte[] three) throws IOException {
        int originLength = 2 + ORIGIN.implementation().getBytes(StandardCharsets.UTF_8).length + Integer.BYTES;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(ByteBuffer.wrap(three).getInt(0));
            out.writeInt(2);
            out.write(Arrays.copyOfRange(three, 8 + originLength, three.length - Long.BYTES));
            CRC32 crc = new CRC32();
            crc.update(bytes.toByteArray());
            out.writeLong(crc.getValue());
        }
        return bytes.toByteArray();
    }
}
