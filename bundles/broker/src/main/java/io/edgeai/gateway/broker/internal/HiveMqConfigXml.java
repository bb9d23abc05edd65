package io.edgeai.gateway.broker.internal;

/**
 * HiveMQ CE's {@code config.xml} for {@link BrokerSettings}: one TCP listener, sessions in memory or on disk
 * (RocksDB and Xodus files under the data folder), no usage statistics sent anywhere, zero-byte client ids
 * allowed (MQTT 3.1.1 and 5 let the server assign one).
 */
final class HiveMqConfigXml {

    private HiveMqConfigXml() {}

    static String of(BrokerSettings settings) {
        return """
                <?xml version="1.0"?>
                <!-- written by the edgeai-broker bundle from PID edgeai.broker at every start: edit that, not this -->
                <hivemq>
                    <listeners>
                        <tcp-listener>
                            <port>%d</port>
                            <bind-address>%s</bind-address>
                        </tcp-listener>
                    </listeners>
                    <mqtt>
                        <queued-messages>
                            <max-queue-size>%d</max-queue-size>
                            <strategy>discard</strategy>
                        </queued-messages>
                        <packets>
                            <max-packet-size>%d</max-packet-size>
                        </packets>
                    </mqtt>
                    <security>
                        <allow-empty-client-id>
                            <enabled>true</enabled>
                        </allow-empty-client-id>
                    </security>
                    <persistence>
                        <mode>%s</mode>
                    </persistence>
                    <anonymous-usage-statistics>
                        <enabled>false</enabled>
                    </anonymous-usage-statistics>
                </hivemq>
                """.formatted(
                        settings.port(),
                        escape(settings.host()),
                        settings.maxQueuedMessages(),
                        settings.maxPacketBytes(),
                        settings.persistent() ? "file" : "in-memory");
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
