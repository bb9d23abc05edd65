package io.edgeai.gateway.mqtt.internal;

import java.io.IOException;
import java.net.Socket;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.osgi.framework.BundleContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.edgeai.gateway.api.ConnectionState;
import io.edgeai.gateway.api.ConnectionStatus;
import io.edgeai.gateway.api.GroupMembership;
import io.edgeai.gateway.api.MessageHandler;
import io.edgeai.gateway.api.MqttConnection;
import io.edgeai.gateway.mqtt.internal.group.Membership;

/**
 * A Paho connection with its own connect thread (back-off with jitter, re-subscribe after every
 * connect) and publisher thread (takes from the {@link PublishStore}, waits while disconnected or while
 * Paho's in-flight window is full; a message leaves the store only when the broker acknowledged it).
 * Paho's callback thread only copies and hands messages over. Inbound QoS 1/2 messages are acknowledged
 * manually: at once for ordinary subscriptions, when the consumer says so for manual-ack ones.
 */
public final class PahoConnection implements MqttConnection, MqttCallback, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PahoConnection.class);

    /** How long leaving a shared subscription waits for the broker's acknowledgement. */
    static final long SHARE_UNSUBSCRIBE_MILLIS = 5000;
    /** How long closing waits for stored messages to go out. */
    static final long CLOSE_FLUSH_MILLIS = 3000;
    /**
     * Before the first connection, failures this soon after start are expected, not an outage: the embedded
     * broker starts in the same framework a few seconds after the connection (HiveMQ: ~2 s), and a broker
     * booted alongside the gateway likewise. They are logged at INFO once; a WARN only after this long.
     */
    static final long STARTUP_GRACE_MILLIS = 30_000;

    private final ConnectionSettings settings;
    /** The group named in the status payload, empty for none. */
    private final String group;

    private volatile Membership membership;
    private volatile MqttAsyncClient client;
    private final PublishStore store;
    private final Inbound inbound;
    private final LinkState link;
    private final PublishLoop publishing;
    /** This connection's lanes; a lane has none of its own. */
    private final Lanes lanes;

    private final AtomicLong reconnects = new AtomicLong();
    /** The sockets of this connection's clients, closed with them: Paho's forced disconnect may not. */
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

    private final Thread connector;
    private final Thread publisher;
    private volatile boolean running = true;

    /**
     * A connection with a memory-only publish store of {@code publishQueueCapacity} messages.
     *
     * @param settings connection settings
     * @throws MqttException when the URI or client id is invalid
     */
    public PahoConnection(ConnectionSettings settings) throws MqttException {
        this(settings, StoreSettings.memory(settings.publishQueueCapacity()), "");
    }

    /**
     * Like {@link #PahoConnection(ConnectionSettings)}, for a member of a gateway group: the status
     * payload names the group.
     *
     * @param settings connection settings
     * @param group the gateway group, empty for none
     * @throws MqttException when the URI or client id is invalid
     */
    public PahoConnection(ConnectionSettings settings, String group) throws MqttException {
        this(settings, StoreSettings.memory(settings.publishQueueCapacity()), group);
    }

    /**
     * Creates the publish store (it reads back what it holds on the publisher thread, before sending), the
     * client, and starts the connect and publisher threads; returns at once.
     *
     * @param settings connection settings
     * @param storeSettings the publish store
     * @param group the gateway group named in the status payload, empty for none
     * @throws MqttException when the URI or client id is invalid
     */
    public PahoConnection(ConnectionSettings settings, StoreSettings storeSettings, String group) throws MqttException {
        this.settings = settings;
        this.group = group;
        this.store = PublishStore.deferred(settings.name(), storeSettings);
        this.lanes = new Lanes(settings, storeSettings);
        this.link = new LinkState(settings);
        this.inbound = new Inbound(settings.name(), () -> client, () -> running);
        this.publishing = new PublishLoop(store, () -> client, link, () -> running);
        this.client = newClient();
        LOG.debug("MQTT connection {}: {}", settings.name(), settings);
        this.connector = new Thread(this::connectLoop, "edgeai-mqtt-" + settings.name() + "-connect");
        this.publisher = new Thread(publishing, "edgeai-mqtt-" + settings.name() + "-publish");
        connector.setDaemon(true);
        publisher.setDaemon(true);
        connector.start();
        publisher.start();
    }

    private MqttAsyncClient newClient() throws MqttException {
        MqttAsyncClient c = new MqttAsyncClient(settings.serverUri(), settings.clientId(), new MemoryPersistence());
        c.setCallback(this);
        // inbound QoS 1/2 messages are acknowledged by messageArrivedComplete, see messageArrived
        c.setManualAcks(true);
        return c;
    }

    @Override
    public String name() {
        return settings.name();
    }

    /** @return the settings as text, secrets masked */
    String settingsForDisplay() {
        return settings.toString();
    }

    @Override
    public void subscribe(String topicFilter, int qos, MessageHandler handler) {
        subscribe(topicFilter, qos, handler, false);
    }

    @Override
    public void subscribe(String topicFilter, int qos, MessageHandler handler, boolean manualAck) {
        inbound.add(topicFilter, qos, handler, manualAck);
        MqttAsyncClient c = client;
        LOG.debug("{}: subscribe {} (connected: {})", settings.name(), topicFilter, c.isConnected());
        if (c.isConnected()) {
            try {
                c.subscribe(topicFilter, qos);
            } catch (MqttException e) {
                LOG.warn(
                        "Subscribing {} on {} failed ({}); retried on reconnect",
                        topicFilter,
                        settings.name(),
                        e.getMessage());
            }
        }
    }

    /**
     * Unsubscribes. A shared subscription ({@code $share/...}) is left synchronously: this returns once the
     * broker acknowledged the unsubscribe (at most {@value #SHARE_UNSUBSCRIBE_MILLIS} ms), so the broker hands
     * this member no further share from then on, whatever follows (a drain, a disconnect). Not to be called on
     * Paho's callback thread for a shared filter.
     */
    @Override
    public void unsubscribe(String topicFilter) {
        LOG.debug("{}: unsubscribe {}", settings.name(), topicFilter);
        MqttAsyncClient c = client;
        if (inbound.remove(topicFilter) && c.isConnected()) {
            try {
                IMqttToken t = c.unsubscribe(topicFilter);
                if (topicFilter.startsWith("$share/")) {
                    t.waitForCompletion(SHARE_UNSUBSCRIBE_MILLIS);
                }
            } catch (MqttException e) {
                LOG.debug("Unsubscribing {} failed: {}", topicFilter, e.getMessage());
            }
        }
    }

    @Override
    public boolean publish(String topic, byte[] payload, int qos, boolean retained) {
        return publish(topic, payload, qos, retained, PRIORITY_NORMAL, null);
    }

    @Override
    public boolean publish(String topic, byte[] payload, int qos, boolean retained, int priority, Runnable whenSafe) {
        return store.append(topic, payload, qos, retained, priority, whenSafe);
    }

    /** @param m the group view this connection answers {@link #membership()} with */
    void attach(Membership m) {
        this.membership = m;
    }

    @Override
    public Optional<GroupMembership> membership() {
        return Optional.ofNullable(membership);
    }

    @Override
    public MqttConnection lane(String lane) {
        return lane.isEmpty() ? this : lanes.get(lane, membership);
    }

    /** A connect attempt waiting out its back-off goes ahead now. */
    void retryNow() {
        link.nudge();
    }

    /** @param context registers this connection's lanes, now and when made, with this bundle */
    void registerLanesWith(BundleContext context) {
        lanes.registerWith(context);
    }

    @Override
    public ConnectionStatus status() {
        return new ConnectionStatus(
                settings.name(),
                settings.serverUri(),
                settings.clientId(),
                link.state(),
                link.since(),
                inbound.received(),
                publishing.published(),
                store.depth(),
                store.dropped() + publishing.dropped(),
                reconnects.get(),
                link.lastError(),
                store.diskBytes(),
                store.expired(),
                inbound.unacknowledged());
    }

    // ---- Paho callbacks: copy, hand over, return; never throw ----

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        inbound.arrived(topic, message);
    }

    @Override
    public void connectionLost(Throwable cause) {
        // whatever was in flight goes out again, in order, on the next connection
        store.requeueInflight();
        link.lost(
                cause == null
                        ? "connection lost"
                        : cause instanceof Exception ex ? SessionOptions.describe(ex) : String.valueOf(cause));
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {
        // counted when handed to Paho
    }

    // ---- own threads ----

    private void connectLoop() {
        // on this thread, not in the constructor: it may resolve a host name
        SessionOptions.warnIfCredentialsInClear(settings);
        long delay = settings.reconnectMinDelayMs();
        boolean first = true;
        long startedNanos = System.nanoTime();
        while (running) {
            if (client.isConnected()) {
                link.await(1000);
                continue;
            }
            try {
                if (!first) {
                    // a fresh client: Paho keeps no outbound state of its own; the store re-sends
                    replaceClientQuietly(true);
                    store.requeueInflight();
                }
                link.set(ConnectionState.CONNECTING, link.lastError());
                client.connect(SessionOptions.options(settings, group, sockets::add))
                        .waitForCompletion(settings.connectTimeoutSeconds() * 1000L + 1000L);
                inbound.resubscribe(client, settings.connectTimeoutSeconds() * 1000L);
                SessionOptions.publishStatus(client, settings, group, "online", 0);
                if (!first) {
                    reconnects.incrementAndGet();
                }
                first = false;
                delay = settings.reconnectMinDelayMs();
                link.connected();
                lanes.ownerConnected();
            } catch (MqttException | IOException | RuntimeException e) {
                if (!running) {
                    return;
                }
                boolean starting =
                        first && System.nanoTime() - startedNanos < TimeUnit.MILLISECONDS.toNanos(STARTUP_GRACE_MILLIS);
                link.connectFailed(SessionOptions.describe(e), starting);
                replaceClientQuietly(true);
                long jitter = ThreadLocalRandom.current().nextLong(delay / 2 + 1);
                link.await(delay / 2 + jitter);
                delay = Math.min(settings.reconnectMaxDelayMs(), delay * 2);
            }
        }
    }

    /**
     * Closes the client; with {@code renew} a fresh one takes its place (a failed attempt can leave Paho's client
     * half-connected; the next attempt gets a fresh one).
     */
    private void replaceClientQuietly(boolean renew) {
        MqttAsyncClient old = client;
        // first the sockets: a forced disconnect while a connect is under way waits for Paho's receiver, which
        // sits in a read until its socket closes (seen: close() hung for good in Paho 1.2.5's CommsReceiver.stop)
        for (Socket s : List.copyOf(sockets)) {
            sockets.remove(s);
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        try {
            old.disconnectForcibly(0, 100, false);
        } catch (MqttException | RuntimeException e) {
            // not connected: nothing to force
        }
        try {
            old.close(true);
        } catch (MqttException | RuntimeException e) {
            // resources already released
        }
        if (!renew) {
            return;
        }
        try {
            client = newClient();
        } catch (MqttException e) {
            // same URI and id as before, so this cannot fail where the first creation succeeded
            throw new IllegalStateException(e);
        }
    }

    /**
     * Leaves the shared subscriptions still held (waiting for the broker's acknowledgement, so a persistent
     * session is not handed shares while this gateway is away), gives the publisher up to
     * {@value #CLOSE_FLUSH_MILLIS} ms to send what is stored (results of the inputs finished last), publishes the
     * offline status, disconnects and stops both threads. What is still stored then goes out after the next start.
     */
    @Override
    public void close() {
        lanes.close();
        for (String filter : inbound.subscriptions().keySet()) {
            if (filter.startsWith("$share/")) {
                unsubscribe(filter);
            }
        }
        long flushUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_FLUSH_MILLIS);
        while (store.depth() > 0 && client.isConnected() && System.nanoTime() < flushUntil) {
            try {
                TimeUnit.MILLISECONDS.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        running = false;
        link.set(ConnectionState.STOPPED, "");
        connector.interrupt();
        publisher.interrupt();
        join(connector);
        join(publisher);
        try {
            if (client.isConnected()) {
                SessionOptions.publishStatus(client, settings, group, "offline", 1000);
                client.disconnect(1000).waitForCompletion(2000);
            }
        } catch (MqttException e) {
            LOG.debug("Disconnect of {} not clean: {}", settings.name(), e.getMessage());
        }
        // also stops a connect still in progress, so no stray session takes over the client id later
        replaceClientQuietly(false);
        store.close();
    }

    private static void join(Thread t) {
        try {
            t.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
