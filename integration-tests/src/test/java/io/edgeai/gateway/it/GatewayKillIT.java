package io.edgeai.gateway.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.Test;

import io.edgeai.gateway.testing.GatewayProcess;
import io.edgeai.gateway.testing.Mosquitto;

/**
 * kill -9 of the whole gateway JVM in the middle of a QoS 1 stream, then a restart: the broker keeps the
 * gateway's persistent session, so every input the gateway had not acknowledged (its result was not yet
 * stored) is delivered again, and results still in the gateway's disk store are sent after the restart.
 * No input may be without a result; duplicates are counted and reported.
 */
public class GatewayKillIT {

    @Test
    public void noQos1InputIsLostWhenTheGatewayIsKilledMidStream() throws Exception {
        int messages = FaultTestSupport.intProperty("edgeai.fault.gatewayKill.messages", 20_000);
        int rate = FaultTestSupport.intProperty("edgeai.fault.rate", 2000);
        try (Mosquitto broker = Mosquitto.startOnFreePort();
                GatewayProcess gateway = FaultTestSupport.gateway("gw-kill", broker.uri());
                FaultStream stream = new FaultStream(broker.uri(), broker.uri(), "gwkill", 10, messages)) {
            FaultTestSupport.start(gateway, "GatewayKillIT");
            stream.awaitPipeline(Duration.ofSeconds(60));
            int killAt = messages * 2 / 5;
            long[] restartMillis = {0};
            java.util.concurrent.CompletableFuture<Void> restarted = new java.util.concurrent.CompletableFuture<>();
            // the devices keep publishing while the gateway is down: the broker holds the readings in its session
            stream.publish(0, messages, rate, Duration.ofMinutes(5), i -> {
                if (i == killAt) {
                    gateway.kill();
                    Thread t = new Thread(
                            () -> {
                                long t0 = System.nanoTime();
                                try {
                                    FaultTestSupport.start(gateway, "GatewayKillIT");
                                    restartMillis[0] = (System.nanoTime() - t0) / 1_000_000;
                                    restarted.complete(null);
                                } catch (java.io.IOException | RuntimeException e) {
                                    restarted.completeExceptionally(e);
                                }
                            },
                            "gateway-restart");
                    t.setDaemon(true);
                    t.start();
                }
            });
            restarted.get(330, java.util.concurrent.TimeUnit.SECONDS);
            int resent = stream.awaitAcked(Duration.ofSeconds(10), Duration.ofSeconds(90));
            long t0 = System.nanoTime();
            stream.awaitResults(Duration.ofMinutes(3), Duration.ofSeconds(30));
            long drainMillis = Math.max(0, (stream.lastResultNanos() - t0) / 1_000_000);
            List<Integer> missing = stream.missing();
            FaultStream.report(String.format(
                    "GatewayKillIT: %d inputs (QoS 1, %d/s), gateway killed (SIGKILL) at "
                            + "input %d and restarted (live) in %d ms; results %d, inputs published again by the devices "
                            + "(no PUBACK) %d, lost %d, duplicates %d, dead letters %d, "
                            + "out of order %s, last result %d ms after the last input was acknowledged",
                    messages,
                    rate,
                    killAt,
                    restartMillis[0],
                    stream.resultCount(),
                    resent,
                    missing.size(),
                    stream.duplicates(),
                    stream.deadLetters(),
                    stream.outOfOrder(),
                    drainMillis));
            assertTrue(
                    "inputs without a result: " + missing.subList(0, Math.min(20, missing.size())), missing.isEmpty());
            assertEquals("the restarted gateway is up", 200, gateway.httpStatus("/health/live"));
        }
    }
}
