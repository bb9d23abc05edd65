package io.edgeai.gateway.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.eclipse.paho.client.mqttv3.internal.wire.MqttPublish;
import org.eclipse.paho.client.mqttv3.internal.wire.MqttWireMessage;
import org.junit.jupiter.api.Test;

import io.edgeai.gateway.testing.RawMqttDevice;

/**
 * The frame parser against Paho 1.2.5's own decoder: what Paho refuses before passes after, everything else
 * byte for byte, over reads of one byte, reads that time out part-way and lengths of several bytes.
 */
class TopicGuardInputStreamTest {
    private static final byte[] CONNACK = {0x20, 0x02, 0x00, 0x00};
    private static final byte[] SUBACK = {(byte) 0x90, 0x03, 0x00, 0x01, 0x01};
    private static final byte[] PUBACK = {0x40, 0x02, 0x00, 0x07};
    private static final byte[] PINGRESP = {(byte) 0xd0, 0x00};

    static byte[] publish(byte[] topic, int qos, int id, byte[] payload) {
        return RawMqttDevice.publishPacket(topic, qos, id, payload);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** Hands out at most {@code max} bytes per read and, when asked, times out before every other read. */
    private static final class Trickle extends InputStream {
        private final InputStream in;
        private final int max;
        private final boolean timeouts;
        private int calls;

        Trickle(byte[] data, int max, boolean timeouts) {
            this.in = new ByteArrayInputStream(data);
            this.max = max;
            this.timeouts = timeouts;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (timeouts && calls++ % 2 == 0) {
                throw new SocketTimeoutException("Read timed out");
            }
            return in.read(b, off, Math.min(len, max));
        }
    }

    /** Reads everything the way Paho does: retrying after a timeout; at most {@code chunk} bytes a read. */
    private static byte[] drain(InputStream in, int chunk) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] b = new byte[chunk];
        for (int guard = 0; guard < 10_000_000; guard++) {
            int n;
            try {
                n = chunk == 1 ? oneByte(in, b) : in.read(b, 0, chunk);
            } catch (SocketTimeoutException e) {
                continue;
            }
            if (n < 0) {
                return out.toByteArray();
            }
            out.write(b, 0, n);
        }
        throw new AssertionError("stream never ended");
    }

    private static int oneByte(InputStream in, byte[] b) throws IOException {
        int c = in.read();
        if (c < 0) {
            return -1;
        }
        b[0] = (byte) c;
        return 1;
    }

    private static List<String> rewrites = new ArrayList<>();

    private static byte[] guarded(byte[] wire, int max, boolean timeouts, int chunk) throws IOException {
        rewrites.clear();
        return drain(new TopicGuardInputStream(new Trickle(wire, max, timeouts), rewrites::add), chunk);
    }

    /** Paho's own decoding of one packet, as its receive thread does it. */
    private static MqttWireMessage paho(byte[] packet) throws Exception {
        return MqttWireMessage.createWireMessage(packet);
    }

    @Test
    void otherPacketsAndCleanPublishesPassByteForByte() throws Exception {
        byte[] big = new byte[200 * 1024];
        new Random(7).nextBytes(big);
        byte[] wire = concat(
                CONNACK,
                SUBACK,
                publish(utf8("sensors/dev-1/temp"), 1, 7, big),
                PUBACK,
                PINGRESP,
                publish(utf8("text/caf\u00e9/\u4e2d\u6587"), 0, 0, utf8("ok")),
                publish(utf8("e"), 2, 9, new byte[0]));
        assertEquals(3, TopicGuardInputStream.encodeLength(big.length + 22).length, "a 3-byte remaining length");
        for (boolean timeouts : new boolean[] {false, true}) {
            assertArrayEquals(wire, guarded(wire, 1, timeouts, 1), "one byte at a time");
            assertArrayEquals(wire, guarded(wire, 1000, timeouts, 4096));
            assertArrayEquals(wire, guarded(wire, Integer.MAX_VALUE, timeouts, 65536));
        }
        assertTrue(rewrites.isEmpty());
    }

    @Test
    void refusedTopicsAreRewrittenSoPahoDecodesThem() throws Exception {
        byte[] big = new byte[20 * 1024]; // a 3-byte remaining length
        new Random(11).nextBytes(big);
        List<byte[]> poisons = List.of(
                utf8("dev/a\u0001b/t"),
                utf8("dev/\u0085/t"),
                utf8("dev/\ufdd0/t"),
                utf8("dev/\ud83d\ude00/t"),
                utf8("dev/\ufffd/t"),
                utf8("dev/\uffff/t"),
                utf8("dev/\uff21/t"),
                new byte[] {'d', '/', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '/', 't'}, // CESU-8 lone surrogate
                new byte[] {'d', '/', (byte) 0xff, (byte) 0xc3, '/', 't'}); // not UTF-8 at all
        for (byte[] topic : poisons) {
            for (int qos : new int[] {0, 1}) {
                byte[] packet = publish(topic, qos, 4242, big);
                Exception refused = assertThrows(Exception.class, () -> paho(packet), "Paho refuses it as it is");
                assertTrue(refused instanceof IllegalArgumentException || refused.getCause() != null, "" + refused);
                byte[] wire = concat(CONNACK, packet, PINGRESP);
                for (boolean timeouts : new boolean[] {false, true}) {
                    byte[] out = guarded(wire, 1, timeouts, 1);
                    assertEquals(1, rewrites.size());
                    assertArrayEquals(CONNACK, Arrays.copyOf(out, CONNACK.length));
                    assertArrayEquals(PINGRESP, Arrays.copyOfRange(out, out.length - 2, out.length));
                    MqttPublish p = assertInstanceOf(
                            MqttPublish.class, paho(Arrays.copyOfRange(out, CONNACK.length, out.length - 2)));
                    String expected = new String(topic, StandardCharsets.UTF_8)
                            .codePoints()
                            .map(c -> TopicGuard.refused(c) ? TopicGuard.REPLACEMENT : c)
                            .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                            .toString();
                    assertEquals(expected, p.getTopicName());
                    assertTrue(expected.indexOf(TopicGuard.REPLACEMENT) >= 0, expected);
                    assertEquals(expected, rewrites.get(0));
                    assertEquals(qos, p.getMessage().getQos());
                    if (qos > 0) {
                        assertEquals(4242, p.getMessageId());
                    }
                    assertArrayEquals(big, p.getMessage().getPayload());
                }
            }
        }
    }

    @Test
    void theRemainingLengthGrowsIntoAnotherByteWhenTheTopicGrows() throws Exception {
        // remaining length 127 (one byte); the control character becomes 3 bytes: 129 needs two
        byte[] packet = publish(utf8("a\u0001"), 0, 0, new byte[123]);
        assertEquals(127, packet[1]);
        byte[] out = guarded(packet, 1, false, 1);
        assertEquals(packet.length + 3, out.length);
        MqttPublish p = (MqttPublish) paho(out);
        assertEquals("a\u241a", p.getTopicName());
        assertEquals(123, p.getMessage().getPayload().length);
    }

    @Test
    void aTopicThatWouldOutgrowMqttsLimitIsCut() throws Exception {
        byte[] topic = new byte[40_000];
        Arrays.fill(topic, (byte) 1);
        byte[] out = guarded(publish(topic, 1, 3, utf8("x")), 7, false, 100);
        MqttPublish p = (MqttPublish) paho(out);
        assertEquals(65_535 / 3, p.getTopicName().length());
        assertTrue(p.getTopicName().chars().allMatch(c -> c == TopicGuard.REPLACEMENT));
        assertEquals("x", new String(p.getMessage().getPayload(), StandardCharsets.UTF_8));
    }

    @Test
    void endOfStreamBetweenPacketsInsideAHeaderAndInsideAPayload() throws Exception {
        assertArrayEquals(CONNACK, guarded(CONNACK, 1, true, 1));
        byte[] cutHeader = {0x30, (byte) 0x80};
        assertThrows(EOFException.class, () -> guarded(cutHeader, 1, false, 1));
        byte[] cutTopic = Arrays.copyOf(publish(utf8("a\u0001b"), 0, 0, utf8("p")), 5);
        assertThrows(EOFException.class, () -> guarded(cutTopic, 1, false, 1));
        byte[] full = publish(utf8("a/b"), 0, 0, new byte[1000]);
        byte[] cutPayload = Arrays.copyOf(full, 500);
        assertArrayEquals(cutPayload, guarded(cutPayload, 1, true, 1), "passed on as far as it goes");
    }

    @Test
    void aMalformedLengthIsPassedOnForPahoToReport() throws Exception {
        byte[] wire = {0x30, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01, 0x00, 0x01, 'a'};
        assertArrayEquals(wire, guarded(wire, 1, false, 1));
    }

    /**
     * The set of code points this guard replaces is exactly the one Paho 1.2.5 refuses: every character of the
     * basic plane alone, checked with Paho's own (private) check; and every supplementary one is refused.
     */
    @Test
    void refusedMatchesPahosOwnCheckForEveryCharacter() throws Exception {
        Method check = MqttWireMessage.class.getDeclaredMethod("validateUTF8String", String.class);
        check.setAccessible(true);
        int refusedCount = 0;
        for (int c = 0; c <= 0x10ffff; c += c < 0x10000 ? 1 : 0x3ff) {
            String s = new String(Character.toChars(c));
            boolean pahoRefuses;
            try {
                check.invoke(null, s);
                pahoRefuses = false;
            } catch (InvocationTargetException e) {
                assertInstanceOf(IllegalArgumentException.class, e.getCause());
                pahoRefuses = true;
            }
            assertEquals(pahoRefuses, TopicGuard.refused(c), () -> Integer.toHexString(s.codePointAt(0)));
            refusedCount += pahoRefuses ? 1 : 0;
            String replaced = new String(TopicGuard.replaced("a/" + s + "/b", 65_535), StandardCharsets.UTF_8);
            check.invoke(null, replaced);
            assertEquals(pahoRefuses, !replaced.equals("a/" + s + "/b"));
        }
        assertNotEquals(0, refusedCount);
        assertFalse(TopicGuard.refused('\u241a'), "the replacement itself passes");
    }
}
