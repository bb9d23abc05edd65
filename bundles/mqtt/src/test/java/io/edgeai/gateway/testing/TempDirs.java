package io.edgeai.gateway.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Removal of the temporary directories test brokers and gateways work in. */
final class TempDirs {
    private TempDirs() {}

    /** Deletes {@code dir} and everything below it, as far as it can; a test's leftovers are not fatal. */
    static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException leftBehind) {
            // a temporary directory; nothing depends on it
        }
    }
}
