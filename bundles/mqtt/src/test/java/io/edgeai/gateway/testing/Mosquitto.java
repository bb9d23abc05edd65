package io.edgeai.gateway.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code mosquitto} broker on a free loopback port, for tests. Configured not to drop QoS 1
 * messages to slow subscribers (see NOTES.md). {@link #kill()} and {@link #start()} simulate an outage.
 */
public final class Mosquitto implements AutoCloseable {
    private final int port;
    private final Path dir;
    private Process process;

    private Mosquitto(int port, Path dir) {
        this.port = port;
        this.dir = dir;
    }

    /**
     * Starts mosquitto on a free port and waits until it accepts connections.
     *
     * @return the running broker
     * @throws IOException when mosquitto is missing or does not start
     */
    public static Mosquitto startOnFreePort() throws IOException {
        Mosquitto m = new Mosquitto(freePort(), Files.createTempDirectory("mosquitto"));
        Files.writeString(m.dir.resolve("mosquitto.conf"), String.join("\n",
                "listener " + m.port + " 127.0.0.1", "allow_anonymous true", "max_queued_messages 0",
                "max_inflight_messages 0", "persistence false", "log_dest stderr", "log_type error", ""));
        m.start();
        return m;
    }

    /** @return a free TCP port on loopback */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** @return the broker URI, {@code tcp://127.0.0.1:PORT} */
    public String uri() {
        return "tcp://127.0.0.1:" + port;
    }

    /** @return the listening port */
    public int port() {
        return port;
    }

    /**
     * Starts (or restarts) the process and waits up to 10 s for the port.
     *
     * @throws IOException when it does not come up
     */
    public void start() throws IOException {
        String bin = Files.isExecutable(Path.of("/usr/sbin/mosquitto")) ? "/usr/sbin/mosquitto" : "mosquitto";
        process = new ProcessBuilder(List.of(bin, "-c", dir.resolve("mosquitto.conf").toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("mosquitto.log").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    throw new IOException("mosquitto exited: " + Files.readString(dir.resolve("mosquitto.log")));
                }
                try {
                    process.waitFor(50, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
        }
        throw new IOException("mosquitto did not listen on " + port + " within 10 s");
    }

    /** Kills the process (SIGKILL) and waits for it to be gone. */
    public void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        kill();
    }
}
