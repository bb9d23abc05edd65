package io.edgeai.gateway.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A whole gateway (the packaged Karaf distribution) running as its own operating-system process, for
 * tests and benchmarks that must kill it, restart it or run several side by side. Each instance is
 * unpacked into its own directory (deleted by {@link #close()}) and gets free loopback ports for SSH, JMX and metrics, so instances
 * never clash. Configuration files are written into {@code etc/} before {@link #start(Duration)}; the features' own
 * configuration files are only created at first start where none exists, so a file written before holds
 * (keys it leaves out take their metatype defaults).
 *
 * <pre>{@code
 * GatewayProcess g = GatewayProcess.unpack(Path.of(System.getProperty("edgeai.distribution")), tmp);
 * g.connectTo(mosquitto.uri(), "gw-1");   // external broker, embedded one off
 * g.start(Duration.ofSeconds(60));         // returns when /health/live answers
 * g.kill();                                // SIGKILL to the JVM, as a power cut would
 * }</pre>
 */
public final class GatewayProcess implements AutoCloseable {
    private final Path dir;
    private final Path home;
    private final int metricsPort;
    private final Map<String, String> env = new LinkedHashMap<>();
    private Process process;

    private GatewayProcess(Path dir, Path home, int metricsPort) {
        this.dir = dir;
        this.home = home;
        this.metricsPort = metricsPort;
    }

    /**
     * Unpacks the distribution tar.gz into {@code dir} (with the system's {@code tar}) and gives the
     * instance free ports for SSH (loopback), JMX and the metrics/health endpoint.
     *
     * @param distribution the distribution's tar.gz
     * @param dir an empty directory owned by the caller
     * @return the instance, not yet started
     * @throws IOException when unpacking fails
     */
    public static GatewayProcess unpack(Path distribution, Path dir) throws IOException {
        Files.createDirectories(dir);
        run(List.of("tar", "-xzf", distribution.toString(), "-C", dir.toString()), Duration.ofMinutes(2));
        Path home;
        try (Stream<Path> s = Files.list(dir)) {
            home = s.filter(p -> Files.isExecutable(p.resolve("bin/karaf")))
                    .findFirst()
                    .orElseThrow(() -> new IOException("no bin/karaf under " + dir));
        }
        GatewayProcess g = new GatewayProcess(dir, home, Mosquitto.freePort());
        // after a SIGKILL, Karaf's instance file still names the dead pid; another process may own it by now
        g.env("CHECK_ROOT_INSTANCE_RUNNING", "false");
        g.replaceInConfig("org.apache.karaf.shell.cfg", "sshPort", Integer.toString(Mosquitto.freePort()));
        g.replaceInConfig("org.apache.karaf.management.cfg", "rmiRegistryPort", Integer.toString(Mosquitto.freePort()));
        g.replaceInConfig("org.apache.karaf.management.cfg", "rmiServerPort", Integer.toString(Mosquitto.freePort()));
        g.replaceInConfig("edgeai.metrics.cfg", "port", Integer.toString(g.metricsPort));
        return g;
    }

    /**
     * Points the connection {@code local} at an external broker with a fixed client id (so sessions
     * and the status topic are stable across restarts) and switches the embedded broker off.
     *
     * @param serverUri e.g. {@code tcp://127.0.0.1:PORT}
     * @param clientId the gateway's MQTT client id
     * @throws IOException when the configuration cannot be written
     */
    public void connectTo(String serverUri, String clientId) throws IOException {
        replaceInConfig("edgeai.mqtt.connection-local.cfg", "serverUri", serverUri);
        replaceInConfig("edgeai.mqtt.connection-local.cfg", "clientId", clientId);
        replaceInConfig("edgeai.broker.cfg", "enabled", "false");
    }

    /**
     * Sets {@code key = value} in {@code etc/<file>}, replacing the key's line or appending one.
     *
     * @param file a file name under {@code etc/}
     * @param key the property
     * @param value its new value
     * @throws IOException when the file cannot be written
     */
    public void replaceInConfig(String file, String key, String value) throws IOException {
        Path p = home.resolve("etc").resolve(file);
        List<String> lines = Files.exists(p) ? new ArrayList<>(Files.readAllLines(p)) : new ArrayList<>();
        boolean found = false;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).trim();
            if (!l.startsWith("#") && (l.startsWith(key + " ") || l.startsWith(key + "=") || l.equals(key))) {
                lines.set(i, key + " = " + value);
                found = true;
            }
        }
        if (!found) {
            lines.add(key + " = " + value);
        }
        Files.write(p, lines);
    }

    /**
     * Writes (or overwrites) a whole configuration file, e.g. another pipeline.
     *
     * @param file a file name under {@code etc/}
     * @param content its content
     * @throws IOException when it cannot be written
     */
    public void writeConfig(String file, String content) throws IOException {
        Files.writeString(home.resolve("etc").resolve(file), content);
    }

    /**
     * Sets an environment variable of the process, e.g. {@code JAVA_MAX_MEM}.
     *
     * @param name variable
     * @param value value
     */
    public void env(String name, String value) {
        env.put(name, value);
    }

    /**
     * Starts {@code bin/karaf server} and waits until {@code /health/live} answers 200.
     *
     * @param timeout how long to wait for the health endpoint
     * @throws IOException when the process exits or does not become live in time
     */
    public void start(Duration timeout) throws IOException {
        startNoWait();
        awaitLive(timeout);
    }

    /**
     * Starts {@code bin/karaf server} and returns at once (for cold-start measurements).
     *
     * @throws IOException when the process cannot be started
     */
    public void startNoWait() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("already running");
        }
        ProcessBuilder pb = new ProcessBuilder(List.of(home.resolve("bin/karaf").toString(), "server"))
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        home.resolve("console.out").toFile()));
        pb.environment().putAll(env);
        process = pb.start();
    }

    /**
     * Waits until {@code /health/live} answers 200.
     *
     * @param timeout the deadline
     * @throws IOException when the process exits first or the deadline passes
     */
    public void awaitLive(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("gateway exited with " + process.exitValue() + ": " + tail(consoleOut(), 2000));
            }
            if (httpStatus("/health/live") == 200) {
                return;
            }
            pause(200);
        }
        throw new IOException("gateway not live within " + timeout + "; log: " + tail(log(), 4000));
    }

    /**
     * @param path e.g. {@code /health}
     * @return the HTTP status of the metrics endpoint's path, or -1 when it does not answer
     */
    public int httpStatus(String path) {
        try {
            HttpURLConnection c = (HttpURLConnection) new URL(metricsUrl() + path).openConnection();
            c.setConnectTimeout(1000);
            c.setReadTimeout(5000);
            try {
                return c.getResponseCode();
            } finally {
                c.disconnect();
            }
        } catch (IOException notUp) {
            return -1;
        }
    }

    /**
     * @param path e.g. {@code /metrics}
     * @return the body of the metrics endpoint's path
     * @throws IOException when it does not answer
     */
    public String httpGet(String path) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(metricsUrl() + path).openConnection();
        c.setConnectTimeout(1000);
        c.setReadTimeout(10000);
        try (InputStream in = c.getResponseCode() < 400 ? c.getInputStream() : c.getErrorStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            c.disconnect();
        }
    }

    /** @return {@code http://127.0.0.1:PORT} of the metrics and health endpoint */
    public String metricsUrl() {
        return "http://127.0.0.1:" + metricsPort;
    }

    /** @return the unpacked distribution's directory */
    public Path home() {
        return home;
    }

    /** @return whether the process runs */
    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** @return the gateway's Java process (the karaf script's child), when it runs */
    public Optional<ProcessHandle> jvm() {
        if (process == null) {
            return Optional.empty();
        }
        return process.descendants()
                .filter(h -> h.info().command().map(c -> c.endsWith("java")).orElse(false))
                .findFirst();
    }

    /** @return the JVM's resident set size in MB (Linux {@code /proc}), or -1 when unknown */
    public double rssMb() {
        Optional<ProcessHandle> j = jvm();
        if (j.isEmpty()) {
            return -1;
        }
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + j.get().pid() + "/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException gone) {
            return -1;
        }
        return -1;
    }

    /** Kills the JVM and its launcher with SIGKILL (no shutdown hooks), and waits for them to be gone. */
    public void kill() {
        if (process == null) {
            return;
        }
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception stillThere) {
                // reported by isAlive()
            }
        }
    }

    /**
     * Stops the gateway gracefully: SIGTERM to the JVM only (Karaf's shutdown hook stops the framework, so
     * every component deactivates), waits for the JVM to exit, then removes the launcher. The JVM is killed when
     * it takes longer than the timeout. (Signalling the launcher script as well would end it at once, and a
     * caller waiting for the launcher would go on while the JVM is still shutting down.)
     *
     * @param timeout how long a clean shutdown may take
     */
    public void stop(Duration timeout) {
        if (process == null) {
            return;
        }
        Optional<ProcessHandle> jvm = jvm();
        if (jvm.isPresent()) {
            jvm.get().destroy();
            try {
                jvm.get().onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException overran) {
                // killed below
            }
        }
        kill();
    }

    /** @return the gateway's log ({@code data/log/karaf.log}), empty when none yet */
    public String log() {
        try {
            Path p = home.resolve("data/log/karaf.log");
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** @return what the launcher printed */
    public String consoleOut() {
        try {
            Path p = home.resolve("console.out");
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * Kills the gateway and deletes the directory it was unpacked into, unless the system property
     * {@code edgeai.it.keep} is {@code true} (to read its log after a failure).
     */
    @Override
    public void close() {
        kill();
        if (!Boolean.getBoolean("edgeai.it.keep")) {
            TempDirs.delete(dir);
        }
    }

    private static String tail(String s, int n) {
        return s.length() <= n ? s : s.substring(s.length() - n);
    }

    private static void pause(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void run(List<String> cmd, Duration timeout) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException(cmd + " timed out");
            }
            if (p.exitValue() != 0) {
                throw new IOException(
                        cmd + " failed: " + new String(p.getInputStream().readAllBytes()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
