package io.edgeai.gateway.metrics.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.edgeai.gateway.api.EmbeddedBroker;
import io.edgeai.gateway.api.ModelRegistry;
import io.edgeai.gateway.api.ModelRunner;
import io.edgeai.gateway.api.MqttConnection;
import io.edgeai.gateway.api.Pipeline;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Serves {@code /metrics} (Prometheus text format, written by the Prometheus Java client from a collector
 * that reads the gateway's services at scrape time) and {@code /health} (200 or 503 with JSON detail) on an
 * owned JDK HTTP server ({@code /health/live}: liveness only), and publishes a JSON status message over MQTT at an interval.
 */
@Component(
        immediate = true,
        configurationPid = "edgeai.metrics",
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = {})
@Designate(ocd = MetricsConfig.class)
public final class MetricsComponent {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsComponent.class);
    /** How long the console's ready line waits for every health check to pass before saying what fails. */
    static final long READY_WAIT_SECONDS = 90;
    /** Whether this JVM's console had its ready line (a reconfigured component does not repeat it). */
    private static final java.util.concurrent.atomic.AtomicBoolean ANNOUNCED =
            new java.util.concurrent.atomic.AtomicBoolean();

    private static final ObjectMapper JSON = new ObjectMapper();

    private final BundleContext context;
    private final MetricsConfig config;
    private final HttpServer server;
    private final ExecutorService httpThreads;
    private final ScheduledExecutorService statusThread;
    private volatile java.util.concurrent.Future<?> readyTask;
    private final ResultFeed viewFeed;

    @Reference(
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<Pipeline> pipelines;

    @Reference(
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<MqttConnection> connections;

    @Reference(
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<ModelRunner> models;

    @Reference(
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<EmbeddedBroker> brokers;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ConfigurationAdmin configurationAdmin;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ModelRegistry modelRegistry;

    /**
     * Binds the HTTP endpoint (a local socket, no network round trip) and schedules the status message.
     *
     * @param context to list the gateway's bundles
     * @param config endpoint and status settings
     */
    @Activate
    public MetricsComponent(BundleContext context, MetricsConfig config) {
        this.context = context;
        this.config = config;
        HttpServer http = null;
        ExecutorService threads = null;
        ResultFeed feed = null;
        if (config.httpEnabled()) {
            PrometheusRegistry registry = new PrometheusRegistry();
            registry.register(
                    new GatewayCollector(this::services, () -> HealthCheck.healthy(HealthCheck.run(services()))));
            threads = Executors.newFixedThreadPool(2, named("edgeai-metrics-http"));
            try {
                http = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 8);
                http.createContext("/metrics", new MetricsHandler(registry));
                http.createContext("/health", this::health);
                http.createContext("/health/live", MetricsComponent::live);
                if (config.viewEnabled()) {
                    SeriesBuffer buffer = new SeriesBuffer(config.viewMaxSeries(), config.viewPointsPerSeries());
                    RecentTexts texts = new RecentTexts(WebView.TEXTS_SHOWN);
                    feed = new ResultFeed(buffer, texts, config.viewTopics(), config.viewTextTopics(), 10_000);
                    http.createContext(
                            "/view",
                            new WebView(this::services, this::configuredThreshold, buffer, texts, feed::watched));
                }
                http.setExecutor(threads);
                http.start();
                LOG.info(
                        "Metrics at http://{}:{}/metrics, health at /health{}",
                        config.host(),
                        config.port(),
                        feed == null ? "" : ", web view at /view");
            } catch (IOException | RuntimeException e) {
                LOG.error("Metrics endpoint not started on {}:{}: {}", config.host(), config.port(), e.toString());
                if (http != null) {
                    http.stop(0);
                }
                http = null;
                threads.shutdownNow();
                threads = null;
                if (feed != null) {
                    feed.close();
                    feed = null;
                }
            }
        }
        this.viewFeed = feed;
        this.server = http;
        this.httpThreads = threads;
        statusThread = Executors.newSingleThreadScheduledExecutor(named("edgeai-metrics-status"));
        if (config.statusIntervalSeconds() > 0) {
            statusThread.scheduleAtFixedRate(
                    this::publishStatus,
                    config.statusIntervalSeconds(),
                    config.statusIntervalSeconds(),
                    TimeUnit.SECONDS);
        }
        if (viewFeed != null) {
            ResultFeed f = viewFeed;
            statusThread.scheduleWithFixedDelay(
                    () -> {
                        try {
                            f.follow(copy(connections), config.statusConnection(), System.nanoTime());
                        } catch (RuntimeException e) {
                            LOG.debug("Web view not subscribed yet: {}", e.toString());
                        }
                    },
                    0,
                    2,
                    TimeUnit.SECONDS);
        }
        if (!ANNOUNCED.get()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_WAIT_SECONDS);
            readyTask = statusThread.scheduleWithFixedDelay(() -> announceWhenReady(deadline), 1, 1, TimeUnit.SECONDS);
        }
    }

    /**
     * Once per JVM, on the console where the operator typed bin/karaf (and in karaf.log): ready as soon as every
     * health check passes, or after {@value #READY_WAIT_SECONDS} s what still fails; and the missing console
     * user with the commands that add one. A no-op on every later run of the schedule.
     */
    private void announceWhenReady(long deadline) {
        if (ANNOUNCED.get()) {
            java.util.concurrent.Future<?> task = readyTask;
            if (task != null) {
                task.cancel(false);
            }
            return;
        }
        try {
            List<HealthCheck.Check> checks = HealthCheck.run(services());
            if (!HealthCheck.healthy(checks) && System.nanoTime() - deadline < 0) {
                return;
            }
            if (!ANNOUNCED.compareAndSet(false, true)) {
                return;
            }
            String etc = System.getProperty("karaf.etc");
            boolean noUsers = etc != null
                    && FirstStartAdvice.users(java.nio.file.Path.of(etc, "users.properties"))
                            .isEmpty();
            String ssh = etc == null
                    ? ""
                    : FirstStartAdvice.sshAddress(java.nio.file.Path.of(etc, "org.apache.karaf.shell.cfg"));
            String health = server == null ? "" : "http://" + config.host() + ":" + config.port() + "/health";
            List<String> lines = ReadyLine.of(checks, health, noUsers, ssh);
            LOG.info(lines.get(0));
            // on its own lines: at an interactive console the prompt was printed already
            StringBuilder text = new StringBuilder(System.lineSeparator());
            for (String line : lines) {
                text.append(line).append(System.lineSeparator());
            }
            System.out.print(text);
            System.out.flush();
        } catch (RuntimeException e) {
            LOG.debug("Ready check failed: {}", e.toString());
        }
    }

    /** Stops the HTTP server and the status schedule. */
    @Deactivate
    void deactivate() {
        if (server != null) {
            server.stop(0);
            httpThreads.shutdownNow();
        }
        statusThread.shutdownNow();
        if (viewFeed != null) {
            viewFeed.close();
        }
    }

    GatewayServices services() {
        List<Bundle> own = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            String name = b.getSymbolicName();
            if (name != null && name.startsWith("edgeai-")) {
                own.add(b);
            }
        }
        ModelRegistry registry = modelRegistry;
        return new GatewayServices(
                copy(pipelines),
                copy(connections),
                copy(models),
                copy(brokers),
                own,
                configuredPipelines(),
                registry == null ? List.of() : List.copyOf(registry.models()));
    }

    /** Names of the pipeline configurations ({@code edgeai.pipeline.*} factory PIDs). */
    private List<String> configuredPipelines() {
        ConfigurationAdmin ca = configurationAdmin;
        if (ca == null) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        try {
            Configuration[] configs = ca.listConfigurations("(service.factoryPid=edgeai.pipeline.*)");
            for (Configuration c : configs == null ? new Configuration[0] : configs) {
                Object name =
                        c.getProperties() == null ? null : c.getProperties().get("name");
                if (name != null) {
                    names.add(name.toString());
                }
            }
        } catch (IOException | InvalidSyntaxException e) {
            LOG.debug("Cannot list pipeline configurations: {}", e.getMessage());
        }
        return names;
    }

    /** A pipeline's configured {@code threshold}, null when it has none or it is not a number. */
    private Double configuredThreshold(String pipeline) {
        ConfigurationAdmin ca = configurationAdmin;
        if (ca == null) {
            return null;
        }
        try {
            Configuration[] configs =
                    ca.listConfigurations("(&(service.factoryPid=edgeai.pipeline.*)(name=" + pipeline + "))");
            Object t = configs == null || configs[0].getProperties() == null
                    ? null
                    : configs[0].getProperties().get("threshold");
            return t == null ? null : Double.valueOf(t.toString().trim());
        } catch (IOException | InvalidSyntaxException | NumberFormatException e) {
            return null;
        }
    }

    private static <T> List<T> copy(List<T> list) {
        return list == null ? List.of() : List.copyOf(list);
    }

    private void health(HttpExchange exchange) throws IOException {
        try (exchange) {
            List<HealthCheck.Check> checks = HealthCheck.run(services());
            byte[] body = JSON.writeValueAsBytes(HealthCheck.body(checks));
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(HealthCheck.healthy(checks) ? 200 : 503, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /**
     * Liveness for a watchdog: answers 200 while the JVM and the framework serve requests. Unlike
     * {@code /health} it stays up while the uplink is down, so a watchdog does not restart the gateway (and
     * lose its queued messages) over a broker outage.
     */
    private static void live(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = "{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private void publishStatus() {
        try {
            GatewayServices s = services();
            MqttConnection target = null;
            for (MqttConnection c : s.connections()) {
                if (c.name().equals(config.statusConnection())) {
                    target = c;
                }
            }
            if (target == null) {
                LOG.debug("No connection named {} for the status message", config.statusConnection());
                return;
            }
            byte[] msg = JSON.writeValueAsBytes(StatusMessage.of(s, HealthCheck.run(s), System.currentTimeMillis()));
            String topic =
                    config.statusTopic().replace("{clientId}", target.status().clientId());
            target.publish(topic, msg, 0, false);
        } catch (IOException | RuntimeException e) {
            // a failure must not cancel the schedule
            LOG.warn("Status message not published: {}", e.toString());
        }
    }

    private static java.util.concurrent.ThreadFactory named(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
