package io.mixfarm.core.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/** Opens a stream that may or may not be gzipped, deciding by the gzip magic bytes, not the file name. */
final class GzipSniffer {

    /** First two bytes of every gzip member (RFC 1952). */
    private static final int MAGIC_1 = 0x1f;
    private static final int MAGIC_2 = 0x8b;
    private static final int BUFFER = 1 << 16;

    private GzipSniffer() {
    }

    /** {@code raw} itself (buffered) if it does not start with the gzip magic, else its decompressed content. */
    static InputStream open(InputStream raw) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, BUFFER);
        in.mark(2);
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        return b1 == MAGIC_1 && b2 == MAGIC_2 ? new GZIPInputStream(in, BUFFER) : in;
    }
}
