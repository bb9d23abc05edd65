package io.edgeai.gateway.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The Node.js peer ({@code benchmarks/node-peer/peer.js}) as a child process on the same broker. */
final class NodePeer implements AutoCloseable {
    private final Process process;

    /** @return the peer's process id, for its CPU time */
    long pid() {
        return process.pid();
    }

    private NodePeer(Process process) {
        this.process = process;
    }

    /**
     * Starts the peer with the shipped nab-ae model and waits for its "ready" line.
     *
     * @param peerDir {@code benchmarks/node-peer} with its node_modules
     * @param brokerPort mosquitto's port
     * @param work a directory for the model files
     */
    static NodePeer start(Path peerDir, int brokerPort, Path work) throws Exception {
        ShippedModels.Model m = ShippedModels.get("nab-ae");
        Files.createDirectories(work);
        Path onnx = work.resolve("nab-ae.onnx");
        Path descriptor = work.resolve("model.json");
        Files.write(onnx, m.file("file"));
        Files.write(descriptor, ShippedModels.read(m.base()));
        ProcessBuilder pb = new ProcessBuilder(List.of(
                        "node",
                        "peer.js",
                        "--broker",
                        "mqtt://127.0.0.1:" + brokerPort,
                        "--model",
                        onnx.toString(),
                        "--descriptor",
                        descriptor.toString(),
                        "--qos",
                        "0"))
                .directory(peerDir.toFile())
                .redirectErrorStream(true);
        Process p = pb.start();
        NodePeer peer = new NodePeer(p);
        try {
            ChildReady.await(p, "node peer");
        } catch (Exception e) {
            peer.close();
            throw e;
        }
        return peer;
    }

    /** @return the peer's resident set size in MB, -1 when unknown */
    double rssMb() {
        return Harness.rssMb(process.pid());
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
