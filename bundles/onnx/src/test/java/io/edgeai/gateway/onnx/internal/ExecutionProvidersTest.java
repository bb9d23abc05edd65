package io.edgeai.gateway.onnx.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import io.edgeai.gateway.api.ModelInfo;

/**
 * Provider preferences and thread counts reach the session: an unavailable provider falls back to CPU with
 * the reason in the model's info, and the intra-op thread count is the number of threads ONNX Runtime starts.
 */
class ExecutionProvidersTest {
    private static final Path DESCRIPTOR = Path.of("src/test/resources/models/affine.json");

    private static OrtModelRunner load(RunnerSettings settings) throws IOException {
        ModelDescriptor d = DescriptorReader.read(
                new ByteArrayInputStream(Files.readString(DESCRIPTOR).getBytes(StandardCharsets.UTF_8)));
        return OrtModelRunner.load(d, Files.readAllBytes(DESCRIPTOR.resolveSibling("affine.onnx")), settings, "test");
    }

    @Test
    void anUnavailableProviderFallsBackToCpuWithTheReason() throws IOException {
        assumeFalse(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA), "this build has CUDA");
        try (OrtModelRunner r = load(new RunnerSettings(1, 1, "CUDA, TENSORRT, CPU", 0))) {
            ModelInfo info = r.info();
            assertEquals("CPU", info.provider());
            assertTrue(
                    info.providerFallback().contains("CUDA is not in this ONNX Runtime build (it has [CPU"),
                    info.providerFallback());
            assertTrue(
                    info.providerFallback().contains("TENSORRT is not in this ONNX Runtime build"),
                    info.providerFallback());
            assertEquals(1, r.run(new float[][] {{0, 0, 0, 0}}).length, "it still runs");
        }
        try (OrtModelRunner r = load(new RunnerSettings(1, 1, "GPU9000", 0))) {
            assertEquals("CPU", r.info().provider());
            assertTrue(r.info().providerFallback().contains("GPU9000 is not an execution provider name"));
        }
        try (OrtModelRunner r = load(RunnerSettings.DEFAULT)) {
            assertEquals("CPU", r.info().provider());
            assertEquals("", r.info().providerFallback(), "CPU asked, CPU got: nothing to explain");
            assertFalse(r.info().properties().containsKey(ModelInfo.RUNTIME_PROVIDER_FALLBACK));
        }
    }

    @Test
    @SuppressWarnings("try") // the first runner is held open only for the threads it owns, never used
    void intraOpThreadsStartThatManyRuntimeThreads() throws IOException {
        File tasks = new File("/proc/self/task");
        assumeTrue(tasks.isDirectory(), "needs Linux /proc to count threads");
        int before = tasks.list().length;
        try (OrtModelRunner one = load(new RunnerSettings(1, 1, "CPU", 0))) {
            int withOne = tasks.list().length;
            try (OrtModelRunner four = load(new RunnerSettings(4, 1, "CPU", 0))) {
                // ONNX Runtime's intra-op pool has intra-1 threads of its own; the caller's thread is the other
                assertEquals(3, tasks.list().length - withOne, "threads started for intra.op.threads = 4");
                assertEquals("4/1", four.info().property(ModelInfo.RUNTIME_THREADS, ""));
            }
            assertEquals(withOne, tasks.list().length, "closing the session stops its threads");
            assertEquals(before, withOne, "one intra-op thread needs no pool thread");
        }
    }

    @Test
    void perModelEntriesOverrideTheDefaults() {
        PerModelSettings s = PerModelSettings.of(
                2,
                1,
                3,
                new String[] {"CUDA,CPU", "nab-ae=CPU", "bad=", "all-minilm-l6-v2-q=TENSORRT,CUDA,CPU"},
                new String[] {"nab-ae=1", "all-minilm-l6-v2-q=4/2", "oops=x", "=3"});
        assertEquals(new RunnerSettings(2, 1, "CUDA,CPU", 3), s.forModel("other"));
        assertEquals(new RunnerSettings(1, 1, "CPU", 3), s.forModel("nab-ae"));
        assertEquals(new RunnerSettings(4, 2, "TENSORRT,CUDA,CPU", 3), s.forModel("all-minilm-l6-v2-q"));
        assertEquals(new RunnerSettings(2, 1, "CUDA,CPU", 3), s.forModel("oops"), "a malformed entry is ignored");
        assertEquals(
                java.util.List.of("TENSORRT", "CUDA", "CPU"),
                s.forModel("all-minilm-l6-v2-q").providers());
        // a .cfg file has no arrays: entries in one value, separated by ';'
        PerModelSettings cfg = PerModelSettings.of(
                1, 1, 0, new String[] {"XNNPACK,CPU; nab-ae=CPU"}, new String[] {"nab-ae=2; x=3/2"});
        assertEquals(new RunnerSettings(2, 1, "CPU", 0), cfg.forModel("nab-ae"));
        assertEquals(new RunnerSettings(3, 2, "XNNPACK,CPU", 0), cfg.forModel("x"));
    }
}
