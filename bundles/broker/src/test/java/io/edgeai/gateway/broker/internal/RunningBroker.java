package io.edgeai.gateway.broker.internal;

import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import io.edgeai.gateway.api.EmbeddedBroker;

/** The embedded broker component, started on a free loopback port for one test. */
final class RunningBroker implements AutoCloseable {

    private static final Duration STARTUP = Duration.ofSeconds(30);

    final RecordingBundleContext bundle = new RecordingBundleContext();
    final EmbeddedBrokerComponent component;
    final int port;

    private RunningBroker(Map<String, Object> config) {
        this.port = (int) config.get("port");
        this.component = new EmbeddedBrokerComponent(bundle.context, TestConfigs.of(BrokerConfig.class, config));
        await().atMost(STARTUP).until(bundle.registered::get, r -> r != null);
    }

    /** Starts the broker with its defaults on a free port, plus the given settings. */
    static RunningBroker start(Map<String, Object> overrides) throws Exception {
        Map<String, Object> config = new HashMap<>(overrides);
        config.putIfAbsent("port", freePort());
        return new RunningBroker(config);
    }

    static RunningBroker start() throws Exception {
        return start(Map.of());
    }

    String uri() {
        return "tcp://127.0.0.1:" + port;
    }

    EmbeddedBroker service() {
        return (EmbeddedBroker) bundle.registered.get().service();
    }

    @Override
    public void close() {
        component.deactivate();
    }

    static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
