package io.edgeai.gateway.it;

import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.Test;

import io.edgeai.gateway.testing.GatewayProcess;
import io.edgeai.gateway.testing.Mosquitto;

/**
 * A site broker takes the devices' readings; results go up a second connection ({@code uplink}) through a
 * TCP proxy to another broker. The proxy cuts the uplink for 60 s ({@code -Dedgeai.fault.cutSeconds}) while
 * readings keep coming: inputs are acknowledged once their results are in the uplink's disk store, the
 * store grows, and after the link is back every result arrives, in order per device.
 */
public class UplinkCutIT {

    @Test
    public void resultsQueueOnDiskWhileTheUplinkIsCutAndAllArriveInOrder() throws Exception {
        int cutSeconds = FaultTestSupport.intProperty("edgeai.fault.cutSeconds", 60);
        int rate = FaultTestSupport.intProperty("edgeai.fault.uplink.rate", 500);
        int lead = 5;
        int messages = rate * (cutSeconds + 2 * lead);
        try (Mosquitto site = Mosquitto.startOnFreePort();
                Mosquitto cloud = Mosquitto.startOnFreePort();
                TcpProxy link = new TcpProxy(cloud.port());
                GatewayProcess gateway = FaultTestSupport.gateway("gw-uplink", site.uri());
                FaultStream stream = new FaultStream(site.uri(), cloud.uri(), "uplink", 10, messages)) {
            gateway.writeConfig(
                    "edgeai.mqtt.connection-uplink.cfg",
                    String.join(
                            "\n",
                            "name = uplink",
                            "serverUri = " + link.uri(),
                            "clientId = gw-uplink-results",
                            "keepAliveSeconds = 5",
                            "reconnectMinDelayMs = 100",
                            "reconnectMaxDelayMs = 1000",
                            ""));
            gateway.replaceInConfig("edgeai.pipeline.anomaly-demo.cfg", "outputConnection", "uplink");
            FaultTestSupport.start(gateway, "UplinkCutIT");
            stream.awaitPipeline(Duration.ofSeconds(60));
            Path store = gateway.home().resolve("data/edgeai-store/uplink");
            long[] peakDisk = {0};
            long[] cutAt = {0};
            long[] restoredAt = {0};
            long[] resultsAtRestore = {0};
            int cutFrom = rate * lead;
            int cutTo = rate * (lead + cutSeconds);
            stream.publish(0, messages, rate, Duration.ofMinutes(5), i -> {
                if (i == cutFrom) {
                    link.cut();
                    cutAt[0] = System.nanoTime();
                }
                if (i % rate == 0 && cutAt[0] != 0 && restoredAt[0] == 0) {
                    peakDisk[0] = Math.max(peakDisk[0], FaultStream.diskBytes(store));
                }
                if (i == cutTo) {
                    peakDisk[0] = Math.max(peakDisk[0], FaultStream.diskBytes(store));
                    resultsAtRestore[0] = stream.resultCount();
                    link.restore();
                    restoredAt[0] = System.nanoTime();
                }
            });
            int resent = stream.awaitAcked(Duration.ofSeconds(10), Duration.ofSeconds(90));
            stream.awaitResults(Duration.ofMinutes(3), Duration.ofSeconds(30));
            // until every reading sent before the link came back has its result
            long drainMillis = (stream.lastFirstResultBefore(cutTo) - restoredAt[0]) / 1_000_000;
            List<Integer> missing = stream.missing();
            FaultStream.report(String.format(
                    "UplinkCutIT: %d inputs (QoS 1, %d/s, 10 devices), uplink cut for %d s; "
                            + "results %d (%d when the link came back), inputs published again by the devices (no PUBACK) %d, "
                            + "lost %d, duplicates %d, out of order %s; store on disk "
                            + "at most %.1f MB; the backlog (every result of a reading sent before the link came back) arrived "
                            + "%d ms after the link came back",
                    messages,
                    rate,
                    cutSeconds,
                    stream.resultCount(),
                    resultsAtRestore[0],
                    resent,
                    missing.size(),
                    stream.duplicates(),
                    stream.outOfOrder(),
                    peakDisk[0] / 1048576.0,
                    drainMillis));
            assertTrue(
                    "inputs without a result: " + missing.subList(0, Math.min(20, missing.size())), missing.isEmpty());
            assertTrue(
                    "results in order per device: " + stream.outOfOrder(),
                    stream.outOfOrder().isEmpty());
            assertTrue("results waited on disk during the cut (" + peakDisk[0] + " bytes)", peakDisk[0] > 0);
        }
    }
}
