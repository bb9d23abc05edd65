package io.edgeai.gateway.mqtt.internal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The bytes from the broker, passed on unchanged except the topic of a PUBLISH packet that Paho 1.2.5 would
 * refuse: such a topic is re-encoded with each offending character replaced by {@link TopicGuard#REPLACEMENT},
 * and the topic length and the packet's remaining length are written anew. Paho throws from its receive thread
 * on such a topic, which silently stops the connection (no {@code connectionLost}, nothing more received).
 *
 * <p>Streaming: only a packet's fixed header and, for PUBLISH, its topic are held; everything else is read
 * straight into the caller's buffer. Paho reads with a socket timeout and retries after
 * {@link java.net.SocketTimeoutException}, so every read can stop part-way: the state kept here makes the next
 * call continue where the last one stopped.
 */
final class TopicGuardInputStream extends InputStream {
    /** Largest remaining length MQTT's variable byte integer can carry. */
    static final int MAX_REMAINING = 268_435_455;

    private static final int PUBLISH = 3;

    /** Told about each topic that was rewritten. */
    interface Listener {
        /** @param rewritten the topic as Paho will see it */
        void rewritten(String rewritten);
    }

    private final InputStream in;
    private final Listener listener;
    /** Read-ahead for headers; each refill is one read of {@link #in}, so a timeout loses nothing. */
    private final byte[] buf = new byte[8192];

    private final byte[] one = new byte[1];
    private int bufPos;
    private int bufLen;

    /** Bytes to hand out before anything else: a packet's header, length fields and topic. */
    private byte[] pending = new byte[0];

    private int pendingPos;
    /** Bytes of the current packet still to be passed through unread by us. */
    private long through;

    /** Header being collected: fixed header byte, up to 4 length bytes, 2 topic length bytes. */
    private final byte[] head = new byte[7];

    private int headLen;
    private int lengthBytes;
    private int remaining = -1;
    private byte[] topic;
    private int topicRead;
    /** After a malformed length everything passes unchanged; Paho reports the error itself. */
    private boolean raw;

    TopicGuardInputStream(InputStream in, Listener listener) {
        this.in = in;
        this.listener = listener;
    }

    @Override
    public int read() throws IOException {
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        while (true) {
            if (pendingPos < pending.length) {
                int n = Math.min(len, pending.length - pendingPos);
                System.arraycopy(pending, pendingPos, b, off, n);
                pendingPos += n;
                return n;
            }
            if (raw) {
                return readInto(b, off, len);
            }
            if (through > 0) {
                int n = readInto(b, off, (int) Math.min(len, through));
                if (n > 0) {
                    through -= n;
                }
                return n;
            }
            if (!nextPacket()) {
                return -1;
            }
        }
    }

    /**
     * Reads the next packet's header (and a PUBLISH topic) into {@link #pending}.
     *
     * @return false at the end of the stream between packets
     * @throws EOFException when the stream ends inside a header
     */
    private boolean nextPacket() throws IOException {
        while (remaining < 0) {
            int c = readByte();
            if (c < 0) {
                if (headLen == 0) {
                    return false;
                }
                throw new EOFException("stream ended inside an MQTT packet header");
            }
            head[headLen++] = (byte) c;
            if (headLen == 1) {
                continue;
            }
            lengthBytes++;
            if ((c & 0x80) == 0) {
                remaining = decodeLength(head, 1, lengthBytes);
            } else if (lengthBytes == 4) {
                // a fifth length byte is malformed: hand over what we have and stop looking
                raw = true;
                emit(head, headLen);
                return true;
            }
        }
        int type = (head[0] & 0xff) >>> 4;
        if (type != PUBLISH || remaining < 2) {
            emitHeaderAndPass(remaining);
            return true;
        }
        while (headLen < 1 + lengthBytes + 2) {
            int c = readByte();
            if (c < 0) {
                throw new EOFException("stream ended inside a PUBLISH topic length");
            }
            head[headLen++] = (byte) c;
        }
        int topicLen = ((head[headLen - 2] & 0xff) << 8) | (head[headLen - 1] & 0xff);
        if (topicLen > remaining - 2) {
            emitHeaderAndPass(remaining - 2);
            return true;
        }
        if (topic == null) {
            topic = new byte[topicLen];
            topicRead = 0;
        }
        while (topicRead < topicLen) {
            int n = readInto(topic, topicRead, topicLen - topicRead);
            if (n < 0) {
                throw new EOFException("stream ended inside a PUBLISH topic");
            }
            topicRead += n;
        }
        byte[] replaced = TopicGuard.acceptable(topic) ? null : rewrite(topic, remaining);
        if (replaced == null) {
            byte[] out = new byte[headLen + topicLen];
            System.arraycopy(head, 0, out, 0, headLen);
            System.arraycopy(topic, 0, out, headLen, topicLen);
            pass(out, remaining - 2 - topicLen);
        } else {
            int newRemaining = remaining - topicLen + replaced.length;
            byte[] len = encodeLength(newRemaining);
            byte[] out = new byte[1 + len.length + 2 + replaced.length];
            out[0] = head[0];
            System.arraycopy(len, 0, out, 1, len.length);
            out[1 + len.length] = (byte) (replaced.length >>> 8);
            out[2 + len.length] = (byte) replaced.length;
            System.arraycopy(replaced, 0, out, 3 + len.length, replaced.length);
            pass(out, remaining - 2 - topicLen);
            listener.rewritten(new String(replaced, StandardCharsets.UTF_8));
        }
        return true;
    }

    private int readByte() throws IOException {
        if (bufPos == bufLen && !fill()) {
            return -1;
        }
        return buf[bufPos++] & 0xff;
    }

    /** Buffered bytes first; otherwise one read of the underlying stream, straight into the target. */
    private int readInto(byte[] b, int off, int len) throws IOException {
        if (bufPos < bufLen) {
            int n = Math.min(len, bufLen - bufPos);
            System.arraycopy(buf, bufPos, b, off, n);
            bufPos += n;
            return n;
        }
        return in.read(b, off, len);
    }

    private boolean fill() throws IOException {
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) {
            return false;
        }
        bufPos = 0;
        bufLen = n;
        return true;
    }

    private void emitHeaderAndPass(int rest) {
        byte[] out = new byte[headLen];
        System.arraycopy(head, 0, out, 0, headLen);
        pass(out, rest);
    }

    private void pass(byte[] out, long rest) {
        emit(out, out.length);
        through = rest;
        headLen = 0;
        lengthBytes = 0;
        remaining = -1;
        topic = null;
    }

    private void emit(byte[] bytes, int count) {
        pending = count == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, count);
        pendingPos = 0;
    }

    /**
     * @return the topic Paho accepts, at most 65,535 bytes and never growing the packet past MQTT's limit
     */
    private static byte[] rewrite(byte[] topic, int remaining) {
        int room = Math.min(0xffff, MAX_REMAINING - remaining + topic.length);
        return TopicGuard.replaced(new String(topic, StandardCharsets.UTF_8), room);
    }

    static int decodeLength(byte[] b, int off, int count) {
        int value = 0;
        for (int i = 0; i < count; i++) {
            value |= (b[off + i] & 0x7f) << (7 * i);
        }
        return value;
    }

    static byte[] encodeLength(int value) {
        byte[] out = new byte[value < 128 ? 1 : value < 16_384 ? 2 : value < 2_097_152 ? 3 : 4];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) ((value & 0x7f) | (i < out.length - 1 ? 0x80 : 0));
            value >>>= 7;
        }
        return out;
    }

    /** An estimate, as Paho only asks whether anything is waiting: what is held here and what the socket has. */
    @Override
    public int available() throws IOException {
        long ready = pending.length - pendingPos + bufLen - bufPos + (long) in.available();
        return (int) Math.min(Integer.MAX_VALUE, ready);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
