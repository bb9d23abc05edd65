package io.edgeai.gateway.broker.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;

import io.edgeai.gateway.api.BrokerStatus;
import io.edgeai.gateway.api.EmbeddedBroker;

/**
 * Runs HiveMQ Community Edition (embedded) while this component is active. It replaced Moquette 0.17, which
 * dropped QoS 0 publishes and even the PUBACKs it owed whenever a client's socket was not writable (see
 * docs/benchmarks.md, "Embedded broker"). Start and stop happen on one owned
 * thread so that activation returns at once; {@link EmbeddedBroker} is registered only while the broker accepts
 * connections. A configuration change restarts the broker.
 */
// registered from code, so bnd cannot see it: declared for resolvers (Karaf features enforce osgi.service)
@Capability(
        namespace = "osgi.service",
        attribute = "objectClass:List<String>=\"io.edgeai.gateway.api.EmbeddedBroker\"",
        uses = EmbeddedBroker.class)
@Component(
        configurationPid = EmbeddedBrokerComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = {})
@Designate(ocd = BrokerConfig.class)
public final class EmbeddedBrokerComponent {

    static final String PID = "edgeai.broker";
    /** Service properties on {@link EmbeddedBroker}: where it listens. */
    static final String PROP_HOST = "edgeai.broker.host";

    static final String PROP_PORT = "edgeai.broker.port";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBrokerComponent.class);
    static final String IMPLEMENTATION = implementation();
    static final String RUNNING_DETAIL = "MQTT 3.1, 3.1.1 and 5; sessions ";
    private static final long START_TIMEOUT_SECONDS = 60;
    private static final long STOP_TIMEOUT_SECONDS = 30;
    /** How often the broker's drop counters are checked (at most one WARN line per interval). */
    static final long DROP_CHECK_SECONDS = Long.getLong("edgeai.broker.dropCheckSeconds", 10);
    /** HiveMQ's gauge of the bytes of queued messages held in memory. */
    static final String QUEUED_BYTES = "com.hivemq.persistence.queued-messages.in-memory.total-size";
    /** How long publishes may be held without the queue draining before flow control gives up for a while. */
    static final Duration FLOW_STALL = Duration.ofMillis(Long.getLong("edgeai.broker.flowControlStallMillis", 5000));

    private static final long FLOW_TICK_MILLIS = 5;

    private final BundleContext context;
    // the configuration in force (or refused at start); replaced on the owner thread
    private volatile BrokerConfig config;
    // why the configuration last given is not the one in force, null when it is
    private volatile String configProblem;
    private final ScheduledExecutorService owner;
    // written on the owner thread, read by status() from any thread
    private volatile BrokerStatus status;
    // owner thread only
    private EmbeddedHiveMQ server;
    // the running broker's metrics, read by status() from any thread
    private volatile MetricRegistry metrics;
    private ServiceRegistration<EmbeddedBroker> registration;
    // written on the owner thread; checked there and by tests
    private volatile DropWatch drops;
    // the running broker's flow control, null when off; ticked on the owner thread
    private volatile FlowControl flowControl;
    // HiveMQ's gauge of queued bytes in memory, read by flow control on HiveMQ's threads
    private volatile Gauge<?> queued;

    @Activate
    public EmbeddedBrokerComponent(BundleContext context, BrokerConfig config) {
        this.context = context;
        this.config = config;
        this.status = new BrokerStatus(
                false, BrokerSettings.host(config), BrokerSettings.port(config), IMPLEMENTATION, "starting");
        this.owner = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "edgeai-broker"));
        owner.execute(() -> apply(config, null));
        owner.scheduleWithFixedDelay(this::checkDrops, DROP_CHECK_SECONDS, DROP_CHECK_SECONDS, TimeUnit.SECONDS);
        owner.scheduleWithFixedDelay(this::tickFlow, FLOW_TICK_MILLIS, FLOW_TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * A changed configuration: checked first, so that a value typed wrong at the console leaves the running broker
     * (and every connection through it) as it was, with one ERROR line and the reason in its status; a good one
     * restarts the broker with it.
     *
     * @param next the new configuration
     */
    @Modified
    void modified(BrokerConfig next) {
        BrokerSettings checked = null;
        String refusal = null;
        if (next.enabled()) {
            try {
                checked = BrokerSettings.from(next, dataRoot());
            } catch (BrokerSettings.RefusedException e) {
                refusal = e.getMessage();
            }
        }
        if (refusal != null && status.running()) {
            LOG.error(
                    "Embedded MQTT broker (PID {}): configuration change not applied, it keeps running with the "
                            + "settings it had: {}",
                    PID,
                    refusal);
            configProblem = "change not applied, running with the previous settings: " + refusal;
            return;
        }
        configProblem = null;
        BrokerSettings settings = checked;
        owner.execute(() -> {
            stop();
            apply(next, settings);
        });
    }

    /**
     * On the owner thread: runs the broker for {@code c}, or records that it is disabled or why it cannot run.
     *
     * @param checked the settings already checked from {@code c}, or {@code null} to check them here
     */
    private void apply(BrokerConfig c, BrokerSettings checked) {
        config = c;
        if (!c.enabled()) {
            LOG.info("Embedded MQTT broker is disabled (enabled=false); use an external broker");
            status =
                    new BrokerStatus(false, BrokerSettings.host(c), BrokerSettings.port(c), IMPLEMENTATION, "disabled");
            return;
        }
        status = new BrokerStatus(false, BrokerSettings.host(c), BrokerSettings.port(c), IMPLEMENTATION, "starting");
        BrokerSettings settings = checked;
        if (settings == null) {
            try {
                settings = BrokerSettings.from(c, dataRoot());
            } catch (BrokerSettings.RefusedException e) {
                LOG.error("Embedded MQTT broker not started (PID {}): {}", PID, e.getMessage());
                status = new BrokerStatus(
                        false, BrokerSettings.host(c), BrokerSettings.port(c), IMPLEMENTATION, e.getMessage());
                return;
            }
        }
        start(settings);
    }

    @Deactivate
    void deactivate() {
        owner.execute(this::stop);
        owner.shutdown();
        // wait, so a restarted component can bind the same port again
        try {
            if (!owner.awaitTermination(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("Embedded MQTT broker did not stop within {} s", STOP_TIMEOUT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void start(BrokerSettings settings) {
        EmbeddedHiveMQ candidate = null;
        FlowControl flow = settings.flowControlBytes() > 0
                ? new FlowControl(this::queuedBytes, settings.flowControlBytes(), FLOW_STALL, Duration.ofSeconds(60))
                : null;
        // JAXB (HiveMQ reads config.xml with it) and other libraries may look implementations up through the
        // context class loader: inside OSGi that must be this bundle's, which holds HiveMQ and its libraries
        // (not checked without it: Karaf's thread would offer another bundle's loader)
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(EmbeddedBrokerComponent.class.getClassLoader());
        try {
            candidate = EmbeddedHiveMQ.builder()
                    .withConfigurationFolder(folder(settings, "conf", HiveMqConfigXml.of(settings)))
                    .withDataFolder(folder(settings, "data", null))
                    .withExtensionsFolder(folder(settings, "extensions", null))
                    // logging stays with the framework's SLF4J (Karaf's pax-logging), not HiveMQ's logback
                    .withoutLoggingBootstrap()
                    .withEmbeddedExtension(EmbeddedExtension.builder()
                            .withId("edgeai-security")
                            .withName("EdgeAI client authentication, refused subscriptions, flow control")
                            .withVersion("1")
                            .withPriority(1000)
                            .withExtensionMain(new BrokerExtension(
                                    new ClientAuthenticator(settings.anonymousAllowed(), settings.passwords()),
                                    settings.refusedSubscriptions(),
                                    flow))
                            .build())
                    .build();
            candidate.start().get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            LOG.error(
                    "Embedded MQTT broker failed to start on {}:{}: {}",
                    config.host(),
                    config.port(),
                    cause.toString());
            status = new BrokerStatus(false, config.host(), config.port(), IMPLEMENTATION, "failed: " + cause);
            stopQuietly(candidate);
            return;
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
        server = candidate;
        metrics = candidate.getMetricRegistry();
        queued = metrics.getGauges().get(QUEUED_BYTES);
        flowControl = flow;
        drops = new DropWatch(settings.maxQueuedMessages());
        // edgeai:status prints running / stopped itself: the detail says what kind of broker this is
        status = new BrokerStatus(
                true,
                settings.host(),
                settings.port(),
                IMPLEMENTATION,
                RUNNING_DETAIL + (settings.persistent() ? "on disk" : "in memory"));
        Dictionary<String, Object> serviceProps = new Hashtable<>();
        serviceProps.put(PROP_HOST, settings.host());
        serviceProps.put(PROP_PORT, settings.port());
        registration = context.registerService(EmbeddedBroker.class, this::status, serviceProps);
        LOG.info("Embedded MQTT broker ({}) listening on {}:{}", IMPLEMENTATION, settings.host(), settings.port());
    }

    private void stop() {
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework unregistered it when the bundle stopped
            }
            registration = null;
        }
        checkDrops();
        FlowControl flow = flowControl;
        flowControl = null;
        if (flow != null) {
            flow.releaseAll();
        }
        queued = null;
        metrics = null;
        drops = null;
        if (server != null) {
            stopQuietly(server);
            server = null;
            LOG.info("Embedded MQTT broker stopped");
            status = new BrokerStatus(
                    false, BrokerSettings.host(config), BrokerSettings.port(config), IMPLEMENTATION, "stopped");
        }
        // else it keeps saying why it was not running (disabled, or its configuration refused)
    }

    private static void stopQuietly(EmbeddedHiveMQ s) {
        if (s == null) {
            return;
        }
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(EmbeddedBrokerComponent.class.getClassLoader());
        try {
            s.stop().get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            s.close();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.debug("HiveMQ did not stop cleanly", e);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    /** A folder under the data directory; with {@code configXml}, HiveMQ's config.xml written into it. */
    private static Path folder(BrokerSettings settings, String name, String configXml) throws IOException {
        Path folder = Files.createDirectories(settings.dataDir().resolve(name));
        if (configXml != null) {
            Files.writeString(folder.resolve("config.xml"), configXml, StandardCharsets.UTF_8);
        }
        return folder;
    }

    private static Path dataRoot() {
        return Path.of(System.getProperty("karaf.data", "."));
    }

    private static String implementation() {
        Properties props = new Properties();
        try (InputStream in = EmbeddedBrokerComponent.class.getResourceAsStream("broker.properties")) {
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return props.getProperty("implementation");
    }

    /**
     * The status, and while the broker runs its own message counters (HiveMQ's metrics): a message the broker
     * accepted but could not deliver shows as dropped here, in {@code edgeai:status}, instead of nowhere.
     */
    BrokerStatus status() {
        BrokerStatus s = status;
        MetricRegistry m = metrics;
        if (!s.running() || m == null) {
            return s;
        }
        long dropped = count(m, DropWatch.TOTAL);
        return new BrokerStatus(
                true,
                s.host(),
                s.port(),
                s.implementation(),
                s.detail() + "; publishes in "
                        + count(m, "com.hivemq.messages.incoming.publish.count") + ", out "
                        + count(m, "com.hivemq.messages.outgoing.publish.count") + ", dropped " + dropped
                        + flowDetail()
                        + (configProblem == null ? "" : "; configuration " + configProblem),
                dropped);
    }

    /** Releases held publishes when the queue drained, or stalled (with a WARN line). */
    private void tickFlow() {
        FlowControl flow = flowControl;
        if (flow == null) {
            return;
        }
        String warning = flow.tick(System.nanoTime());
        if (warning != null) {
            LOG.warn(warning);
        }
    }

    /** @return the bytes of queued messages the broker holds in memory, 0 before it runs */
    long queuedBytes() {
        Gauge<?> g = queued;
        return g != null && g.getValue() instanceof Number n ? n.longValue() : 0;
    }

    /** @return the running broker's flow control, {@code null} when off or stopped */
    FlowControl flowControl() {
        return flowControl;
    }

    private String flowDetail() {
        FlowControl flow = flowControl;
        if (flow == null) {
            return "; flow control off";
        }
        return "; flow control held " + flow.heldTotal() + " publishes (" + flow.holding() + " now, "
                + flow.stallReleases() + " stalls)";
    }

    /** Logs one WARN line when the broker dropped messages since the last check. */
    private void checkDrops() {
        String warning = dropWarning();
        if (warning != null) {
            LOG.warn(warning);
        }
    }

    /** @return the warning when the broker dropped messages since the last check, {@code null} otherwise */
    String dropWarning() {
        MetricRegistry m = metrics;
        DropWatch watch = drops;
        if (m == null || watch == null) {
            return null;
        }
        return watch.check(count(m, DropWatch.TOTAL));
    }

    private static long count(MetricRegistry registry, String name) {
        Counter c = registry.getCounters().get(name);
        return c == null ? 0 : c.getCount();
    }
}
