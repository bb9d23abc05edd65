package io.edgeai.gateway.mqtt.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;

/**
 * A plain TCP socket whose received bytes pass through {@link TopicGuardInputStream}. It is an ordinary
 * {@link Socket} (no delegate): only {@link #getInputStream()} differs.
 */
final class GuardedSocket extends Socket {
    private final String connection;
    private InputStream in;

    /** An unconnected socket (Paho connects it with its timeout). */
    GuardedSocket(String connection) {
        this.connection = connection;
    }

    GuardedSocket(String host, int port, String connection) throws IOException {
        super(host, port);
        this.connection = connection;
    }

    GuardedSocket(InetAddress host, int port, String connection) throws IOException {
        super(host, port);
        this.connection = connection;
    }

    GuardedSocket(String host, int port, InetAddress localHost, int localPort, String connection) throws IOException {
        super(host, port, localHost, localPort);
        this.connection = connection;
    }

    GuardedSocket(InetAddress host, int port, InetAddress localHost, int localPort, String connection)
            throws IOException {
        super(host, port, localHost, localPort);
        this.connection = connection;
    }

    @Override
    public synchronized InputStream getInputStream() throws IOException {
        if (in == null) {
            in = TopicGuard.guard(super.getInputStream(), connection);
        }
        return in;
    }
}
