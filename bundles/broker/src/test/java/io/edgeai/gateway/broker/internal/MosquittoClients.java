package io.edgeai.gateway.broker.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs Debian's {@code mosquitto_pub} / {@code mosquitto_sub} as separate processes, with exactly the flags a
 * test names (so "default flags" means what a user types). Output goes to files a test reads while polling.
 */
final class MosquittoClients {

    private MosquittoClients() {}

    /** A running {@code mosquitto_sub}; stdout lines are read from its file. */
    static final class Sub implements AutoCloseable {
        private final Process process;
        private final Path out;

        private Sub(Process process, Path out) {
            this.process = process;
            this.out = out;
        }

        List<String> lines() throws IOException {
            return Files.readAllLines(out, StandardCharsets.UTF_8);
        }

        String output() throws IOException {
            return Files.readString(out, StandardCharsets.UTF_8);
        }

        boolean alive() {
            return process.isAlive();
        }

        /** Waits up to {@code millis} for it to exit by itself (e.g. after {@code -C n}). */
        boolean awaitExit(long millis) throws InterruptedException {
            return process.waitFor(millis, TimeUnit.MILLISECONDS);
        }

        /** Stops it; never throws {@link InterruptedException} (an interrupt is kept on the thread). */
        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    static Sub sub(Path dir, int port, String... args) throws IOException {
        Path out = Files.createTempFile(dir, "mosquitto_sub", ".out");
        List<String> command =
                new ArrayList<>(List.of("mosquitto_sub", "-h", "127.0.0.1", "-p", Integer.toString(port)));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        return new Sub(p, out);
    }

    /**
     * Runs {@code mosquitto_pub} to the end.
     *
     * @param stdin lines for {@code -l}, or null
     * @return exit code followed by its output
     */
    static String pub(int port, String stdin, String... args) throws IOException, InterruptedException {
        List<String> command =
                new ArrayList<>(List.of("mosquitto_pub", "-h", "127.0.0.1", "-p", Integer.toString(port)));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (stdin != null) {
            try (var in = p.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        } else {
            p.getOutputStream().close();
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("mosquitto_pub did not finish within 60 s: " + command);
        }
        return p.exitValue() + " " + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    }
}
