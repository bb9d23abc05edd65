package io.edgeai.gateway.mqtt.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a topic Paho 1.2.5 refuses from silencing a connection. Paho checks every received topic and throws
 * from its only receive thread on control characters (U+0000-001F, U+007F-009F), surrogates, every code point
 * from U+FDD0 up (U+FFFD, the replacement for invalid UTF-8, included) and, through a bug in its surrogate pair
 * check, every supplementary character such as emoji. That thread then ends without {@code connectionLost}:
 * the client still says connected and receives nothing more.
 *
 * <p>The socket factories here wrap the bytes from the broker in a {@link TopicGuardInputStream}, which
 * replaces each such character by {@link #REPLACEMENT} (U+241A SYMBOL FOR SUBSTITUTE; U+FFFD itself is refused
 * by Paho). The message is then delivered and acknowledged as usual, and pipelines reject its topic.
 */
final class TopicGuard {
    /** What a character Paho refuses in a received topic becomes. */
    static final char REPLACEMENT = '\u241A';

    private static final Logger LOG = LoggerFactory.getLogger(TopicGuard.class);

    private TopicGuard() {}

    /**
     * @param cp a code point of a received topic
     * @return whether Paho 1.2.5 refuses a topic holding it
     */
    static boolean refused(int cp) {
        return cp >= 0xFDD0 || Character.isISOControl(cp) || Character.isSurrogate((char) cp);
    }

    /** @return whether Paho accepts the topic these UTF-8 bytes decode to */
    static boolean acceptable(byte[] topic) {
        boolean ascii = true;
        for (byte b : topic) {
            if (b < 0x20 || b == 0x7f) {
                ascii = false;
                break;
            }
        }
        return ascii || new String(topic, StandardCharsets.UTF_8).codePoints().noneMatch(TopicGuard::refused);
    }

    /**
     * @param topic a topic as Paho decodes it (invalid UTF-8 already U+FFFD)
     * @param maxBytes most UTF-8 bytes of the result
     * @return the topic with each refused code point replaced, cut at a character boundary to fit
     */
    static byte[] replaced(String topic, int maxBytes) {
        StringBuilder out = new StringBuilder(topic.length());
        int bytes = 0;
        for (int i = 0; i < topic.length(); ) {
            int cp = topic.codePointAt(i);
            i += Character.charCount(cp);
            int c = refused(cp) ? REPLACEMENT : cp; // never supplementary: those are all refused
            int size = c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
            if (bytes + size > maxBytes) {
                break;
            }
            out.append((char) c);
            bytes += size;
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * @param factory the factory Paho would use: null (the JDK's default) for plain TCP, an
     *        {@link SSLSocketFactory} for TLS
     * @param serverUri the broker; WebSocket connections ({@code ws://}, {@code wss://}) frame the stream
     *        themselves and are left as they are
     * @param connection the connection's name, for the log
     * @return a factory of the same kind whose sockets guard received topics
     */
    static SocketFactory wrap(SocketFactory factory, String serverUri, String connection) {
        return wrap(factory, serverUri, connection, s -> {});
    }

    /**
     * Like {@link #wrap(SocketFactory, String, String)}, telling {@code created} of each socket made, so its
     * owner can close it when Paho does not (a forced disconnect while a connect is under way leaves Paho's
     * receiver blocked in a read).
     */
    static SocketFactory wrap(SocketFactory factory, String serverUri, String connection, Consumer<Socket> created) {
        if (serverUri.startsWith("ws://") || serverUri.startsWith("wss://")) {
            return factory;
        }
        if (factory instanceof SSLSocketFactory) {
            return new GuardedSslSocketFactory((SSLSocketFactory) factory, connection, created);
        }
        // plain TCP: Paho's own default is the JDK's socket as well
        return new PlainFactory(connection, created);
    }

    /** A guard for one network connection: warns of the first rewritten topic, the others at DEBUG. */
    static InputStream guard(InputStream in, String connection) {
        boolean[] warned = {false};
        return new TopicGuardInputStream(in, rewritten -> {
            String shown = rewritten.length() > 200 ? rewritten.substring(0, 200) + "..." : rewritten;
            if (!warned[0]) {
                warned[0] = true;
                LOG.warn(
                        "MQTT connection {} received a message on a topic the MQTT client cannot take (control "
                                + "characters, U+FDD0 and above, emoji or invalid UTF-8); delivered on '{}' with those "
                                + "characters replaced by U+241A (further ones on this connection at DEBUG)",
                        connection,
                        shown);
            } else {
                LOG.debug("MQTT connection {}: topic rewritten to '{}'", connection, shown);
            }
        });
    }

    /**
     * Turns Nagle's algorithm off. Paho writes each MQTT packet in one flush; with Nagle on, a small result
     * published while the previous one is not yet acknowledged by the peer waits for that acknowledgement,
     * and a broker that sends nothing back delays its ACK (Linux: up to 40 ms) or until it forwards the next
     * input. Measured: the text pipeline's p50 at 50 msg/s went to ~20 ms (the inputs' spacing) after a
     * long soak, from ~3 ms (docs/benchmarks.md).
     */
    static Socket noDelay(Socket s) throws IOException {
        s.setTcpNoDelay(true);
        return s;
    }

    private static Socket made(Socket s, Consumer<Socket> created) {
        created.accept(s);
        return s;
    }

    /** Plain TCP: the default socket implementation, with the guarded input stream. */
    private static final class PlainFactory extends SocketFactory {
        private final String connection;
        private final Consumer<Socket> created;

        PlainFactory(String connection, Consumer<Socket> created) {
            this.created = created;
            this.connection = connection;
        }

        @Override
        public Socket createSocket() throws IOException {
            return made(noDelay(new GuardedSocket(connection)), created);
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return made(noDelay(new GuardedSocket(host, port, connection)), created);
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return made(noDelay(new GuardedSocket(host, port, localHost, localPort, connection)), created);
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return made(noDelay(new GuardedSocket(host, port, connection)), created);
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return made(noDelay(new GuardedSocket(address, port, localAddress, localPort, connection)), created);
        }
    }

    private static final class GuardedSslSocketFactory extends SSLSocketFactory {
        private final SSLSocketFactory delegate;
        private final String connection;
        private final Consumer<Socket> created;

        GuardedSslSocketFactory(SSLSocketFactory delegate, String connection, Consumer<Socket> created) {
            this.created = created;
            this.delegate = delegate;
            this.connection = connection;
        }

        private Socket guarded(Socket s) throws IOException {
            return made(new GuardedSslSocket((SSLSocket) noDelay(s), connection), created);
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return delegate.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket() throws IOException {
            return guarded(delegate.createSocket());
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            return guarded(delegate.createSocket(s, host, port, autoClose));
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return guarded(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return guarded(delegate.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return guarded(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return guarded(delegate.createSocket(address, port, localAddress, localPort));
        }
    }
}
