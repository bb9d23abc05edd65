package io.edgeai.gateway.mqtt.internal;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The publish store's segment files {@code seg-NNNNNNNN.log}: append-only, one record after another.
 *
 * <p>A record is {@code length:int crc:int} followed by {@code length} body bytes: {@code seq:long
 * priority:byte qos:byte retained:byte expiresAt:long topicLength:short topic payload}, the CRC32 taken over
 * the body. Reading a segment back stops at the first record that is cut short or fails its CRC (a crash
 * during a write) and cuts the file off there, so later appends never follow garbage.
 *
 * <p>Threads: {@link #append}, {@link #force}, {@link #closeOlderThan} and {@link #delete} on the store's
 * writer thread only; {@link #payload} on the sender's; {@link #scan} before either runs.
 */
final class SegmentLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentLog.class);
    /** Length and CRC in front of every body. */
    static final int HEADER = 8;
    /** Body bytes before the topic: seq, priority, qos, retained, expiresAt, topic length. */
    private static final int FIXED = 8 + 3 + 8 + 2;

    private static final int MAX_BODY = 1 << 28;

    /** One record read back from a segment: where it lies and what it says, without its payload. */
    record Record(
            int segment,
            long pos,
            int length,
            long seq,
            int priority,
            int qos,
            boolean retained,
            long expiresAt,
            String topic,
            int payloadLength) {}

    private final String name;
    private final Path directory;
    private final Map<Integer, FileChannel> writeChannels = new HashMap<>();
    private final Map<Integer, FileChannel> readChannels = new ConcurrentHashMap<>();
    private final Map<Integer, Long> sizes = new ConcurrentHashMap<>();

    /**
     * @param name connection name, for logs
     * @param directory where the segments live (it exists)
     */
    SegmentLog(String name, Path directory) {
        this.name = name;
        this.directory = directory;
    }

    /** @return the bytes one record of this topic and payload takes, header included */
    static int recordLength(int topicBytes, int payloadBytes) {
        return HEADER + FIXED + topicBytes + payloadBytes;
    }

    /**
     * Writes one record into {@code buf} at {@code at}; {@code buf} has room for
     * {@link #recordLength} bytes there.
     */
    static void encode(
            byte[] buf,
            int at,
            long seq,
            int priority,
            int qos,
            boolean retained,
            long expiresAt,
            byte[] topic,
            byte[] payload) {
        int length = recordLength(topic.length, payload.length);
        ByteBuffer b = ByteBuffer.wrap(buf, at, length);
        b.putInt(length - HEADER).putInt(0);
        b.putLong(seq)
                .put((byte) priority)
                .put((byte) qos)
                .put((byte) (retained ? 1 : 0))
                .putLong(expiresAt)
                .putShort((short) topic.length)
                .put(topic)
                .put(payload);
        CRC32 crc = new CRC32();
        crc.update(buf, at + HEADER, length - HEADER);
        ByteBuffer.wrap(buf, at + 4, 4).putInt((int) crc.getValue());
    }

    /** @return the segment numbers in the directory, oldest first */
    List<Integer> segments() throws IOException {
        List<Integer> segments = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            files.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("seg-\\d{8}\\.log"))
                    .forEach(n -> segments.add(Integer.parseInt(n.substring(4, 12))));
        }
        segments.sort(null);
        return segments;
    }

    /**
     * Reads a segment back, record by record. A torn or corrupt record ends the segment: the file is cut
     * off before it (logged once).
     *
     * @param segment the segment number
     * @param each called with every intact record, in order
     * @return the number of intact records
     */
    int scan(int segment, Consumer<Record> each) throws IOException {
        Path file = file(segment);
        long pos = 0;
        int n = 0;
        try (InputStream raw = Files.newInputStream(file);
                DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
            while (true) {
                int len;
                int crc;
                byte[] body;
                try {
                    len = in.readInt();
                    if (len < FIXED || len > MAX_BODY) {
                        break;
                    }
                    crc = in.readInt();
                    body = new byte[len];
                    in.readFully(body);
                } catch (EOFException torn) {
                    break;
                }
                CRC32 c = new CRC32();
                c.update(body);
                if ((int) c.getValue() != crc) {
                    break;
                }
                each.accept(decode(segment, pos, body));
                n++;
                pos += len + HEADER;
            }
        }
        if (pos < Files.size(file)) {
            LOG.warn("Publish store of {}: segment {} has a torn record at {}; cut off there", name, segment, pos);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(pos);
            }
        }
        sizes.put(segment, pos);
        return n;
    }

    private static Record decode(int segment, long pos, byte[] body) {
        ByteBuffer b = ByteBuffer.wrap(body);
        long seq = b.getLong();
        int priority = b.get();
        int qos = b.get();
        boolean retained = b.get() != 0;
        long expiresAt = b.getLong();
        byte[] topic = new byte[b.getShort() & 0xffff];
        b.get(topic);
        return new Record(
                segment,
                pos,
                body.length + HEADER,
                seq,
                priority,
                qos,
                retained,
                expiresAt,
                new String(topic, StandardCharsets.UTF_8),
                b.remaining());
    }

    /** Appends encoded records to the end of a segment, creating it when new. */
    void append(int segment, byte[] bytes, int length) throws IOException {
        FileChannel ch = writeChannels.get(segment);
        if (ch == null) {
            ch = FileChannel.open(
                    file(segment), StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            writeChannels.put(segment, ch);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, 0, length);
        while (b.hasRemaining()) {
            ch.write(b);
        }
        sizes.merge(segment, (long) length, Long::sum);
    }

    /** Forces what was appended to a segment to the device. */
    void force(int segment) throws IOException {
        FileChannel ch = writeChannels.get(segment);
        if (ch != null) {
            ch.force(false);
        }
    }

    /** Closes the write channels of segments before {@code newest}: a closed segment is not written again. */
    void closeOlderThan(int newest) throws IOException {
        for (var it = writeChannels.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Integer, FileChannel> old = it.next();
            if (old.getKey() < newest) {
                old.getValue().close();
                it.remove();
            }
        }
    }

    /**
     * Reads a record's payload back (on the sender's thread, while the writer appends).
     *
     * @param segment, pos, length where the record lies and its size, header included
     * @param payloadLength the payload's size, the last bytes of the record
     * @param seq the record's sequence number, for the error message
     * @return the payload
     */
    byte[] payload(int segment, long pos, int length, int payloadLength, long seq) throws IOException {
        FileChannel ch = readChannels.computeIfAbsent(segment, s -> {
            try {
                return FileChannel.open(file(s), StandardOpenOption.READ);
            } catch (IOException x) {
                throw new UncheckedIOException(x);
            }
        });
        ByteBuffer b = ByteBuffer.allocate(payloadLength);
        long at = pos + length - payloadLength;
        while (b.hasRemaining()) {
            if (ch.read(b, at + b.position()) < 0) {
                throw new EOFException("segment " + segment + " ends before message " + seq);
            }
        }
        return b.array();
    }

    /** Deletes a segment whose records are all done. */
    void delete(int segment) throws IOException {
        closeQuietly(writeChannels.remove(segment));
        closeQuietly(readChannels.remove(segment));
        Files.deleteIfExists(file(segment));
        sizes.remove(segment);
    }

    /** @return bytes in all segments */
    long bytes() {
        return sizes.values().stream().mapToLong(Long::longValue).sum();
    }

    Path file(int segment) {
        return directory.resolve(String.format("seg-%08d.log", segment));
    }

    /** Closes every channel; the files stay. */
    @Override
    public void close() {
        writeChannels.values().forEach(SegmentLog::closeQuietly);
        writeChannels.clear();
        readChannels.values().forEach(SegmentLog::closeQuietly);
        readChannels.clear();
    }

    static void closeQuietly(FileChannel ch) {
        try {
            if (ch != null) {
                ch.close();
            }
        } catch (IOException e) {
            // closing after the last write
        }
    }
}
