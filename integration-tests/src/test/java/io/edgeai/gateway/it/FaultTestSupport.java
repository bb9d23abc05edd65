package io.edgeai.gateway.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.edgeai.gateway.testing.GatewayProcess;

/** Shared set-up of the process-level fault tests: sizes from system properties, a gateway on a broker. */
final class FaultTestSupport {
    private FaultTestSupport() {}

    /** @return an integer system property, or the default */
    static int intProperty(String name, int dflt) {
        String v = System.getProperty(name, "");
        return v.isBlank() ? dflt : Integer.parseInt(v.trim());
    }

    /**
     * Unpacks the distribution and points its connection {@code local} at the broker, with a short
     * keep-alive and back-off so outages are noticed and ended quickly.
     */
    static GatewayProcess gateway(String name, String brokerUri) throws IOException {
        Path dir = Files.createTempDirectory(name);
        GatewayProcess g = GatewayProcess.unpack(Path.of(System.getProperty("edgeai.distribution")), dir);
        g.connectTo(brokerUri, name);
        g.replaceInConfig("edgeai.mqtt.connection-local.cfg", "keepAliveSeconds", "5");
        g.replaceInConfig("edgeai.mqtt.connection-local.cfg", "reconnectMinDelayMs", "100");
        g.replaceInConfig("edgeai.mqtt.connection-local.cfg", "reconnectMaxDelayMs", "1000");
        g.env("JAVA_MAX_MEM", "512m");
        return g;
    }

    /**
     * Starts the gateway and waits until it is live. Karaf's first boot can stall for good while the boot
     * features install (Felix's start-level thread holds the features bundle's lock and waits for the
     * installer, which waits for that lock to stop a bundle it refreshes; seen about once in ten first boots
     * on a loaded machine). That is no fault under test here: such a boot is killed and started once more
     * (the features are installed by then), and the stall is written to the fault report.
     */
    static void start(GatewayProcess g, String test) throws IOException {
        try {
            g.start(Duration.ofSeconds(150));
        } catch (IOException stalled) {
            FaultStream.report(test + ": the gateway was not live 150 s after its start (" + firstLine(stalled)
                    + "); killed and started again");
            g.kill();
            g.start(Duration.ofSeconds(150));
        }
    }

    private static String firstLine(Exception e) {
        String m = String.valueOf(e.getMessage()).strip();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
