package io.edgeai.gateway.ort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import org.junit.jupiter.api.Test;

/**
 * The packaged ONNX Runtime bundle carries the natives of both Linux platforms an edge box runs (x64 and
 * aarch64: Raspberry Pi 4/5, Jetson), offers them in its native-code clause, and nothing for other platforms.
 */
class OrtBundleNativesIT {
    private static final List<String> PLATFORMS = List.of("linux-x64", "linux-aarch64");
    private static final List<String> LIBRARIES = List.of("libonnxruntime.so", "libonnxruntime4j_jni.so");

    private static JarFile bundle() throws IOException {
        String path = System.getProperty("edgeai.ort.bundle");
        assertNotNull(path, "run through Maven: edgeai.ort.bundle names the packaged bundle");
        assertTrue(Files.isRegularFile(Path.of(path)), path + " does not exist");
        return new JarFile(path);
    }

    @Test
    void carriesTheNativesOfLinuxX64AndAarch64() throws IOException {
        try (JarFile jar = bundle()) {
            for (String platform : PLATFORMS) {
                for (String lib : LIBRARIES) {
                    JarEntry e = jar.getJarEntry("ai/onnxruntime/native/" + platform + "/" + lib);
                    assertNotNull(e, platform + "/" + lib + " is missing from " + jar.getName());
                    assertTrue(e.getSize() > 10_000, platform + "/" + lib + " is only " + e.getSize() + " bytes");
                }
            }
            long others = jar.stream()
                    .map(JarEntry::getName)
                    .filter(n -> n.startsWith("ai/onnxruntime/native/") && !n.endsWith("/"))
                    .filter(n -> PLATFORMS.stream().noneMatch(p -> n.startsWith("ai/onnxruntime/native/" + p + "/")))
                    .count();
            assertEquals(0, others, "natives of other platforms are not shipped");
        }
    }

    @Test
    void nativeCodeClauseOffersBothPlatformsAndStillResolvesElsewhere() throws IOException {
        try (JarFile jar = bundle()) {
            String clause = jar.getManifest().getMainAttributes().getValue("Bundle-NativeCode");
            assertNotNull(clause, "no Bundle-NativeCode header");
            String flat = clause.replace(" ", "");
            assertTrue(
                    flat.contains("ai/onnxruntime/native/linux-x64/libonnxruntime.so")
                            && flat.contains("processor=x86-64"),
                    clause);
            assertTrue(
                    flat.contains("ai/onnxruntime/native/linux-aarch64/libonnxruntime.so")
                            && flat.contains("processor=aarch64"),
                    clause);
            assertTrue(flat.endsWith(",*"), "optional clause missing: " + clause);
            assertEquals(
                    "edgeai-ort;singleton:=true",
                    jar.getManifest().getMainAttributes().getValue("Bundle-SymbolicName"));
        }
    }
}
