package io.mixfarm.jobs.store;

import org.apache.parquet.io.DelegatingPositionOutputStream;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.io.SeekableInputStream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;

/**
 * A Parquet file held in memory: written once as a {@link SmallOutputFile}, then read as an {@link InputFile}. The
 * store encodes each record epoch's predictions as one such file of one row group, and concatenates them into
 * a trial's predictions file (see {@link AtomicFiles#writeRowGroups}); each is a few kilobytes.
 */
final class MemoryFile implements SmallOutputFile, InputFile {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @Override
    public PositionOutputStream create(long blockSizeHint) {
        return createOrOverwrite(blockSizeHint);
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) {
        bytes.reset();
        return new DelegatingPositionOutputStream(bytes) {
            @Override
            public long getPos() {
                return bytes.size();
            }
        };
    }

    @Override
    public String getPath() {
        return "memory:" + Integer.toHexString(System.identityHashCode(this));
    }

    @Override
    public long getLength() {
        return bytes.size();
    }

    @Override
    public SeekableInputStream newStream() {
        return new Seekable(bytes.toByteArray());
    }

    /** A byte array read with positions, which {@link ByteArrayInputStream} keeps in a protected field. */
    private static final class Seekable extends DelegatingSeekableInputStream {

        private final Positioned in;

        Seekable(byte[] content) {
            this(new Positioned(content));
        }

        private Seekable(Positioned in) {
            super(in);
            this.in = in;
        }

        @Override
        public long getPos() {
            return in.position();
        }

        @Override
        public void seek(long newPos) throws IOException {
            in.seek(newPos);
        }
    }

    private static final class Positioned extends ByteArrayInputStream {

        Positioned(byte[] content) {
            super(content);
        }

        long position() {
            return pos;
        }

        void seek(long position) throws IOException {
            if (position < 0 || position > count) {
                throw new EOFException("seek to " + position + " in " + count + " bytes");
            }
            pos = (int) position;
        }
    }
}
