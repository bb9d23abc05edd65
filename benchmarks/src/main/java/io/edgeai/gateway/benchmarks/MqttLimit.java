package io.edgeai.gateway.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.eclipse.paho.client.mqttv3.MqttAsyncClient;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;

/**
 * The raw MQTT limit: one Paho publisher, the broker, one Paho subscriber, on loopback, with the readings the
 * gateway gets. Messages received per second from the first publish to the last arrival.
 */
final class MqttLimit {
    private MqttLimit() {}

    /** One measurement. */
    record Rate(long sent, long received, double msgsPerS) {}

    /**
     * @param uri broker
     * @param qos publish and subscription QoS
     * @param messages how many
     * @return the rate
     * @throws Exception when a client fails
     */
    static Rate measure(String uri, int qos, int messages) throws Exception {
        Readings readings = new Readings(100);
        byte[][] payloads = new byte[1000][];
        for (int i = 0; i < payloads.length; i++) {
            payloads[i] = readings.nextPayload(i % 100);
        }
        MqttAsyncClient sub = null;
        MqttAsyncClient pub = null;
        try {
            sub = Mqtt.connect(uri, "bench-raw-sub");
            Mqtt.Arrivals arrivals = new Mqtt.Arrivals();
            Mqtt.subscribe(sub, "bench/raw/+/+", qos, arrivals);
            pub = Mqtt.connect(uri, "bench-raw-pub");
            long t0 = System.nanoTime();
            for (int i = 0; i < messages; i++) {
                Mqtt.publish(pub, "bench/raw/dev-" + (i % 100) + "/temperature", payloads[i % payloads.length], qos);
            }
            long got = arrivals.await(messages, 3000, 120_000);
            double secs = (arrivals.lastNanos - t0) / 1e9;
            return new Rate(messages, got, got == 0 ? 0 : got / secs);
        } finally {
            Mqtt.close(pub);
            Mqtt.close(sub);
        }
    }

    /**
     * The gateway's embedded broker (HiveMQ CE, embedded) in this JVM, with the settings the edgeai-broker bundle
     * gives it by default (its HiveMqConfigXml): in memory, 100,000 queued messages per client, anonymous clients.
     */
    static final class EmbeddedBroker implements AutoCloseable {
        private final EmbeddedHiveMQ server;
        private final int port;

        EmbeddedBroker(int port, Path dataDir) throws Exception {
            this.port = port;
            Path conf = Files.createDirectories(dataDir.resolve("conf"));
            Files.writeString(
                    conf.resolve("config.xml"),
                    "<hivemq><listeners><tcp-listener><port>" + port
                            + "</port><bind-address>127.0.0.1</bind-address></tcp-listener></listeners>"
                            + "<mqtt><queued-messages><max-queue-size>100000</max-queue-size><strategy>discard</strategy>"
                            + "</queued-messages><packets><max-packet-size>16777216</max-packet-size></packets></mqtt>"
                            + "<security><allow-empty-client-id><enabled>true</enabled></allow-empty-client-id></security>"
                            + "<persistence><mode>in-memory</mode></persistence>"
                            + "<anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics></hivemq>");
            ExtensionMain allowAll = new ExtensionMain() {
                @Override
                public void extensionStart(ExtensionStartInput in, ExtensionStartOutput out) {
                    Services.securityRegistry().setAuthenticatorProvider(i ->
                            (SimpleAuthenticator) (input, output) -> output.authenticateSuccessfully());
                }

                @Override
                public void extensionStop(ExtensionStopInput in, ExtensionStopOutput out) {
                    // nothing held
                }
            };
            server = EmbeddedHiveMQ.builder()
                    .withConfigurationFolder(conf)
                    .withDataFolder(Files.createDirectories(dataDir.resolve("data")))
                    .withExtensionsFolder(Files.createDirectories(dataDir.resolve("extensions")))
                    .withoutLoggingBootstrap()
                    .withEmbeddedExtension(EmbeddedExtension.builder()
                            .withId("bench-allow-all")
                            .withName("allow all")
                            .withVersion("1")
                            .withExtensionMain(allowAll)
                            .build())
                    .build();
            server.start().get(60, TimeUnit.SECONDS);
        }

        String uri() {
            return "tcp://127.0.0.1:" + port;
        }

        @Override
        public void close() throws ExecutionException, TimeoutException {
            try {
                server.stop().get(30, TimeUnit.SECONDS);
                server.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
