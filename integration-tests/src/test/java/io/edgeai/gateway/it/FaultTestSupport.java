package io.edgeai.gateway.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.edgeai.gateway.testing.GatewayProcess;

/** Shared set-up of the process-level fault tests: sizes from system properties, a gateway on a broker. */
final class FaultTestSupport {
    private FaultTestSupport() {
    }

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

}
