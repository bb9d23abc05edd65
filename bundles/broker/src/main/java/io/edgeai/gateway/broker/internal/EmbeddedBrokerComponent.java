package io.edgeai.gateway.broker.internal;

import io.edgeai.gateway.api.BrokerStatus;
import io.edgeai.gateway.api.EmbeddedBroker;
import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs Moquette while this component is active. Start and stop happen on one owned thread so that
 * activation returns at once; {@link EmbeddedBroker} is registered only while the broker accepts
 * connections. A configuration change restarts the broker.
 */
// registered from code, so bnd cannot see it: declared for resolvers (Karaf features enforce osgi.service)
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=\"io.edgeai.gateway.api.EmbeddedBroker\"",
        uses = EmbeddedBroker.class)
@Component(configurationPid = EmbeddedBrokerComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = {})
@Designate(ocd = BrokerConfig.class)
public final class EmbeddedBrokerComponent {

    static final String PID = "edgeai.broker";
    /** Service properties on {@link EmbeddedBroker}: where it listens. */
    static final String PROP_HOST = "edgeai.broker.host";
    static final String PROP_PORT = "edgeai.broker.port";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBrokerComponent.class);
    private static final String IMPLEMENTATION = "Moquette " + Server.MOQUETTE_VERSION;
    private static final long STOP_TIMEOUT_SECONDS = 30;

    private final BundleContext context;
    private final BrokerConfig config;
    private final ExecutorService owner;
    // written on the owner thread, read by status() from any thread
    private volatile BrokerStatus status;
    // owner thread only
    private Server server;
    private ServiceRegistration<EmbeddedBroker> registration;

    @Activate
    public EmbeddedBrokerComponent(BundleContext context, BrokerConfig config) {
        this.context = context;
        this.config = config;
        if (!config.enabled()) {
            LOG.info("Embedded MQTT broker is disabled (enabled=false); use an external broker");
            this.status = new BrokerStatus(false, config.host(), config.port(), IMPLEMENTATION, "disabled");
            this.owner = null;
            return;
        }
        this.status = new BrokerStatus(false, config.host(), config.port(), IMPLEMENTATION, "starting");
        this.owner = Executors.newSingleThreadExecutor(r -> new Thread(r, "edgeai-broker"));
        owner.execute(this::start);
    }

    @Deactivate
    void deactivate() {
        if (owner == null) {
            return;
        }
        owner.execute(this::stop);
        owner.shutdown();
        // wait (Netty's graceful shutdown takes ~2 s), so a restarted component can bind the same port again
        try {
            if (!owner.awaitTermination(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("Embedded MQTT broker did not stop within {} s", STOP_TIMEOUT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void start() {
        Properties props;
        try {
            props = MoquetteSettings.from(config, dataRoot());
        } catch (MoquetteSettings.RefusedException e) {
            LOG.error("Embedded MQTT broker not started: {}", e.getMessage());
            status = new BrokerStatus(false, config.host(), config.port(), IMPLEMENTATION, e.getMessage());
            return;
        }
        Server candidate = new Server();
        try {
            candidate.startServer(new MemoryConfig(props));
        } catch (Exception e) {
            LOG.error("Embedded MQTT broker failed to start on {}:{}: {}", config.host(), config.port(), e.toString());
            status = new BrokerStatus(false, config.host(), config.port(), IMPLEMENTATION, "failed: " + e);
            stopQuietly(candidate);
            return;
        }
        server = candidate;
        // not Server.getPort(): it races with Netty's bind listener on a plain HashMap
        int port = config.port();
        status = new BrokerStatus(true, config.host(), port, IMPLEMENTATION, "running");
        Dictionary<String, Object> serviceProps = new Hashtable<>();
        serviceProps.put(PROP_HOST, config.host());
        serviceProps.put(PROP_PORT, port);
        registration = context.registerService(EmbeddedBroker.class, this::status, serviceProps);
        LOG.info("Embedded MQTT broker listening on {}:{}", config.host(), port);
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
        if (server != null) {
            stopQuietly(server);
            server = null;
            LOG.info("Embedded MQTT broker stopped");
        }
        status = new BrokerStatus(false, config.host(), config.port(), IMPLEMENTATION, "stopped");
    }

    private static void stopQuietly(Server s) {
        try {
            s.stopServer();
        } catch (RuntimeException e) {
            LOG.debug("Moquette did not stop cleanly", e);
        }
    }

    private static Path dataRoot() {
        return Path.of(System.getProperty("karaf.data", "."));
    }

    BrokerStatus status() {
        return status;
    }
}
