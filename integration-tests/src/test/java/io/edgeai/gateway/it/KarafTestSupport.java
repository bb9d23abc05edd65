package io.edgeai.gateway.it;

import static org.ops4j.pax.exam.CoreOptions.systemTimeout;
import static org.ops4j.pax.exam.CoreOptions.vmOptions;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.inject.Inject;

import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;

import io.edgeai.gateway.api.BrokerStatus;
import io.edgeai.gateway.api.EmbeddedBroker;
import io.edgeai.gateway.testing.Mosquitto;
import io.edgeai.gateway.testing.NoDelaySocketFactory;

/**
 * Boots the built EdgeAI Karaf distribution (the tar.gz of this reactor) once per test class, with the
 * embedded broker, SSH and JMX on free ports so parallel builds on one box do not collide. Test methods run
 * inside Karaf; they get console, configuration and MQTT helpers from here.
 *
 * <p>Subclasses add options by overriding {@link #extraOptions()}; a test that needs a real external broker
 * starts a {@link Mosquitto} (inside Karaf, in the test method) and points the connection at it with
 * {@link #updateConnection}.
 */
public abstract class KarafTestSupport {

    /** The shipped connection's factory PID and name (config/edgeai.mqtt.connection-local.cfg). */
    protected static final String CONNECTION_FACTORY_PID = "edgeai.mqtt.connection";

    protected static final String CONNECTION_NAME = "local";
    /** Boot takes ~10 s; generous because the build box is shared (seen > 60 s once under heavy load). */
    protected static final Duration BOOT_TIMEOUT = Duration.ofSeconds(180);

    protected static final Duration TIMEOUT = Duration.ofSeconds(20);

    /** Every bundle the edgeai feature installs from this project, by symbolic name. */
    protected static final List<String> EDGEAI_BUNDLES = List.of(
            "edgeai-api",
            "edgeai-ort",
            "edgeai-onnx",
            "edgeai-mqtt",
            "edgeai-broker",
            "edgeai-pipeline",
            "edgeai-lifecycle",
            "edgeai-model-anomaly-ae",
            "edgeai-shell",
            "edgeai-tokenize",
            "edgeai-nlp",
            "edgeai-model-minilm-l6-v2-q",
            "edgeai-model-iot-intent-minilm",
            "edgeai-model-iot-slots-minilm",
            "edgeai-metrics");

    /**
     * On a failure, the container's own account goes to the test output: karaf.log's warnings and errors and
     * where Paho's and the gateway's threads are (a timed-out poll alone says only that something never came).
     */
    @org.junit.Rule
    public final org.junit.rules.TestWatcher failureReport = new org.junit.rules.TestWatcher() {
        @Override
        protected void failed(Throwable e, org.junit.runner.Description description) {
            String broker;
            try {
                ServiceReference<EmbeddedBroker> ref = bundleContext.getServiceReference(EmbeddedBroker.class);
                broker = ref == null
                        ? "not registered"
                        : String.valueOf(bundleContext.getService(ref).status());
            } catch (RuntimeException unavailable) {
                broker = unavailable.toString();
            }
            System.err.println("=== " + description.getMethodName() + " failed: " + e + "\n--- embedded broker: "
                    + broker + "\n--- karaf.log warnings:\n"
                    + logWarnings() + "\n--- threads:\n" + mqttThreads());
        }
    };

    @Inject
    protected BundleContext bundleContext;

    @Inject
    protected SessionFactory sessionFactory;

    @Inject
    protected ConfigurationAdmin configurationAdmin;

    @Configuration
    public Option[] config() throws IOException {
        String distribution = requiredProperty("edgeai.distribution");
        int brokerPort = Mosquitto.freePort();
        List<Option> options = new ArrayList<>(Arrays.asList(
                karafDistributionConfiguration()
                        .frameworkUrl(new File(distribution).toURI().toString())
                        .karafVersion(requiredProperty("edgeai.karaf.version"))
                        .name("EdgeAI Gateway")
                        .unpackDirectory(new File("target/pax-exam"))
                        .useDeployFolder(false),
                configureConsole().ignoreLocalConsole(),
                systemTimeout(BOOT_TIMEOUT.toMillis()),
                // what bin/karaf passes on Java 9+, and the distribution's heap and GC (bin/setenv)
                vmOptions(
                        "-Xms64m",
                        "-Xmx256m",
                        "-XX:+UseSerialGC",
                        "--add-reads=java.xml=java.logging",
                        "--add-exports=java.base/org.apache.karaf.specs.locator=java.xml,ALL-UNNAMED",
                        "--patch-module",
                        "java.base=lib/endorsed/org.apache.karaf.specs.locator-"
                                + requiredProperty("edgeai.karaf.version") + ".jar",
                        "--patch-module",
                        "java.xml=lib/endorsed/org.apache.karaf.specs.java.xml-"
                                + requiredProperty("edgeai.karaf.version") + ".jar",
                        "--add-opens",
                        "java.base/java.security=ALL-UNNAMED",
                        "--add-opens",
                        "java.base/java.net=ALL-UNNAMED",
                        "--add-opens",
                        "java.base/java.lang=ALL-UNNAMED",
                        "--add-opens",
                        "java.base/java.util=ALL-UNNAMED",
                        "--add-opens",
                        "java.naming/javax.naming.spi=ALL-UNNAMED",
                        "--add-opens",
                        "java.rmi/sun.rmi.transport.tcp=ALL-UNNAMED",
                        "--add-exports=java.base/sun.net.www.protocol.file=ALL-UNNAMED",
                        "--add-exports=java.base/sun.net.www.protocol.ftp=ALL-UNNAMED",
                        "--add-exports=java.base/sun.net.www.protocol.http=ALL-UNNAMED",
                        "--add-exports=java.base/sun.net.www.protocol.https=ALL-UNNAMED",
                        "--add-exports=java.base/sun.net.www.protocol.jar=ALL-UNNAMED",
                        "--add-exports=java.base/sun.net.www.content.text=ALL-UNNAMED",
                        "--add-exports=jdk.xml.dom/org.w3c.dom.html=ALL-UNNAMED",
                        "--add-exports=jdk.naming.rmi/com.sun.jndi.url.rmi=ALL-UNNAMED",
                        "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
                        "--add-exports=java.security.sasl/com.sun.security.sasl=ALL-UNNAMED",
                        "--add-exports=java.naming/com.sun.jndi.ldap=ALL-UNNAMED"),
                // Pax Exam's own bundles come from the build's local repository, not the network
                editConfigurationFilePut(
                        "etc/org.ops4j.pax.url.mvn.cfg",
                        "org.ops4j.pax.url.mvn.localRepository",
                        requiredProperty("maven.repo.local")),
                // nothing on fixed ports: other builds may run on this box at the same time
                editConfigurationFilePut("etc/edgeai.broker.cfg", "port", Integer.toString(brokerPort)),
                editConfigurationFilePut(
                        "etc/edgeai.mqtt.connection-local.cfg", "serverUri", "tcp://127.0.0.1:" + brokerPort),
                editConfigurationFilePut("etc/edgeai.metrics.cfg", "port", Integer.toString(Mosquitto.freePort())),
                // The boot features install off the start-level thread: synchronously, the features bundle's
                // activator holds its bundle lock while the deployer installs Pax Exam's extra boot features,
                // and a refresh that has to stop it waits for that lock for ever (seen: "Container never came up",
                // thread dump with FelixStartLevel in BootFeaturesInstaller and features-2-thread-1 in
                // Felix.stopBundle). Tests wait for what they need anyway.
                editConfigurationFilePut("etc/org.apache.karaf.features.cfg", "featuresBootAsynchronous", "true"),
                // (Pax Exam itself moves JMX's RMI ports to free ones)
                editConfigurationFilePut(
                        "etc/org.apache.karaf.shell.cfg", "sshPort", Integer.toString(Mosquitto.freePort()))));
        if (Boolean.getBoolean("edgeai.it.keep")) {
            // -Dedgeai.it.keep=true leaves target/pax-exam/<uuid> (logs, etc/) for a post-mortem
            options.add(keepRuntimeFolder());
        }
        options.addAll(Arrays.asList(extraOptions()));
        return options.toArray(new Option[0]);
    }

    /** @return more Pax Exam options for a subclass (more config edits, bundles...) */
    protected Option[] extraOptions() {
        return new Option[0];
    }

    /**
     * Runs a console command as the local console would and returns what it printed.
     * Waits until the command is registered (commands appear asynchronously after boot).
     */
    protected String executeCommand(String command) {
        return Poll.until("command '" + command + "' to run", TIMEOUT, () -> runOnce(command));
    }

    private String runOnce(String command) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try (Session session = sessionFactory.create(System.in, out, out)) {
            Future<Object> result = executor.submit(() -> session.execute(command));
            result.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            out.flush();
            return bytes.toString(StandardCharsets.UTF_8);
        } finally {
            executor.shutdownNow();
        }
    }

    /** Waits for a service and returns it. */
    /**
     * The tests boot Karaf's features asynchronously: wait until Karaf says they are all installed, or a
     * late refresh (e.g. of the broker bundle) can drop a test's connections mid-test.
     */
    @org.junit.Before
    public void awaitBootFeatures() {
        Poll.until(
                "Karaf's boot features installed",
                BOOT_TIMEOUT,
                () -> bundleContext.getServiceReference("org.apache.karaf.features.BootFinished"));
    }

    protected <T> T service(Class<T> type) {
        return service(type, null);
    }

    /** Waits for a service matching an LDAP filter (null: any) and returns it. */
    protected <T> T service(Class<T> type, String filter) {
        return Poll.until(type.getSimpleName() + (filter == null ? "" : " " + filter), TIMEOUT, () -> {
            for (ServiceReference<T> ref : bundleContext.getServiceReferences(type, filter)) {
                T service = bundleContext.getService(ref);
                if (service != null) {
                    return service;
                }
            }
            return null;
        });
    }

    /** Waits until the embedded broker runs and returns its status. */
    protected BrokerStatus runningBroker() {
        EmbeddedBroker broker = service(EmbeddedBroker.class);
        return Poll.until(
                "embedded broker running", TIMEOUT, () -> broker.status().running() ? broker.status() : null);
    }

    /**
     * @return a connected Paho client (clean session) for {@code tcp://host:port}; close it when done. It
     *     acknowledges every message, also one that arrives when no subscription listener is left (a late
     *     probe result after an unsubscribe): without a default callback Paho 1.2.5 drops such a QoS 1
     *     message without its PUBACK, and the embedded broker (HiveMQ CE) then holds back every later QoS 1
     *     message to this client until it reconnects.
     */
    protected MqttClient mqttClient(String serverUri, String clientId) throws MqttException {
        MqttClient client = new MqttClient(serverUri, clientId, new MemoryPersistence());
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                // the test's next call fails, with its own message
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                // not for any listener of the test: acknowledged by Paho on return, nothing else to do
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                // publishes are synchronous
            }
        });
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setMaxInflight(1000);
        // as the gateway's connection: with Nagle on, QoS 1 from the embedded broker comes at ~1,200 messages/s
        options.setSocketFactory(new NoDelaySocketFactory());
        options.setConnectionTimeout((int) TIMEOUT.toSeconds());
        client.connect(options);
        return client;
    }

    /** @return a connected Paho client on the embedded broker */
    protected MqttClient embeddedBrokerClient(String clientId) throws MqttException {
        BrokerStatus broker = runningBroker();
        return mqttClient("tcp://" + broker.host() + ":" + broker.port(), clientId);
    }

    /**
     * Changes properties of the shipped MQTT connection (factory PID {@value #CONNECTION_FACTORY_PID}, name
     * {@value #CONNECTION_NAME}), e.g. {@code Map.of("serverUri", mosquitto.uri())}.
     */
    protected void updateConnection(Map<String, Object> changes) throws Exception {
        String filter = "(&(service.factoryPid=" + CONNECTION_FACTORY_PID + ")(name=" + CONNECTION_NAME + "))";
        org.osgi.service.cm.Configuration[] configs =
                Poll.until("configuration " + filter, TIMEOUT, () -> configurationAdmin.listConfigurations(filter));
        Dictionary<String, Object> props = configs[0].getProperties();
        changes.forEach(props::put);
        configs[0].update(props);
    }

    private static String requiredProperty(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + name + " is not set: run the tests through Maven");
        }
        return value;
    }

    /** @return where Paho's threads and the pipeline workers are (a stuck callback thread shows here) */
    static String mqttThreads() {
        StringBuilder b = new StringBuilder();
        Thread.getAllStackTraces().forEach((t, stack) -> {
            if (t.getName().startsWith("MQTT") || t.getName().startsWith("edgeai-")) {
                b.append(t.getName()).append(' ').append(t.getState()).append('\n');
                for (int i = 0; i < Math.min(16, stack.length); i++) {
                    b.append("    at ").append(stack[i]).append('\n');
                }
            }
        });
        return b.toString();
    }

    /** @return the WARN and ERROR lines of the container's karaf.log, at most the last 40 */
    static String logWarnings() {
        Path log = Path.of(System.getProperty("karaf.data"), "log", "karaf.log");
        try (var lines = Files.lines(log)) {
            List<String> bad = lines.filter(l -> l.contains("| WARN ") || l.contains("| ERROR"))
                    .collect(Collectors.toList());
            return String.join("\n", bad.subList(Math.max(0, bad.size() - 40), bad.size()));
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }
}
