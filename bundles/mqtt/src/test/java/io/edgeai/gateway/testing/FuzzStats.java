package io.edgeai.gateway.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one fuzz target saw: executions, accepted inputs and rejections by dead-letter code. Printed and
 * appended to {@code target/fuzz-report.txt} when the target's class is done, for tools/fuzz to sum up.
 */
public final class FuzzStats {
    private final String target;
    private final long startNanos = System.nanoTime();
    private final AtomicLong executions = new AtomicLong();
    private final Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> codes = new ConcurrentHashMap<>();

    /** @param target the fuzz target's name in the report */
    public FuzzStats(String target) {
        this.target = target;
    }

    /** Counts one input. */
    public void execution() {
        executions.incrementAndGet();
    }

    /** @param outcome what the input became, e.g. {@code result} or {@code deadletter} */
    public void outcome(String outcome) {
        outcomes.computeIfAbsent(outcome, k -> new AtomicLong()).incrementAndGet();
    }

    /** @param code a dead-letter code seen */
    public void code(String code) {
        codes.computeIfAbsent(code, k -> new AtomicLong()).incrementAndGet();
    }

    /** @return inputs run so far */
    public long executions() {
        return executions.get();
    }

    /** @return inputs by outcome */
    public Map<String, Long> outcomes() {
        return snapshot(outcomes);
    }

    private static Map<String, Long> snapshot(Map<String, AtomicLong> m) {
        Map<String, Long> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** Prints the summary line and appends it to {@code target/fuzz-report.txt}. */
    public void report() {
        long seconds = Math.max(0, (System.nanoTime() - startNanos) / 1_000_000_000L);
        String mode = System.getenv("JAZZER_FUZZ") == null
                        || System.getenv("JAZZER_FUZZ").isEmpty()
                ? "regression"
                : "fuzzing";
        String line = String.format(
                "FUZZ %s mode=%s executions=%d seconds=%d outcomes=%s codes=%s%n",
                target, mode, executions.get(), seconds, snapshot(outcomes), snapshot(codes));
        System.out.print(line);
        try {
            Path report = Path.of("target", "fuzz-report.txt");
            Files.createDirectories(report.getParent());
            Files.writeString(
                    report, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
