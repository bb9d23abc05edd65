package io.edgeai.gateway.mqtt.internal;

import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;

import org.eclipse.paho.client.mqttv3.MqttException;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;

import io.edgeai.gateway.api.EdgeAiConstants;
import io.edgeai.gateway.api.MqttConnection;
import io.edgeai.gateway.mqtt.internal.group.GroupSettings;
import io.edgeai.gateway.mqtt.internal.group.Membership;

/**
 * One configured broker connection. Registers an {@link MqttConnection} service named after the
 * configuration's {@code name}, and its lanes as they are opened; connecting happens on the connection's own
 * thread.
 */
@org.osgi.annotation.bundle.Capability(
        namespace = "osgi.service",
        attribute = "objectClass:List<String>=io.edgeai.gateway.api.MqttConnection",
        uses = io.edgeai.gateway.api.MqttConnection.class)
@Component(
        configurationPid = "edgeai.mqtt.connection",
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = ConnectionConfig.class, factory = true)
public final class MqttConnectionComponent {
    private final PahoConnection connection;
    private final ServiceRegistration<MqttConnection> registration;

    /**
     * @param context bundle context to register the connection with
     * @param config connection configuration
     * @throws MqttException when the URI or client id is invalid
     */
    @Activate
    public MqttConnectionComponent(BundleContext context, ConnectionConfig config) throws MqttException {
        ConnectionSettings settings = ConnectionSettings.from(config);
        String group = config.group().strip();
        if (group.isEmpty()) {
            this.connection = new PahoConnection(settings, storeSettings(context, config), "");
        } else {
            String statusFilter = GroupSettings.statusFilter(group, config.statusTopic());
            this.connection = new PahoConnection(settings, storeSettings(context, config), group);
            Membership membership = new Membership(group, settings.clientId());
            connection.attach(membership);
            // group membership is control traffic: on its own session, never behind the data of this one
            connection.lane(EdgeAiConstants.LANE_CONTROL).subscribe(statusFilter, 1, membership::onStatus);
        }
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(EdgeAiConstants.CONNECTION_NAME, settings.name());
        props.put("service.description", "MQTT connection " + settings.name() + " to " + settings.serverUri());
        this.registration = context.registerService(MqttConnection.class, connection, props);
        connection.registerLanesWith(context);
    }

    static StoreSettings storeSettings(BundleContext context, ConnectionConfig c) {
        String kind = c.publishStore().trim();
        String policy = c.storeOverflowPolicy().trim();
        String sync = c.storeSync().trim();
        if (!kind.equals("disk") && !kind.equals("memory")) {
            throw new IllegalArgumentException("publishStore must be disk or memory, got " + kind);
        }
        if (!policy.equals("drop-oldest") && !policy.equals("drop-newest")) {
            throw new IllegalArgumentException("storeOverflowPolicy must be drop-oldest or drop-newest, got " + policy);
        }
        if (!sync.equals("fsync") && !sync.equals("write")) {
            throw new IllegalArgumentException("storeSync must be fsync or write, got " + sync);
        }
        Path dir = null;
        if (kind.equals("disk")) {
            if (!c.storeDirectory().isBlank()) {
                dir = Path.of(c.storeDirectory().trim());
            } else if (System.getProperty("karaf.data") != null) {
                dir = Path.of(System.getProperty("karaf.data"), "edgeai-store", c.name());
            } else {
                dir = context.getDataFile("edgeai-store").toPath().resolve(c.name());
            }
        }
        return new StoreSettings(
                dir,
                c.publishQueueCapacity(),
                c.storeMaxMegabytes() * (1L << 20),
                c.storeTtlSeconds() * 1000L,
                policy.equals("drop-oldest"),
                sync.equals("fsync"),
                16L << 20,
                16L << 20);
    }

    /** Unregisters and closes the connection. */
    @Deactivate
    public void deactivate() {
        try {
            registration.unregister();
        } catch (IllegalStateException e) {
            // bundle already stopping
        }
        connection.close();
    }
}
