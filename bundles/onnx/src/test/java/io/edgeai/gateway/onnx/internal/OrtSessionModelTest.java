package io.edgeai.gateway.onnx.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import ai.onnxruntime.OrtException;
import io.edgeai.gateway.api.InferenceException;

/** The session lifecycle alone, through a model whose only run path is a probe. */
class OrtSessionModelTest {
    private static final Path DESCRIPTOR = Path.of("src/test/resources/models/affine.json");

    /** A model over the affine test session that lets the test decide what runs in the session. */
    private static final class Probe extends OrtSessionModel {
        Probe(Opened opened) {
            super(opened);
        }

        <T> T call(SessionCall<T> c) throws OrtException {
            return inSession(c);
        }

        @Override
        public float[][] run(float[][] batch) {
            throw new UnsupportedOperationException();
        }
    }

    private static Probe open(java.util.function.Consumer<Probe> selfTest) throws IOException {
        ModelDescriptor d = DescriptorReader.read(new ByteArrayInputStream(Files.readAllBytes(DESCRIPTOR)));
        ModelSource model = ModelSource.of(Files.readAllBytes(DESCRIPTOR.resolveSibling("affine.onnx")));
        String sha = OrtSessionModel.verifiedSha256(d, model);
        return OrtSessionModel.open(d, model, sha, RunnerSettings.DEFAULT, "test", Probe::new, selfTest);
    }

    @Test
    void closeWaitsForTheCallInTheSessionAndRefusesLaterOnes() throws Exception {
        Probe probe = open(p -> {});
        assertEquals("affine@1.0.0", probe.info().id());
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Integer> call = pool.submit(() -> probe.call(() -> {
                inside.countDown();
                try {
                    release.await();
                } catch (InterruptedException x) {
                    Thread.currentThread().interrupt();
                }
                return probe.session.getInputInfo().size(); // the native session is still open here
            }));
            assertTrue(inside.await(10, TimeUnit.SECONDS));
            Future<?> closing = pool.submit(probe::close);
            assertThrows(
                    java.util.concurrent.TimeoutException.class,
                    () -> closing.get(200, TimeUnit.MILLISECONDS),
                    "close waits for the call in the session");
            release.countDown();
            assertEquals(1, call.get(10, TimeUnit.SECONDS));
            closing.get(10, TimeUnit.SECONDS);
            assertTrue(probe.isClosed());
            InferenceException after = assertThrows(InferenceException.class, () -> probe.call(() -> 1));
            assertTrue(after.getMessage().contains("closed"), after.getMessage());
            probe.close(); // idempotent
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailedSelfTestRefusesTheModelAndFreesItsSession() throws IOException {
        List<Probe> made = new ArrayList<>();
        ModelLoadException e = assertThrows(
                ModelLoadException.class,
                () -> open(p -> {
                    made.add(p);
                    throw new InferenceException("self test says no");
                }));
        assertEquals("self test says no", e.getMessage());
        assertEquals(1, made.size());
        // the session was closed by the refusal: ONNX Runtime throws on a closed session
        assertThrows(IllegalStateException.class, () -> made.get(0).session.getInputInfo());
    }
}
