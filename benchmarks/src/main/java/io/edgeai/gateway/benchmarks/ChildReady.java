package io.edgeai.gateway.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Waits for a peer child process (Node.js peer, relay) to print "ready", then keeps draining its output. */
final class ChildReady {
    private ChildReady() {}

    /**
     * @param p the child, stdout and stderr merged
     * @param name for the drain thread and the error
     * @throws IOException when it ends or prints something else without "ready" first (its output is in the
     *         message), or after 60 s
     */
    static void await(Process p, String name) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String r = CompletableFuture.supplyAsync(() -> {
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
                })
                .get(60, TimeUnit.SECONDS);
        if (!"ready".equals(r)) {
            throw new IOException(name + " did not start: " + r);
        }
        // keep draining its output so it never blocks on a full pipe
        Thread drain = new Thread(
                () -> {
                    try {
                        while (out.readLine() != null) {
                            // discarded
                        }
                    } catch (IOException gone) {
                        // process ended
                    }
                },
                name + "-output");
        drain.setDaemon(true);
        drain.start();
    }
}
