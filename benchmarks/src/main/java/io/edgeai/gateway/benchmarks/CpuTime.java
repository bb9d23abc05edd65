package io.edgeai.gateway.benchmarks;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time (user + system) a process spent, read from {@code /proc/<pid>/stat}, and per thread from
 * {@code /proc/<pid>/task/<tid>/stat}: the figure that carries over to a box where the job is alone on its cores
 * (a Raspberry Pi), unlike throughput on a build box shared with the load generator and the broker. Linux only;
 * elsewhere every reading is {@code -1}.
 */
final class CpuTime {
    /** Clock ticks per second of the stat files: 100 on every Linux this runs on (USER_HZ). */
    private static final double TICKS_PER_SECOND = 100.0;

    private CpuTime() {}

    /** @return seconds of CPU the process used so far, all its threads, {@code -1} when unknown */
    static double process(long pid) {
        try {
            return ticks(Files.readString(Path.of("/proc", Long.toString(pid), "stat"))) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Seconds of CPU per thread group so far: threads are grouped by name with their trailing numbers and
     * separators removed ({@code edgeai-pipeline-demo-3} and {@code -4} count together as
     * {@code edgeai-pipeline-demo}), so two samples can be subtracted although threads came and went.
     *
     * @param pid the process
     * @return seconds per thread group, empty when unknown
     */
    static Map<String, Double> threads(long pid) {
        Map<String, Double> out = new TreeMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    out.merge(group(name), ticks(stat) / TICKS_PER_SECOND, Double::sum);
                } catch (IOException | RuntimeException threadEnded) {
                    // a thread that ended between the listing and the read
                }
            }
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        return out;
    }

    /** A thread's group: its name without trailing digits and separators (Linux keeps the first 15 bytes). */
    static String group(String threadName) {
        String g = threadName.replaceAll("[-_#: 0-9]+$", "");
        return g.isEmpty() ? threadName : g;
    }

    /**
     * @param before an earlier {@link #threads} sample
     * @param after a later one
     * @return seconds each group used in between, groups that used none left out
     */
    static Map<String, Double> delta(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Double> out = new TreeMap<>();
        after.forEach((g, s) -> {
            double d = s - before.getOrDefault(g, 0.0);
            if (d > 0) {
                out.put(g, d);
            }
        });
        return out;
    }

    /** utime + stime: fields 14 and 15, counted after the command name in parentheses (which may hold spaces). */
    private static long ticks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        // f[0] is field 3 (state): utime is field 14, stime field 15
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
