package io.edgeai.gateway.onnx.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signatures written by the shipped signing tool (tools/sign-model, run as a separate JVM) and checked by the
 * runtime: accepted with the right key, refused unsigned, with another key, or after a change.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModelSignatureTest {
    private static final Path TOOL = Path.of("../../tools/sign-model/SignModel.java");
    private static final Path MODEL = Path.of("../models/anomaly-ae/src/main/resources/model");

    @TempDir
    static Path dir;

    private String publicKey;
    private String otherKey;
    private byte[] descriptor;
    private byte[] model;
    private byte[] signature;

    @BeforeAll
    void sign() throws Exception {
        Path classes = dir.resolve("classes/model");
        Files.createDirectories(classes);
        for (Path f : List.of(MODEL.resolve("model.json"), MODEL.resolve("nab-ae.onnx"))) {
            Files.copy(f, classes.resolve(f.getFileName()));
        }
        publicKey = tool("keygen", dir.resolve("key.pem").toString()).trim();
        otherKey = tool("keygen", dir.resolve("other.pem").toString()).trim();
        String out = tool(
                "sign-dir",
                dir.resolve("key.pem").toString(),
                dir.resolve("classes").toString());
        assertTrue(out.contains("Signed model descriptor"), out);
        descriptor = Files.readAllBytes(classes.resolve("model.json"));
        model = Files.readAllBytes(classes.resolve("nab-ae.onnx"));
        signature = Files.readAllBytes(classes.resolve("model.json.sig"));
    }

    private String tool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), TOOL.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "signing tool did not finish");
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void aSignatureByATrustedKeyIsAccepted() {
        assertNull(ModelSignature.trusting(otherKey, publicKey).check(descriptor, model, signature));
        assertNull(ModelSignature.trusting(otherKey + ", " + publicKey).check(descriptor, model, signature));
    }

    @Test
    void unsignedIsRefused() {
        assertTrue(ModelSignature.trusting(publicKey)
                .check(descriptor, model, null)
                .startsWith("unsigned"));
    }

    @Test
    void aSignatureByAnUntrustedKeyIsRefused() {
        String why = ModelSignature.trusting(otherKey).check(descriptor, model, signature);
        // names both sides and the way out (a bundle from another checkout's build key is the usual case)
        String trustedId =
                ModelSignature.trusting(otherKey).trustedKeyIds().iterator().next();
        assertTrue(why.contains("not among the trusted keys [" + trustedId + "]"), why);
        assertTrue(why.contains("run mvn install in this one"), why);
    }

    @Test
    void aChangedModelOrDescriptorIsRefused() {
        byte[] changed = model.clone();
        changed[changed.length / 2] ^= 1;
        ModelSignature trusted = ModelSignature.trusting(publicKey);
        assertTrue(trusted.check(descriptor, changed, signature).startsWith("bad signature"));
        byte[] relabelled = new String(descriptor, StandardCharsets.UTF_8)
                .replace("\"1.", "\"7.")
                .getBytes(StandardCharsets.UTF_8);
        assertTrue(trusted.check(relabelled, model, signature).startsWith("bad signature"));
    }

    @Test
    void aKeyThatIsNotEd25519IsAConfigurationError() {
        assertThrows(IllegalArgumentException.class, () -> ModelSignature.trusting("bm90IGEga2V5"));
    }
}
