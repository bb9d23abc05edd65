package io.edgeai.gateway.mqtt.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.MqttTopic;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.osgi.framework.BundleContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.edgeai.gateway.api.Acknowledgement;
import io.edgeai.gateway.api.ConnectionState;
import io.edgeai.gateway.api.ConnectionStatus;
import io.edgeai.gateway.api.GroupMembership;
import io.edgeai.gateway.api.InboundMessage;
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
public final class PahoConnection implements MqttConnection, MqttCallbackExtended, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PahoConnection.class);

    private record Subscription(int qos, MessageHandler handler, boolean manualAck) {
    }

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

    /** Most unclaimed QoS 1/2 messages kept for a subscription that is not made yet (after a restart). */
    private static final int MAX_UNCLAIMED = 10_000;

    private final ConnectionSettings settings;
    /** The group named in the status payload, empty for none. */
    private final String group;
    private volatile Membership membership;
    private volatile MqttAsyncClient client;
    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    private final PublishStore store;
    /** This connection's lanes; a lane has none of its own. */
    private final Lanes lanes;
    /** QoS 1/2 messages that arrived (from the persistent session) before anyone subscribed to them. */
    private final List<InboundMessage> unclaimed = new ArrayList<>();
    private final AtomicLong unacknowledged = new AtomicLong();
    /** Held while a message is handed to subscribers, and while a new subscription takes its kept messages. */
    private final ReentrantLock dispatch = new ReentrantLock();
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
    /** Whether the current outage was logged: one WARN per outage, retries at DEBUG. */
    private volatile boolean outageLogged;

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
    public PahoConnection(ConnectionSettings settings, StoreSettings storeSettings, String group)
            throws MqttException {
        this.settings = settings;
        this.group = group;
        this.store = PublishStore.deferred(settings.name(), storeSettings);
        this.lanes = new Lanes(settings, storeSettings);
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
        MqttTopic.validate(topicFilter, true);
        // under the dispatch lock: the kept messages reach the handler before any newer one
        dispatch.lock();
        try {
            subscriptions.put(topicFilter, new Subscription(qos, handler, manualAck));
            claim(topicFilter, handler, manualAck);
        } finally {
            dispatch.unlock();
        }
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

    /**
     * Unsubscribes. A shared subscription ({@code $share/...}) is left synchronously: this returns once the
     * broker acknowledged the unsubscribe (at most {@value #SHARE_UNSUBSCRIBE_MILLIS} ms), so the broker hands
     * this member no further share from then on, whatever follows (a drain, a disconnect). Not to be called on
     * Paho's callback thread for a shared filter.
     */
    @Override
    public void unsubscribe(String topicFilter) {
        LOG.debug("{}: unsubscribe {}", settings.name(), topicFilter);
        if (subscriptions.remove(topicFilter) != null && client.isConnected()) {
            try {
                IMqttToken t = client.unsubscribe(topicFilter);
                if (topicFilter.startsWith("$share/")) {
                    t.waitForCompletion(SHARE_UNSUBSCRIBE_MILLIS);
                }
            } catch (MqttException e) {
                LOG.debug("Unsubscribing {} failed: {}", topicFilter, e.getMessage());
            }
        }
    }

    /** Hands over the messages that arrived for this filter before it was subscribed. */
    private void claim(String filter, MessageHandler handler, boolean manualAck) {
        List<InboundMessage> mine = new ArrayList<>();
        synchronized (unclaimed) {
            for (Iterator<InboundMessage> it = unclaimed.iterator(); it.hasNext();) {
                InboundMessage m = it.next();
                if (matches(filter, m.topic())) {
                    mine.add(m);
                    it.remove();
                }
            }
            unclaimed.notifyAll();
        }
        for (InboundMessage m : mine) {
            handler.onMessage(m);
            if (!manualAck) {
                m.acknowledge();
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

    /** @param context registers this connection's lanes, now and when made, with this bundle */
    void registerLanesWith(BundleContext context) {
        lanes.registerWith(context);
    }

    @Override
    public ConnectionStatus status() {
        return new ConnectionStatus(settings.name(), settings.serverUri(), settings.clientId(), state, since,
                received.get(), published.get(), store.depth(), store.dropped() + dropped.get(), reconnects.get(),
                lastError, store.diskBytes(), store.expired(), unacknowledged.get());
    }

    // ---- Paho callbacks: copy, hand over, return; never throw ----

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        Acknowledgement ack = Acknowledgement.NONE;
        try {
            received.incrementAndGet();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                dispatch.lock();
                try {
                    List<Subscription> targets = new ArrayList<>(1);
                    for (Map.Entry<String, Subscription> e : subscriptions.entrySet()) {
                        if (matches(e.getKey(), topic)) {
                            targets.add(e.getValue());
                        }
                    }
                    boolean keep = targets.isEmpty() && message.getQos() > 0;
                    if (keep && unclaimedFull()) {
                        ack = Acknowledgement.NONE;
                    } else {
                        int manual = (int) targets.stream().filter(Subscription::manualAck).count();
                        ack = message.getQos() == 0 ? Acknowledgement.NONE
                                : new InboundAck(client, message.getId(), message.getQos(), keep ? 1 : Math.max(1, manual));
                        InboundMessage in = new InboundMessage(settings.name(), topic, message.getPayload().clone(),
                                message.getQos(), System.nanoTime(), message.isDuplicate(), ack);
                        if (keep) {
                            synchronized (unclaimed) {
                                unclaimed.add(in);
                            }
                            return;
                        }
                        for (Subscription s : targets) {
                            s.handler().onMessage(in);
                        }
                        if (manual == 0) {
                            ack.acknowledge();
                        }
                        return;
                    }
                } finally {
                    dispatch.unlock();
                }
                // many kept and nobody subscribed yet: wait (the broker holds the rest) for a subscription
                if (!running || System.nanoTime() > deadline) {
                    LOG.warn("{}: no subscription for {} and {} unclaimed messages held; left unacknowledged until the "
                            + "next connection", settings.name(), topic, MAX_UNCLAIMED);
                    return;
                }
                synchronized (unclaimed) {
                    unclaimed.wait(100);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (VirtualMachineError e) {
            // out of memory and the like: not contained here (Paho drops the connection; the pipelines' fatal
            // handling ends the JVM with a line in karaf.log)
            throw e;
        } catch (RuntimeException | Error e) {
            // any other failure of a handler (a linkage error after a bundle update, an assertion) is contained:
            // the message is skipped and acknowledged, the connection and the other subscriptions go on
            LOG.error("Handler failed for a message on {}; message skipped", topic, e);
            ack.acknowledge();
        }
    }

    /**
     * Whether the messages kept for subscriptions not made yet reached their bound. The persistent session
     * delivers as soon as the connection is up, before the pipelines subscribed; they are kept until a
     * subscription claims them, and beyond the bound the callback thread waits (up to a minute; then the
     * message stays unacknowledged and comes again with the next connection).
     */
    private boolean unclaimedFull() {
        synchronized (unclaimed) {
            return unclaimed.size() >= MAX_UNCLAIMED;
        }
    }

    /**
     * Acknowledges one QoS 1/2 message once all its manual-ack consumers did, on the client it arrived
     * with: after a reconnect the message id belongs to the new session and the broker redelivers anyway.
     */
    private final class InboundAck implements Acknowledgement {
        private final MqttAsyncClient receivedBy;
        private final int id;
        private final int qos;
        private final AtomicInteger owed;

        InboundAck(MqttAsyncClient receivedBy, int id, int qos, int owed) {
            this.receivedBy = receivedBy;
            this.id = id;
            this.qos = qos;
            this.owed = new AtomicInteger(owed);
            unacknowledged.incrementAndGet();
        }

        @Override
        public void acknowledge() {
            if (owed.decrementAndGet() != 0) {
                return;
            }
            unacknowledged.decrementAndGet();
            if (receivedBy != client || !receivedBy.isConnected()) {
                return;
            }
            try {
                receivedBy.messageArrivedComplete(id, qos);
            } catch (MqttException | RuntimeException e) {
                LOG.debug("{}: acknowledging message {} failed ({}); the broker delivers it again", settings.name(),
                        id, e.getMessage());
            }
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
        // whatever was in flight goes out again, in order, on the next connection
        store.requeueInflight();
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
        boolean waitingLogged = false;
        long startedNanos = System.nanoTime();
        while (running) {
            if (client.isConnected()) {
                awaitChange(1000);
                continue;
            }
            try {
                if (!first) {
                    // a fresh client: Paho keeps no outbound state of its own; the store re-sends
                    replaceClient();
                    store.requeueInflight();
                }
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
                boolean starting = first && System.nanoTime() - startedNanos
                        < TimeUnit.MILLISECONDS.toNanos(STARTUP_GRACE_MILLIS);
                if (starting) {
                    if (!waitingLogged) {
                        waitingLogged = true;
                        LOG.info("MQTT connection {} waiting for the broker at {} ({}); retrying", settings.name(),
                                settings.serverUri(), lastError);
                    } else {
                        LOG.debug("MQTT connection {} retry failed: {}", settings.name(), lastError);
                    }
                } else if (!outageLogged) {
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
        // here, not in the constructor: reading back up to storeMaxMegabytes must not hold up activation
        store.recover();
        PublishStore.Entry pending = null;
        while (running) {
            try {
                if (state != ConnectionState.CONNECTED) {
                    awaitChange(200);
                    continue;
                }
                if (pending != null && !store.inFlight(pending)) {
                    pending = null; // requeued by a reconnect: it goes out again from its queue, in order
                }
                if (pending == null) {
                    pending = store.take(500);
                    if (pending == null) {
                        continue;
                    }
                }
                PublishStore.Entry e = pending;
                MqttAsyncClient c = client;
                if (e.qos == 0) {
                    c.publish(e.topic, store.payload(e), 0, e.retained);
                    store.done(e);
                    published.incrementAndGet();
                } else {
                    c.publish(e.topic, store.payload(e), e.qos, e.retained, null, new IMqttActionListener() {
                        @Override
                        public void onSuccess(IMqttToken token) {
                            store.done(e);
                            published.incrementAndGet();
                        }

                        @Override
                        public void onFailure(IMqttToken token, Throwable failure) {
                            // connection lost: requeued by connectionLost / the next connect
                        }
                    });
                }
                pending = null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (MqttException e) {
                // REASON_CODE_MAX_INFLIGHT: Paho's window is full; the message stays in hand and is retried
                awaitChange(e.getReasonCode() == MqttException.REASON_CODE_MAX_INFLIGHT ? 1 : 100);
                if (pending != null && !store.inFlight(pending)) {
                    pending = null; // requeued meanwhile by a reconnect
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("Dropping a message to {} that cannot be sent: {}", pending.topic, e.toString());
                dropped.incrementAndGet();
                store.done(pending);
                pending = null;
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

    /**
     * Leaves the shared subscriptions still held (waiting for the broker's acknowledgement, so a persistent
     * session is not handed shares while this gateway is away), gives the publisher up to
     * {@value #CLOSE_FLUSH_MILLIS} ms to send what is stored (results of the inputs finished last), publishes the
     * offline status, disconnects and stops both threads. What is still stored then goes out after the next start.
     */
    @Override
    public void close() {
        lanes.close();
        for (String filter : List.copyOf(subscriptions.keySet())) {
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
