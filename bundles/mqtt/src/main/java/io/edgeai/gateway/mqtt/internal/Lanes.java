package io.edgeai.gateway.mqtt.internal;

import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.eclipse.paho.client.mqttv3.MqttException;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.edgeai.gateway.api.EdgeAiConstants;
import io.edgeai.gateway.api.MqttConnection;
import io.edgeai.gateway.mqtt.internal.group.Membership;

/**
 * The lanes of one configured connection ({@link MqttConnection#lane(String)}): each a {@link PahoConnection}
 * of its own, with the owner's settings under a derived name and client id, created on first use. Once the
 * owner is registered, every lane is registered as an {@link MqttConnection} service too (named
 * {@code <name>.<lane>}, with {@link EdgeAiConstants#CONNECTION_LANE}), so status, health and metrics show it
 * like any connection; a filter on the owner's name does not select it.
 */
final class Lanes implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Lanes.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,32}");

    private record Lane(PahoConnection connection, ServiceRegistration<MqttConnection> registration) {}

    private final ConnectionSettings settings;
    private final StoreSettings store;
    private final Map<String, Lane> lanes = new LinkedHashMap<>();
    private BundleContext context;
    private boolean closed;

    /**
     * @param settings the owner's settings
     * @param store the owner's publish store settings
     */
    Lanes(ConnectionSettings settings, StoreSettings store) {
        this.settings = settings;
        this.store = store;
    }

    /**
     * @param name a lane's name
     * @param membership the owner's group view, answered by the lane too; null for none
     * @return the lane, created now when it is new
     * @throws IllegalArgumentException for a name that is not a lane's
     * @throws IllegalStateException once the owner is closed
     */
    MqttConnection get(String name, Membership membership) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("A lane's name has 1 to 32 letters, digits, - or _; got '" + name + "'");
        }
        Lane lane;
        ConnectionSettings laneSettings;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("Connection " + settings.name() + " is closed");
            }
            lane = lanes.get(name);
            if (lane != null) {
                return lane.connection();
            }
            laneSettings = settings.forLane(name);
            PahoConnection c;
            try {
                c = new PahoConnection(laneSettings, store.forLane(name), "");
            } catch (MqttException e) {
                // the owner was created from the same URI and a client id only longer by the lane's name
                throw new IllegalStateException("Lane " + name + " of " + settings.name() + ": " + e.getMessage(), e);
            }
            if (membership != null) {
                c.attach(membership);
            }
            lane = new Lane(c, context == null ? null : register(context, name, c));
            lanes.put(name, lane);
        }
        LOG.info("MQTT connection {} opened lane {} as {}", settings.name(), name, laneSettings.clientId());
        return lane.connection();
    }

    /**
     * Registers the lanes made so far, and from now on each new one, with the owner's bundle.
     *
     * @param bundleContext the owner's bundle context
     */
    void registerWith(BundleContext bundleContext) {
        List<Map.Entry<String, Lane>> now;
        synchronized (this) {
            this.context = bundleContext;
            now = new ArrayList<>(lanes.entrySet());
            for (Map.Entry<String, Lane> e : now) {
                if (e.getValue().registration() == null) {
                    lanes.put(
                            e.getKey(),
                            new Lane(
                                    e.getValue().connection(),
                                    register(
                                            bundleContext,
                                            e.getKey(),
                                            e.getValue().connection())));
                }
            }
        }
    }

    private ServiceRegistration<MqttConnection> register(BundleContext bundleContext, String name, PahoConnection c) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(EdgeAiConstants.CONNECTION_NAME, c.name());
        props.put(EdgeAiConstants.CONNECTION_LANE, name);
        props.put("service.description", "MQTT connection " + settings.name() + ", lane " + name);
        return bundleContext.registerService(MqttConnection.class, c, props);
    }

    /** The owner connected: lanes waiting out a back-off retry now (the broker is evidently there). */
    void ownerConnected() {
        List<Lane> all;
        synchronized (this) {
            all = new ArrayList<>(lanes.values());
        }
        for (Lane lane : all) {
            lane.connection().retryNow();
        }
    }

    /** Unregisters and closes every lane; later requests for a lane fail. */
    @Override
    public void close() {
        List<Lane> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(lanes.values());
            lanes.clear();
        }
        for (Lane lane : all) {
            if (lane.registration() != null) {
                try {
                    lane.registration().unregister();
                } catch (IllegalStateException e) {
                    // bundle already stopping
                }
            }
            lane.connection().close();
        }
    }
}
