package io.edgeai.gateway.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
        return startOnFreePort(List.of());
    }

    /**
     * Starts mosquitto on a free port with more configuration, e.g. a TLS listener
     * ({@code certfile}, {@code keyfile}, {@code cafile}, {@code require_certificate true}) or authentication
     * ({@code allow_anonymous false}, {@code password_file} from {@link #passwordFile}). The lines follow the
     * {@code listener} line; a default ({@code allow_anonymous true}) is left out when a line sets the same key.
     *
     * @param extraLines mosquitto.conf lines
     * @return the running broker
     * @throws IOException when mosquitto is missing or does not start
     */
    public static Mosquitto startOnFreePort(List<String> extraLines) throws IOException {
        Mosquitto m = new Mosquitto(freePort(), Files.createTempDirectory("mosquitto"));
        List<String> conf = new ArrayList<>();
        conf.add("listener " + m.port + " 127.0.0.1");
        conf.addAll(extraLines);
        for (String d : List.of(
                "allow_anonymous true",
                "max_queued_messages 0",
                "max_inflight_messages 0",
                "persistence false",
                "log_dest stderr",
                "log_type error",
                // run as root, mosquitto would switch to its own user, which cannot read the test's files
                "user " + System.getProperty("user.name"))) {
            String key = d.substring(0, d.indexOf(' ') + 1);
            if (extraLines.stream().noneMatch(l -> l.startsWith(key))) {
                conf.add(d);
            }
        }
        conf.add("");
        Files.writeString(m.dir.resolve("mosquitto.conf"), String.join("\n", conf));
        m.start();
        return m;
    }

    /**
     * Writes a mosquitto password file with one user (hashed by {@code mosquitto_passwd}).
     *
     * @param dir where to write it
     * @param user user name
     * @param password the password
     * @return the file
     * @throws IOException when mosquitto_passwd is missing or fails
     */
    public static Path passwordFile(Path dir, String user, String password) throws IOException {
        Path file = dir.resolve("mosquitto.passwd");
        String bin = Files.isExecutable(Path.of("/usr/bin/mosquitto_passwd"))
                ? "/usr/bin/mosquitto_passwd"
                : "mosquitto_passwd";
        Process p = new ProcessBuilder(List.of(bin, "-b", "-c", file.toString(), user, password))
                .redirectErrorStream(true)
                .start();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException("mosquitto_passwd failed: "
                        + new String(p.getInputStream().readAllBytes()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return file;
    }

    /** @return the broker URI over TLS, {@code ssl://HOST:PORT} */
    public String sslUri(String host) {
        return "ssl://" + host + ":" + port;
    }

    /** @return what mosquitto logged (its errors) */
    public String log() throws IOException {
        return Files.readString(dir.resolve("mosquitto.log"));
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
        process = new ProcessBuilder(
                        List.of(bin, "-c", dir.resolve("mosquitto.conf").toString()))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("mosquitto.log").toFile())
                .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                new Socket(InetAddress.getLoopbackAddress(), port).close();
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

    /** Kills the process and deletes its configuration directory (its log with it). */
    @Override
    public void close() {
        kill();
        TempDirs.delete(dir);
    }
}
