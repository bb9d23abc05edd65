package io.edgeai.gateway.mqtt.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.MqttTopic;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.edgeai.gateway.api.ConnectionState;
import io.edgeai.gateway.api.ConnectionStatus;
import io.edgeai.gateway.api.GroupMembership;
import io.edgeai.gateway.api.InboundMessage;
import io.edgeai.gateway.api.MessageHandler;
import io.edgeai.gateway.api.MqttConnection;
import io.edgeai.gateway.mqtt.internal.group.Membership;

/**
 * A Paho connection with its own connect thread (back-off with jitter, re-subscribe after every
 * connect) and publisher thread (bounded queue, waits while disconnected or while Paho's in-flight
 * window is full). Paho's callback thread only copies and hands messages over.
 */
public final class PahoConnection implements MqttConnection, MqttCallbackExtended, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PahoConnection.class);

    private record Subscription(int qos, MessageHandler handler) {
    }

    private record Outgoing(String topic, byte[] payload, int qos, boolean retained) {
    }

    private final ConnectionSettings settings;
    /** The group named in the status payload, empty for none. */
    private final String group;
    private volatile Membership membership;
    private volatile MqttAsyncClient client;
    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    private final BlockingQueue<Outgoing> outbox;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private final Thread connector;
    private final Thread publisher;
    private volatile boolean running = true;
    private volatile ConnectionState state = ConnectionState.CONNECTING;
    private volatile long since = System.currentTimeMillis();
    private volatile String lastError = "";
    /** The message the publisher thread holds while it waits for the broker; counted as queued. */
    private volatile Outgoing inHand;
    /** Whether the current outage was logged: one WARN per outage, retries at DEBUG. */
    private volatile boolean outageLogged;

    /**
     * Creates the client and starts the connect and publisher threads; returns at once.
     *
     * @param settings connection settings
     * @throws MqttException when the URI or client id is invalid
     */
    public PahoConnection(ConnectionSettings settings) throws MqttException {
        this(settings, "");
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
        this.settings = settings;
        this.group = group;
        this.outbox = new ArrayBlockingQueue<>(settings.publishQueueCapacity());
        this.client = newClient();
        LOG.debug("MQTT connection {}: {}", settings.name(), settings);
        this.connector = new Thread(this::connectLoop, "edgeai-mqtt-" + settings.name() + "-connect");
        this.publisher = new Thread(this::publishLoop, "edgeai-mqtt-" + settings.name() + "-publish");
        connector.setDaemon(true);
        publisher.setDaemon(true);
        connector.start();
        publisher.start();
    }

    private static void warnIfCredentialsInClear(ConnectionSettings s) {
        boolean credentials = !s.username().isEmpty() || !s.password().isEmpty() || !s.passwordFile().isEmpty();
        if (!credentials || s.usesTls()) {
            return;
        }
        try {
            String host = URI.create(s.serverUri()).getHost();
            if (host != null && !InetAddress.getByName(host).isLoopbackAddress()) {
                LOG.warn("MQTT connection {} sends its credentials unencrypted to {}: use ssl://", s.name(),
                        s.serverUri());
            }
        } catch (IOException | IllegalArgumentException e) {
            LOG.debug("Cannot tell whether {} is local: {}", s.serverUri(), e.getMessage());
        }
    }

    private MqttAsyncClient newClient() throws MqttException {
        MqttAsyncClient c = new MqttAsyncClient(settings.serverUri(), settings.clientId(), new MemoryPersistence());
        c.setCallback(this);
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
        MqttTopic.validate(topicFilter, true);
        subscriptions.put(topicFilter, new Subscription(qos, handler));
        LOG.debug("{}: subscribe {} (connected: {})", settings.name(), topicFilter, client.isConnected());
        if (client.isConnected()) {
            try {
                client.subscribe(topicFilter, qos);
            } catch (MqttException e) {
                LOG.warn("Subscribing {} on {} failed ({}); retried on reconnect", topicFilter, settings.name(),
                        e.getMessage());
            }
        }
    }

    @Override
    public void unsubscribe(String topicFilter) {
        LOG.debug("{}: unsubscribe {}", settings.name(), topicFilter);
        if (subscriptions.remove(topicFilter) != null && client.isConnected()) {
            try {
                client.unsubscribe(topicFilter);
            } catch (MqttException e) {
                LOG.debug("Unsubscribing {} failed: {}", topicFilter, e.getMessage());
            }
        }
    }

    @Override
    public boolean publish(String topic, byte[] payload, int qos, boolean retained) {
        Outgoing out = new Outgoing(topic, payload, qos, retained);
        boolean kept = true;
        while (!outbox.offer(out)) {
            if (outbox.poll() != null) {
                dropped.incrementAndGet();
                kept = false;
            }
        }
        return kept;
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
    public ConnectionStatus status() {
        return new ConnectionStatus(settings.name(), settings.serverUri(), settings.clientId(), state, since,
                received.get(), published.get(), outbox.size() + (inHand == null ? 0 : 1), dropped.get(), reconnects.get(), lastError);
    }

    // ---- Paho callbacks: copy, hand over, return; never throw ----

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        try {
            received.incrementAndGet();
            InboundMessage in = new InboundMessage(settings.name(), topic, message.getPayload().clone(),
                    message.getQos(), System.nanoTime());
            for (Map.Entry<String, Subscription> e : subscriptions.entrySet()) {
                if (matches(e.getKey(), topic)) {
                    e.getValue().handler().onMessage(in);
                }
            }
        } catch (RuntimeException e) {
            LOG.error("Handler failed for a message on {}; message skipped", topic, e);
        }
    }

    static boolean matches(String filter, String topic) {
        String f = filter;
        if (f.startsWith("$share/")) {
            int slash = f.indexOf('/', 7);
            f = slash < 0 ? f : f.substring(slash + 1);
        }
        try {
            return MqttTopic.isMatched(f, topic);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public void connectionLost(Throwable cause) {
        setState(ConnectionState.DISCONNECTED, cause == null ? "connection lost"
                : cause instanceof Exception ex ? describe(ex) : String.valueOf(cause));
        outageLogged = true;
        LOG.warn("MQTT connection {} to {} lost: {}; reconnecting", settings.name(), settings.serverUri(), lastError);
    }

    @Override
    public void connectComplete(boolean reconnect, String serverURI) {
        // connect state is handled by the connect thread
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {
        // counted when handed to Paho
    }

    // ---- own threads ----

    private void connectLoop() {
        // on this thread, not in the constructor: it may resolve a host name
        warnIfCredentialsInClear(settings);
        long delay = settings.reconnectMinDelayMs();
        boolean first = true;
        while (running) {
            if (client.isConnected()) {
                awaitChange(1000);
                continue;
            }
            try {
                setState(ConnectionState.CONNECTING, lastError);
                client.connect(options()).waitForCompletion(settings.connectTimeoutSeconds() * 1000L + 1000L);
                resubscribe();
                if (!settings.statusTopic().isEmpty()) {
                    client.publish(settings.statusTopic(), statusPayload("online"), 1, true);
                }
                if (!first) {
                    reconnects.incrementAndGet();
                }
                first = false;
                delay = settings.reconnectMinDelayMs();
                setState(ConnectionState.CONNECTED, "");
                outageLogged = false;
                LOG.info("MQTT connection {} connected to {} as {}", settings.name(), settings.serverUri(),
                        settings.clientId());
            } catch (MqttException | IOException | RuntimeException e) {
                if (!running) {
                    return;
                }
                setState(ConnectionState.DISCONNECTED, describe(e));
                if (!outageLogged) {
                    outageLogged = true;
                    LOG.warn("MQTT connection {} to {} failed: {}; retrying with back-off (further failures at DEBUG)",
                            settings.name(), settings.serverUri(), lastError);
                } else {
                    LOG.debug("MQTT connection {} retry failed: {}", settings.name(), lastError);
                }
                replaceClient();
                long jitter = ThreadLocalRandom.current().nextLong(delay / 2 + 1);
                awaitChange(delay / 2 + jitter);
                delay = Math.min(settings.reconnectMaxDelayMs(), delay * 2);
            }
        }
    }

    /**
     * Options for one connect attempt. Secret files and key stores are read here, at each attempt, so a
     * rotated password or certificate is picked up on the next reconnect.
     */
    private MqttConnectOptions options() throws IOException {
        MqttConnectOptions o = new MqttConnectOptions();
        if (settings.usesTls()) {
            o.setSocketFactory(SslSocketFactories.create(settings.tls()));
            // the broker's certificate must name the host of serverUri (CVE-2019-11777 was this check missing)
            o.setHttpsHostnameVerificationEnabled(true);
        }
        o.setSocketFactory(TopicGuard.wrap(o.getSocketFactory(), settings.serverUri(), settings.name()));
        o.setCleanSession(settings.cleanSession());
        o.setKeepAliveInterval(settings.keepAliveSeconds());
        o.setConnectionTimeout(settings.connectTimeoutSeconds());
        o.setMaxInflight(settings.maxInflight());
        o.setAutomaticReconnect(false);
        if (!settings.username().isEmpty()) {
            o.setUserName(settings.username());
        }
        String password = Secrets.resolve("password", settings.password(), settings.passwordFile());
        if (!password.isEmpty()) {
            o.setPassword(password.toCharArray());
        }
        if (!settings.statusTopic().isEmpty()) {
            o.setWill(settings.statusTopic(), statusPayload("offline"), 1, true);
        }
        return o;
    }

    private byte[] statusPayload(String status) {
        return ("{\"clientId\":\"" + settings.clientId() + "\",\"status\":\"" + status + "\""
                + (group.isEmpty() ? "" : ",\"group\":\"" + group + "\"") + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private void resubscribe() throws MqttException {
        LOG.debug("{}: resubscribe {}", settings.name(), subscriptions.keySet());
        if (subscriptions.isEmpty()) {
            return;
        }
        String[] filters = subscriptions.keySet().toArray(new String[0]);
        int[] qos = new int[filters.length];
        for (int i = 0; i < filters.length; i++) {
            Subscription s = subscriptions.get(filters[i]);
            qos[i] = s == null ? 0 : s.qos();
        }
        client.subscribe(filters, qos).waitForCompletion(settings.connectTimeoutSeconds() * 1000L);
    }

    private void publishLoop() {
        Outgoing pending = null;
        while (running) {
            try {
                if (pending == null) {
                    pending = outbox.poll(500, TimeUnit.MILLISECONDS);
                    inHand = pending;
                    if (pending == null) {
                        continue;
                    }
                }
                if (state != ConnectionState.CONNECTED) {
                    awaitChange(200);
                    continue;
                }
                client.publish(pending.topic(), pending.payload(), pending.qos(), pending.retained());
                published.incrementAndGet();
                pending = null;
                inHand = null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (MqttException e) {
                if (e.getReasonCode() == MqttException.REASON_CODE_MAX_INFLIGHT) {
                    awaitChange(1);
                } else {
                    awaitChange(100);
                }
            } catch (RuntimeException e) {
                LOG.warn("Dropping a message to {} that Paho refused: {}", pending.topic(), e.getMessage());
                dropped.incrementAndGet();
                pending = null;
                inHand = null;
            }
        }
    }

    private void setState(ConnectionState s, String error) {
        lock.lock();
        try {
            if (state != s) {
                since = System.currentTimeMillis();
            }
            state = s;
            lastError = error == null ? "" : error;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void awaitChange(long millis) {
        lock.lock();
        try {
            changed.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** A failed attempt can leave Paho's client half-connected; the next attempt gets a fresh one. */
    private void replaceClient() {
        replaceClientQuietly(true);
    }

    private void replaceClientQuietly(boolean renew) {
        MqttAsyncClient old = client;
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

    private static String describe(Exception e) {
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
        if (e instanceof MqttException me) {
            sb.append(" (reason ").append(me.getReasonCode()).append(')');
        }
        if (e.getCause() != null && e.getCause() != e) {
            sb.append(": ").append(e.getCause().getMessage());
        }
        return sb.toString();
    }

    /** Publishes the offline status, disconnects and stops both threads. */
    @Override
    public void close() {
        running = false;
        setState(ConnectionState.STOPPED, "");
        connector.interrupt();
        publisher.interrupt();
        join(connector);
        join(publisher);
        try {
            if (client.isConnected()) {
                if (!settings.statusTopic().isEmpty()) {
                    client.publish(settings.statusTopic(), statusPayload("offline"), 1, true)
                            .waitForCompletion(1000);
                }
                client.disconnect(1000).waitForCompletion(2000);
            }
        } catch (MqttException e) {
            LOG.debug("Disconnect of {} not clean: {}", settings.name(), e.getMessage());
        }
        // also stops a connect still in progress, so no stray session takes over the client id later
        replaceClientQuietly(false);
    }

    private static void join(Thread t) {
        try {
            t.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
