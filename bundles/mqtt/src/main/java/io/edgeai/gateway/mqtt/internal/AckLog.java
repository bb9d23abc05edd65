package io.edgeai.gateway.mqtt.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;

/**
 * The publish store's {@code acked.log}: the sequence numbers of messages the broker has (8 bytes each,
 * appended). A record in a segment whose number is here is not sent again after a restart. Written by the
 * store's writer thread only; emptied when the store runs empty.
 */
final class AckLog implements AutoCloseable {
    static final String FILE = "acked.log";

    /** What a previous run acknowledged. */
    record Acked(Set<Long> seqs, long maxSeq) {}

    private final FileChannel channel;
    private volatile long bytes;

    private AckLog(FileChannel channel) throws IOException {
        this.channel = channel;
        this.bytes = channel.size();
    }

    /** @return the sequence numbers in the directory's log (none when there is no log yet) */
    static Acked read(Path directory) throws IOException {
        Set<Long> acked = new HashSet<>();
        long maxSeq = 0;
        Path file = directory.resolve(FILE);
        if (Files.exists(file)) {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
            while (b.remaining() >= 8) {
                long s = b.getLong();
                acked.add(s);
                maxSeq = Math.max(maxSeq, s);
            }
        }
        return new Acked(acked, maxSeq);
    }

    /** @return the directory's log, opened for appending (created when missing) */
    static AckLog open(Path directory) throws IOException {
        return new AckLog(FileChannel.open(
                directory.resolve(FILE),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.APPEND));
    }

    /** Appends the first {@code n} sequence numbers of {@code seqs}. */
    void append(long[] seqs, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 * n);
        for (int i = 0; i < n; i++) {
            b.putLong(seqs[i]);
        }
        b.flip();
        while (b.hasRemaining()) {
            channel.write(b);
        }
        bytes += 8L * n;
    }

    /** Forces the appended numbers to the device. */
    void force() throws IOException {
        channel.force(false);
    }

    /** Empties the log: every message it named is gone from the segments too. */
    void truncate() throws IOException {
        channel.truncate(0);
        bytes = 0;
    }

    /** @return the log's size */
    long bytes() {
        return bytes;
    }

    @Override
    public void close() {
        SegmentLog.closeQuietly(channel);
    }
}
