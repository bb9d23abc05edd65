package io.edgeai.gateway.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.Test;

/**
 * The sockets a connection gets from its factory (plain and TLS) have Nagle's algorithm off, so that a
 * small result is not held back until the broker acknowledges the previous one.
 */
class MqttSocketsTest {

    @Test
    void plainSocketsHaveNoDelay() throws Exception {
        SocketFactory f = TopicGuard.wrap(null, "tcp://127.0.0.1:1883", "test");
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket connected = f.createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                Socket unconnected = f.createSocket()) {
            assertTrue(connected.getTcpNoDelay());
            assertTrue(unconnected.getTcpNoDelay());
        }
    }

    @Test
    void tlsSocketsHaveNoDelay() throws Exception {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, null, null);
        SocketFactory f = TopicGuard.wrap(tls.getSocketFactory(), "ssl://127.0.0.1:8883", "test");
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket connected = f.createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                Socket unconnected = f.createSocket()) {
            assertTrue(connected.getTcpNoDelay());
            assertTrue(unconnected.getTcpNoDelay());
        }
    }
}
