package io.mixfarm.core.bench;

import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's memory at one moment, from the places that tell the truth about it.
 *
 * <p>Why these: ND4J M2.1's CPU buffers and workspaces are allocated natively, outside JavaCPP's accounting
 * ({@code Pointer.totalBytes()} stays in the kilobytes while the training workspaces of the paper-size CNN hold
 * far more; docs/performance.md, "The trial and farm benchmark"), so the off-heap figure is the size of ND4J's
 * workspaces plus whatever the resident set says.
 *
 * @param rssBytes       resident set size now ({@code VmRSS} of /proc/self/status; 0 where there is none)
 * @param peakRssBytes   the process's peak resident set so far ({@code VmHWM})
 * @param workspaceBytes bytes held by the calling thread's ND4J workspaces (DL4J trains in them)
 * @param heapPeakBytes  sum over the Java heap's pools of their peak use; an upper bound of the heap's peak
 */
public record MemoryUse(long rssBytes, long peakRssBytes, long workspaceBytes, long heapPeakBytes) {

    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    /** Reads the figures now. */
    public static MemoryUse now() {
        String status = readStatus();
        return new MemoryUse(kilobytes(status, "VmRSS:"), kilobytes(status, "VmHWM:"), currentWorkspaceBytes(),
                heapPoolPeaks());
    }

    /**
     * Resets the process's peak resident set to its current one (Linux 4.0+: "5" to /proc/self/clear_refs), so a
     * later {@link #peakRssBytes()} is the peak of what ran in between, not of whatever this JVM did before.
     *
     * @return whether the kernel took it; if not, later peaks may include earlier work
     */
    public static boolean resetPeak() {
        try {
            Files.writeString(CLEAR_REFS, "5");
            return true;
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    private static long currentWorkspaceBytes() {
        long bytes = 0;
        for (MemoryWorkspace workspace : Nd4j.getWorkspaceManager().getAllWorkspacesForCurrentThread()) {
            bytes += workspace.getCurrentSize();
        }
        return bytes;
    }

    private static long heapPoolPeaks() {
        long bytes = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                bytes += pool.getPeakUsage().getUsed();
            }
        }
        return bytes;
    }

    private static String readStatus() {
        try {
            return Files.readString(STATUS);
        } catch (IOException e) {
            return "";
        }
    }

    /** The value of a {@code Key:   123 kB} line, in bytes; 0 if absent. */
    static long kilobytes(String status, String key) {
        for (String line : status.split("\n")) {
            if (line.startsWith(key)) {
                String[] parts = line.substring(key.length()).trim().split("\\s+");
                return Long.parseLong(parts[0]) * 1024;
            }
        }
        return 0;
    }
}
