package io.mixfarm.core.data;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serial;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * An input stream that closes itself when no data arrives for a while.
 *
 * <p>{@code java.net.http.HttpClient} has timeouts for connecting and for the response headers but
 * none while the body streams, so a download whose connection goes quiet would hang for ever.
 * Closing the body stream from another thread makes the blocked read fail, which this class then
 * reports as a {@link StalledException}.
 */
final class StallGuard extends FilterInputStream {

    /** One daemon thread checks all guarded downloads; it must not keep the JVM alive. */
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "mixfarm-download-watchdog");
        thread.setDaemon(true);
        return thread;
    });

    private final Duration limit;
    private final ScheduledFuture<?> check;
    private volatile long lastProgress = System.nanoTime();
    private volatile boolean stalled;

    /** Guards {@code in}, closing it once {@code limit} passes without a byte. */
    StallGuard(InputStream in, Duration limit) {
        super(in);
        this.limit = limit;
        long period = Math.max(10, limit.toMillis() / 4);
        this.check = WATCHDOG.scheduleWithFixedDelay(this::checkProgress, period, period, TimeUnit.MILLISECONDS);
    }

    /** Thrown by reads after the guard closed a quiet stream. */
    static final class StalledException extends IOException {
        @Serial
        private static final long serialVersionUID = 1L;

        StalledException(Duration limit, IOException cause) {
            super("no data for " + limit.toMillis() + " ms", cause);
        }
    }

    @Override
    public int read() throws IOException {
        try {
            int b = super.read();
            lastProgress = System.nanoTime();
            return b;
        } catch (IOException e) {
            throw stalled ? new StalledException(limit, e) : e;
        }
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        try {
            int n = super.read(buffer, offset, length);
            lastProgress = System.nanoTime();
            return n;
        } catch (IOException e) {
            throw stalled ? new StalledException(limit, e) : e;
        }
    }

    @Override
    public void close() throws IOException {
        check.cancel(false);
        super.close();
    }

    private void checkProgress() {
        if (System.nanoTime() - lastProgress > limit.toNanos()) {
            stalled = true;
            check.cancel(false);
            try {
                in.close();
            } catch (IOException e) {
                // The read that is blocked on the stream fails either way.
            }
        }
    }
}
