package io.edgeai.gateway.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A device that speaks MQTT 3.1.1 over a plain loopback socket itself, to publish what Paho will not send
 * (topics with characters Paho refuses). CONNECT with a clean session, PUBLISH at QoS 0 or 1 (waiting for the
 * PUBACK), nothing else.
 */
public final class RawMqttDevice implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    /**
     * Connects and waits for the broker to accept.
     *
     * @param port the broker's plain port on the loopback address
     * @param clientId the client id
     * @throws IOException when the broker does not accept within 10 s
     */
    public RawMqttDevice(int port, String clientId) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 60});
        writeString(body, clientId.getBytes(StandardCharsets.UTF_8));
        out.write(packet(0x10, body.toByteArray()));
        out.flush();
        byte[] connack = new byte[4];
        in.readFully(connack);
        if (connack[0] != 0x20 || connack[3] != 0) {
            throw new IOException("connection refused: CONNACK return code " + connack[3]);
        }
    }

    /**
     * @param topic the topic's bytes, sent as they are
     * @param payload the payload
     * @param qos 0 or 1
     * @param id the packet id (QoS 1)
     * @throws IOException when the broker does not acknowledge a QoS 1 publish (it closes the connection of a
     *         client that sends a topic it refuses)
     */
    public void publish(byte[] topic, byte[] payload, int qos, int id) throws IOException {
        out.write(publishPacket(topic, qos, id, payload));
        out.flush();
        if (qos == 1) {
            byte[] puback = new byte[4];
            in.readFully(puback);
            if (puback[0] != 0x40 || (((puback[2] & 0xff) << 8) | (puback[3] & 0xff)) != id) {
                throw new IOException("expected PUBACK " + id);
            }
        }
    }

    /** @return a PUBLISH packet as it goes over the wire */
    public static byte[] publishPacket(byte[] topic, int qos, int id, byte[] payload) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeString(body, topic);
        if (qos > 0) {
            body.write(id >>> 8);
            body.write(id & 0xff);
        }
        body.writeBytes(payload);
        return packet(0x30 | qos << 1, body.toByteArray());
    }

    private static void writeString(ByteArrayOutputStream out, byte[] s) {
        out.write(s.length >>> 8);
        out.write(s.length & 0xff);
        out.writeBytes(s);
    }

    private static byte[] packet(int first, byte[] body) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(first);
        int n = body.length;
        do {
            int b = n & 0x7f;
            n >>>= 7;
            p.write(n > 0 ? b | 0x80 : b);
        } while (n > 0);
        p.writeBytes(body);
        return p.toByteArray();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
