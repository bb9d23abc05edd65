package io.edgeai.gateway.onnx.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.edgeai.gateway.api.InferenceException;

class OrtModelRunnerTest {
    private static final Path DESCRIPTOR = Path.of("src/test/resources/models/affine.json");

    private static ModelDescriptor descriptor(String json) {
        return DescriptorReader.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    private static String json() throws IOException {
        return Files.readString(DESCRIPTOR);
    }

    private static byte[] model() throws IOException {
        return Files.readAllBytes(DESCRIPTOR.resolveSibling("affine.onnx"));
    }

    @Test
    void loadsChecksAndRunsBatches() {
        try (OrtModelRunner runner = OrtModelRunner.load(DESCRIPTOR)) {
            assertEquals("affine@1.0.0", runner.info().id());
            assertEquals("CPU", runner.info().provider());
            float[][] out = runner.run(new float[][] {{0, 0, 0, 0}, {1, -1, 0.5f, 10}});
            assertArrayEquals(new float[] {1, 1, 1, 1}, out[0]);
            assertArrayEquals(new float[] {3, -1, 2, 21}, out[1]);
            assertEquals(2, runner.inferenceCount());
        }
    }

    @Test
    void refusesChecksumMismatch() throws IOException {
        ModelDescriptor d = descriptor(json());
        byte[] bytes = model();
        bytes[bytes.length - 1] ^= 1;
        ModelLoadException e = assertThrows(
                ModelLoadException.class, () -> OrtModelRunner.load(d, bytes, RunnerSettings.DEFAULT, "test"));
        assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
    }

    @Test
    void refusesCorruptModelWithMatchingChecksum() throws IOException {
        byte[] garbage = "this is not an onnx file".getBytes(StandardCharsets.UTF_8);
        String j = json().replace(
                        "a979fbf07cfa5b2fbe60de716aff68683655d75c90a0d415397cd5482ee16f60",
                        OrtModelRunner.sha256(garbage));
        ModelLoadException e = assertThrows(
                ModelLoadException.class,
                () -> OrtModelRunner.load(descriptor(j), garbage, RunnerSettings.DEFAULT, "test"));
        assertTrue(e.getMessage().startsWith("ONNX Runtime refused the model"), e.getMessage());
    }

    @Test
    void refusesWrongShapeAndWrongNames() throws IOException {
        ModelLoadException shape = assertThrows(
                ModelLoadException.class,
                () -> OrtModelRunner.load(
                        descriptor(json().replace("[-1, 4]}],\n  \"outputs\"", "[-1, 8]}],\n  \"outputs\"")),
                        model(),
                        RunnerSettings.DEFAULT,
                        "test"));
        assertTrue(shape.getMessage().contains("has shape"), shape.getMessage());
        ModelLoadException name = assertThrows(
                ModelLoadException.class,
                () -> OrtModelRunner.load(
                        descriptor(json().replace("\"name\": \"x\"", "\"name\": \"input\"")),
                        model(),
                        RunnerSettings.DEFAULT,
                        "test"));
        assertTrue(name.getMessage().contains("has no input 'input'"), name.getMessage());
    }

    @Test
    void refusesADescriptorThatDeclaresAnotherElementType() throws IOException {
        // the anomaly runner checks element types like the text encoder does (it used to compare names and shapes only)
        ModelLoadException e = assertThrows(
                ModelLoadException.class,
                () -> OrtModelRunner.load(
                        descriptor(json().replace(
                                        "{\"name\": \"x\", \"type\": \"float\"",
                                        "{\"name\": \"x\", \"type\": \"int64\"")),
                        model(),
                        RunnerSettings.DEFAULT,
                        "test"));
        assertTrue(e.getMessage().contains("input 'x' is float, descriptor declares int64"), e.getMessage());
    }

    @Test
    void refusesFailedTestVector() throws IOException {
        String j = json().replace("\"output\": [[1, 3, 5, 7]]", "\"output\": [[1, 3, 5, 8]]");
        ModelLoadException e = assertThrows(
                ModelLoadException.class,
                () -> OrtModelRunner.load(descriptor(j), model(), RunnerSettings.DEFAULT, "test"));
        assertTrue(e.getMessage().contains("test vector mismatch at [0][3]"), e.getMessage());
    }

    @Test
    void refusesBadDescriptors() {
        assertThrows(ModelLoadException.class, () -> descriptor("not json"));
        assertThrows(ModelLoadException.class, () -> descriptor("{\"name\":\"x\"}"));
        ModelLoadException e = assertThrows(
                ModelLoadException.class,
                () -> descriptor(
                        "{\"name\":\"a\",\"version\":\"1\",\"file\":\"a.onnx\",\"sha256\":\"zz\",\"inputs\":[],\"outputs\":[]}"));
        assertTrue(e.getMessage().contains("sha256"), e.getMessage());
    }

    @Test
    void rejectsWrongRowSizeAndRunAfterClose() {
        OrtModelRunner runner = OrtModelRunner.load(DESCRIPTOR);
        InferenceException wrong = assertThrows(InferenceException.class, () -> runner.run(new float[3]));
        assertTrue(wrong.getMessage().contains("expects 4"), wrong.getMessage());
        assertEquals(1, runner.failureCount());
        runner.close();
        assertTrue(runner.isClosed());
        assertThrows(InferenceException.class, () -> runner.run(new float[4]));
    }

    @Test
    void closeWaitsForInFlightInferencesAndLaterCallsFailCleanly() throws Exception {
        OrtModelRunner runner = OrtModelRunner.load(DESCRIPTOR);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                results.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < 20_000; i++) {
                        try {
                            float[] y = runner.run(new float[] {i, i, i, i});
                            assertEquals(2f * i + 1, y[0]);
                            ok++;
                        } catch (InferenceException closed) {
                            assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
                            break;
                        }
                    }
                    return ok;
                }));
            }
            runner.close();
            for (Future<Integer> f : results) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
