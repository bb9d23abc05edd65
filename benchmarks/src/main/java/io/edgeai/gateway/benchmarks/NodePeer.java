package io.edgeai.gateway.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The Node.js peer ({@code benchmarks/node-peer/peer.js}) as a child process on the same broker. */
final class NodePeer implements AutoCloseable {
    private final Process process;

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
        ProcessBuilder pb = new ProcessBuilder(List.of("node", "peer.js", "--broker", "mqtt://127.0.0.1:" + brokerPort,
                "--model", onnx.toString(), "--descriptor", descriptor.toString(), "--qos", "0"))
                .directory(peerDir.toFile()).redirectErrorStream(true);
        Process p = pb.start();
        NodePeer peer = new NodePeer(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
            try {
                String line;
                StringBuilder all = new StringBuilder();
                while ((line = out.readLine()) != null) {
                    if (line.equals("ready")) {
                        return "ready";
                    }
                    all.append(line).append('\n');
                }
                return all.toString();
            } catch (IOException e) {
                return e.toString();
            }
        });
        String r = ready.get(60, TimeUnit.SECONDS);
        if (!"ready".equals(r)) {
            peer.close();
            throw new IOException("node peer did not start: " + r);
        }
        // keep draining its output so it never blocks on a full pipe
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // discarded
                }
            } catch (IOException gone) {
                // process ended
            }
        }, "node-peer-output");
        drain.setDaemon(true);
        drain.start();
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
