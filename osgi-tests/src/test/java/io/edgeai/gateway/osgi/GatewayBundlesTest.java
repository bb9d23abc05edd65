package io.edgeai.gateway.osgi;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.edgeai.gateway.api.ModelRegistry;
import io.edgeai.gateway.api.ModelRunner;
import io.edgeai.gateway.api.ModelState;
import io.edgeai.gateway.api.MqttConnection;
import io.edgeai.gateway.api.Pipeline;
import io.edgeai.gateway.api.ShadowComparison;
import io.edgeai.gateway.testing.Mosquitto;

/** DS wiring, factory configuration, metatype and model hot swap in a real OSGi framework. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayBundlesTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** The version of the model bundle the build ships, read from its descriptor. */
    private static final String SHIPPED = shippedVersion();

    private Mosquitto broker;
    private OsgiFramework osgi;
    private MqttClient observer;
    private final List<JsonNode> results = new CopyOnWriteArrayList<>();
    /** Model events the gateway published on its status topic. */
    private final List<JsonNode> modelEvents = new CopyOnWriteArrayList<>();

    private int sent;
    private final java.util.concurrent.atomic.AtomicInteger probes = new java.util.concurrent.atomic.AtomicInteger();

    @BeforeAll
    void start() throws Exception {
        broker = Mosquitto.startOnFreePort();
        osgi = new OsgiFramework();
        ConfigurationAdmin cm = service(ConfigurationAdmin.class);
        Configuration conn = cm.getFactoryConfiguration("edgeai.mqtt.connection", "test", "?");
        Dictionary<String, Object> c = new Hashtable<>();
        c.put("name", "local");
        c.put("serverUri", broker.uri());
        c.put("clientId", "edgeai-osgi-test");
        conn.update(c);
        Configuration pipe = cm.getFactoryConfiguration("edgeai.pipeline.anomaly", "test", "?");
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("name", "osgi");
        p.put("inputTopic", "sensors/+/+");
        pipe.update(p);
        Configuration lifecycle = cm.getConfiguration("edgeai.lifecycle", "?");
        Dictionary<String, Object> l = new Hashtable<>();
        l.put("gatewayId", "osgi-gw");
        lifecycle.update(l);
        observer = new MqttClient(broker.uri(), "observer", new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        o.setMaxInflight(1000);
        observer.connect(o);
        observer.subscribe("edgeai/anomaly/#", 1, (topic, msg) -> {
            if (topic.contains("/probe/")) {
                probes.incrementAndGet();
            } else {
                results.add(MAPPER.readTree(msg.getPayload()));
            }
        });
        observer.subscribe(
                "edgeai/osgi-gw/models/events", 1, (topic, msg) -> modelEvents.add(MAPPER.readTree(msg.getPayload())));
    }

    /** @return the first published model event of that kind and version, waiting for it */
    private JsonNode modelEvent(String event, String version) {
        return await().atMost(WAIT)
                .until(
                        () -> modelEvents.stream()
                                .filter(e -> e.get("event").asText().equals(event)
                                        && e.get("version").asText().equals(version))
                                .findFirst(),
                        Optional::isPresent)
                .get();
    }

    /** @return the retained model state, as a client connecting now receives it */
    private JsonNode retainedModelState() throws Exception {
        List<JsonNode> got = new CopyOnWriteArrayList<>();
        MqttClient late = new MqttClient(broker.uri(), "late-" + System.nanoTime(), new MemoryPersistence());
        late.connect();
        try {
            late.subscribe("edgeai/osgi-gw/models", 1, (topic, msg) -> got.add(MAPPER.readTree(msg.getPayload())));
            await().atMost(WAIT).until(() -> !got.isEmpty());
            return got.get(0);
        } finally {
            late.disconnect();
            late.close();
        }
    }

    private static String stateOf(JsonNode state, String version) {
        for (JsonNode m : state.get("models")) {
            if (m.get("version").asText().equals(version)) {
                return m.get("status").asText() + " " + m.get("detail").asText();
            }
        }
        return "absent";
    }

    @AfterAll
    void stop() throws Exception {
        if (observer != null && observer.isConnected()) {
            observer.disconnect();
        }
        if (osgi != null) {
            osgi.close();
        }
        broker.close();
    }

    private static String shippedVersion() {
        try {
            return MAPPER.readTree(ModelBundles.descriptor()).get("version").asText();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private <T> T service(Class<T> type) {
        BundleContext ctx = osgi.context();
        await().atMost(WAIT).until(() -> ctx.getServiceReference(type) != null);
        return ctx.getService(ctx.getServiceReference(type));
    }

    private Optional<ModelState> state(String version) {
        return service(ModelRegistry.class).models().stream()
                .filter(m -> m.version().equals(version))
                .findFirst();
    }

    private String servingVersion() {
        ServiceReference<ModelRunner> ref = osgi.context().getServiceReference(ModelRunner.class);
        return ref == null ? "" : String.valueOf(ref.getProperty("edgeai.model.version"));
    }

    /**
     * A pipeline subscribes asynchronously after it starts; with a clean session, readings sent before
     * its SUBACK are not for it. Probe until a result comes back.
     */
    private void awaitPipelineListening() {
        int before = probes.get();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            observer.publish("sensors/probe/x", "1".getBytes(StandardCharsets.UTF_8), 1, false);
            return probes.get() > before;
        });
    }

    private void publishReadings(int n) throws Exception {
        for (int i = 0; i < n; i++) {
            String payload = "{\"value\":" + (20 + Math.sin(sent / 10.0)) + "}";
            observer.publish("sensors/osgi-dev/temp", payload.getBytes(StandardCharsets.UTF_8), 1, false);
            sent++;
        }
    }

    private String lastModel() {
        return results.get(results.size() - 1).get("model").asText();
    }

    @Test
    @Order(1)
    void dsWiresConnectionPipelineAndModelFromFactoryConfigurations() throws Exception {
        Pipeline pipeline = service(Pipeline.class);
        assertEquals("osgi", pipeline.name());
        MqttConnection conn = service(MqttConnection.class);
        assertEquals("local", conn.name());
        await().atMost(WAIT)
                .until(() -> state(SHIPPED)
                        .map(s -> s.status() == ModelState.Status.ACTIVE)
                        .orElse(false));
        awaitPipelineListening();
        publishReadings(50);
        await().atMost(WAIT).until(() -> results.size() == sent);
        assertEquals("nab-ae@" + SHIPPED, lastModel());
        assertEquals(50, pipeline.status().published() - probes.get());
    }

    @Test
    @Order(2)
    void metatypeDescribesEveryConfigurationField() {
        MetaTypeService meta = service(MetaTypeService.class);
        ObjectClassDefinition ocd = meta.getMetaTypeInformation(osgi.bundle("edgeai-pipeline"))
                .getObjectClassDefinition("edgeai.pipeline.anomaly", null);
        Set<String> ids = Arrays.stream(ocd.getAttributeDefinitions(ObjectClassDefinition.ALL))
                .map(AttributeDefinition::getID)
                .collect(Collectors.toSet());
        assertTrue(
                ids.containsAll(Set.of(
                        "name",
                        "connection.target",
                        "model.target",
                        "inputTopic",
                        "threshold",
                        "clearThreshold",
                        "maxPayloadBytes",
                        "queueCapacity",
                        "overflowPolicy")),
                ids.toString());
        for (AttributeDefinition ad : ocd.getAttributeDefinitions(ObjectClassDefinition.ALL)) {
            assertNotNull(ad.getDescription(), ad.getID() + " lacks a description");
        }
        ObjectClassDefinition conn = meta.getMetaTypeInformation(osgi.bundle("edgeai-mqtt"))
                .getObjectClassDefinition("edgeai.mqtt.connection", null);
        AttributeDefinition password = Arrays.stream(conn.getAttributeDefinitions(ObjectClassDefinition.ALL))
                .filter(a -> a.getID().equals("password"))
                .findFirst()
                .orElseThrow();
        assertEquals(AttributeDefinition.PASSWORD, password.getType());
    }

    @Test
    @Order(3)
    void aNewerModelBundleTakesOverAndRefusedOnesLeaveItServing() throws Exception {
        String descriptor = ModelBundles.descriptor();
        byte[] onnx = ModelBundles.onnx();
        BundleContext ctx = osgi.context();
        Bundle v11 = ctx.installBundle(
                "memory:nab-ae-9.1.0",
                new ByteArrayInputStream(ModelBundles.bundle(
                        "nab-ae-test", "9.1.0", ModelBundles.withVersion(descriptor, "9.1.0"), onnx)));
        v11.start();
        await().atMost(WAIT).until(() -> servingVersion().equals("9.1.0"));
        publishReadings(20);
        await().atMost(WAIT).until(() -> results.size() == sent);
        assertEquals("nab-ae@9.1.0", lastModel());

        // corrupt file: checksum no longer matches
        byte[] corrupt = onnx.clone();
        corrupt[corrupt.length / 2] ^= 0x5a;
        Bundle bad = ctx.installBundle(
                "memory:nab-ae-9.2.0",
                new ByteArrayInputStream(ModelBundles.bundle(
                        "nab-ae-corrupt", "9.2.0", ModelBundles.withVersion(descriptor, "9.2.0"), corrupt)));
        bad.start();
        await().atMost(WAIT)
                .until(() -> state("9.2.0")
                        .map(s -> s.status() == ModelState.Status.FAILED)
                        .orElse(false));
        assertTrue(
                state("9.2.0").get().detail().contains("checksum mismatch"),
                state("9.2.0").get().detail());

        // wrong shape: the descriptor promises another input width than the graph has
        String wrongShape =
                ModelBundles.withVersion(descriptor, "9.3.0").replaceFirst("\\[\\s*-1\\s*,\\s*64\\s*\\]", "[-1, 32]");
        Bundle shape = ctx.installBundle(
                "memory:nab-ae-9.3.0",
                new ByteArrayInputStream(ModelBundles.bundle("nab-ae-shape", "9.3.0", wrongShape, onnx)));
        shape.start();
        await().atMost(WAIT)
                .until(() -> state("9.3.0")
                        .map(s -> s.status() == ModelState.Status.FAILED)
                        .orElse(false));
        assertTrue(
                state("9.3.0").get().detail().contains("shape"),
                state("9.3.0").get().detail());
        assertEquals("9.1.0", servingVersion(), "a refused version leaves the old one serving");

        // the status topic told the same story, refusal reasons included
        assertEquals(
                SHIPPED, modelEvent("swapped", "9.1.0").get("previousVersion").asText());
        assertEquals("osgi-gw", modelEvent("loaded", "9.1.0").get("gateway").asText());
        assertTrue(modelEvent("refused", "9.2.0").get("reason").asText().contains("checksum mismatch"));
        assertTrue(modelEvent("refused", "9.3.0").get("reason").asText().contains("shape"));
        JsonNode retained = retainedModelState();
        assertEquals("ACTIVE ", stateOf(retained, "9.1.0"));
        assertTrue(
                stateOf(retained, "9.2.0").startsWith("FAILED ")
                        && stateOf(retained, "9.2.0").contains("checksum"),
                stateOf(retained, "9.2.0"));
        publishReadings(20);
        await().atMost(WAIT).until(() -> results.size() == sent);
        assertEquals("nab-ae@9.1.0", lastModel());

        // removing the serving version falls back to the next loadable one
        v11.uninstall();
        await().atMost(WAIT).until(() -> servingVersion().equals(SHIPPED));
        publishReadings(20);
        await().atMost(WAIT).until(() -> results.size() == sent);
        assertEquals("nab-ae@" + SHIPPED, lastModel());
        bad.uninstall();
        shape.uninstall();
        await().atMost(WAIT).until(() -> service(ModelRegistry.class).models().size() == 1);
    }

    @Test
    @Order(4)
    void bundlesSurviveStopStartWithoutLeakingThreads() throws Exception {
        long before = edgeaiThreads();
        for (int i = 0; i < 5; i++) {
            for (String bsn : List.of("edgeai-pipeline", "edgeai-mqtt", "edgeai-onnx")) {
                osgi.bundle(bsn).stop();
            }
            for (String bsn : List.of("edgeai-onnx", "edgeai-mqtt", "edgeai-pipeline")) {
                osgi.bundle(bsn).start();
            }
        }
        await().atMost(WAIT)
                .until(() -> osgi.context().getServiceReference(Pipeline.class) != null
                        && servingVersion().equals(SHIPPED));
        await().atMost(WAIT)
                .until(() ->
                        service(MqttConnection.class).status().state().name().equals("CONNECTED"));
        awaitPipelineListening();
        int already = results.size();
        publishReadings(10);
        await().atMost(WAIT).until(() -> results.size() == already + 10);
        await().atMost(WAIT).until(() -> edgeaiThreads() <= before);
    }

    @Test
    @Order(5)
    void rollbackServesThePreviousVersionAndAPinnedPipelineKeepsItsRange() throws Exception {
        String descriptor = ModelBundles.descriptor();
        byte[] onnx = ModelBundles.onnx();
        BundleContext ctx = osgi.context();
        ModelRegistry registry = service(ModelRegistry.class);
        awaitPipelineListening();
        Bundle b94 = ctx.installBundle(
                "memory:nab-ae-9.4.0",
                new ByteArrayInputStream(ModelBundles.bundle(
                        "nab-ae-94", "9.4.0", ModelBundles.withVersion(descriptor, "9.4.0"), onnx)));
        b94.start();
        await().atMost(WAIT).until(() -> servingVersion().equals("9.4.0"));
        Bundle b95 = ctx.installBundle(
                "memory:nab-ae-9.5.0",
                new ByteArrayInputStream(ModelBundles.bundle(
                        "nab-ae-95", "9.5.0", ModelBundles.withVersion(descriptor, "9.5.0"), onnx)));
        b95.start();
        await().atMost(WAIT).until(() -> servingVersion().equals("9.5.0"));

        assertEquals("9.4.0", registry.rollback("nab-ae"));
        assertEquals("9.4.0", servingVersion());
        assertEquals(
                "9.5.0",
                modelEvent("rolled-back", "9.4.0").get("previousVersion").asText());
        assertEquals(ModelState.Status.STANDBY, state("9.5.0").get().status());
        publishReadings(10);
        await().atMost(WAIT).until(() -> results.size() == sent);
        assertEquals("nab-ae@9.4.0", lastModel());
        assertEquals(SHIPPED, registry.rollback("nab-ae"));
        IllegalStateException none = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalStateException.class, () -> registry.rollback("nab-ae"));
        assertTrue(none.getMessage().contains("no earlier version"), none.getMessage());

        // a pipeline pinned to [9.5,10) gets 9.5.0 loaded for it although the shipped version serves
        Configuration pipe =
                service(ConfigurationAdmin.class).listConfigurations("(service.factoryPid=edgeai.pipeline.anomaly)")[0];
        Dictionary<String, Object> p = pipe.getProperties();
        p.put("modelVersionRange", "[9.5,10)");
        pipe.update(p);
        await().atMost(WAIT)
                .until(() -> state("9.5.0")
                        .map(s -> s.status() == ModelState.Status.ACTIVE
                                && s.detail().contains("pinned by pipeline osgi"))
                        .orElse(false));
        assertEquals(SHIPPED, servingVersion());
        await().atMost(WAIT)
                .until(() -> service(Pipeline.class).status().model().equals("nab-ae@9.5.0"));
        publishReadings(10);
        await().atMost(WAIT).until(() -> results.size() == sent);
        assertEquals("nab-ae@9.5.0", lastModel());
        p.put("modelVersionRange", "");
        pipe.update(p);
        await().atMost(WAIT)
                .until(() -> state("9.5.0")
                        .map(s -> s.status() == ModelState.Status.STANDBY)
                        .orElse(false));

        // bundle:update to a newer version is a new deployment: it serves, straight from the old one
        b94.update(new ByteArrayInputStream(
                ModelBundles.bundle("nab-ae-94", "9.6.0", ModelBundles.withVersion(descriptor, "9.6.0"), onnx)));
        await().atMost(WAIT).until(() -> servingVersion().equals("9.6.0"));
        publishReadings(10);
        await().atMost(WAIT).until(() -> results.size() == sent);
        assertEquals("nab-ae@9.6.0", lastModel());
        b94.uninstall();
        b95.uninstall();
        await().atMost(WAIT)
                .until(() -> servingVersion().equals(SHIPPED)
                        && service(ModelRegistry.class).models().size() == 1);
    }

    @Test
    @Order(6)
    void secureModeRefusesUnsignedAndBadlySignedModelsAndOffAcceptsThem() throws Exception {
        String descriptor = ModelBundles.descriptor();
        byte[] onnx = ModelBundles.onnx();
        java.security.KeyPair trusted =
                java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        java.security.KeyPair stranger =
                java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Configuration onnxConfig = service(ConfigurationAdmin.class).getConfiguration("edgeai.onnx", "?");
        Dictionary<String, Object> secure = new Hashtable<>();
        secure.put("secureMode", true);
        secure.put("trustedKeys", new String[] {
            java.util.Base64.getEncoder().encodeToString(trusted.getPublic().getEncoded())
        });
        onnxConfig.update(secure);
        BundleContext ctx = osgi.context();
        List<Bundle> installed = new java.util.ArrayList<>();
        try {
            String d97 = ModelBundles.withVersion(descriptor, "9.7.0");
            installed.add(ctx.installBundle(
                    "memory:nab-ae-9.7.0",
                    new ByteArrayInputStream(ModelBundles.bundle(
                            "nab-ae-97", "9.7.0", d97, onnx, ModelBundles.signature(trusted, d97, onnx)))));
            installed.add(ctx.installBundle(
                    "memory:nab-ae-9.8.0",
                    new ByteArrayInputStream(ModelBundles.bundle(
                            "nab-ae-98", "9.8.0", ModelBundles.withVersion(descriptor, "9.8.0"), onnx))));
            String d99 = ModelBundles.withVersion(descriptor, "9.9.0");
            installed.add(ctx.installBundle(
                    "memory:nab-ae-9.9.0",
                    new ByteArrayInputStream(ModelBundles.bundle(
                            "nab-ae-99", "9.9.0", d99, onnx, ModelBundles.signature(stranger, d99, onnx)))));
            // signed, then relabelled: the signature no longer covers the descriptor
            String d995 = ModelBundles.withVersion(descriptor, "9.9.5");
            installed.add(ctx.installBundle(
                    "memory:nab-ae-9.9.5",
                    new ByteArrayInputStream(ModelBundles.bundle(
                            "nab-ae-995", "9.9.5", d995, onnx, ModelBundles.signature(trusted, d97, onnx)))));
            for (Bundle b : installed) {
                b.start();
            }
            await().atMost(WAIT).until(() -> servingVersion().equals("9.7.0"));
            await().atMost(WAIT)
                    .until(() -> state("9.9.5")
                            .map(s -> s.status() == ModelState.Status.FAILED)
                            .orElse(false));
            assertTrue(
                    state("9.8.0").get().detail().startsWith("unsigned"),
                    state("9.8.0").get().detail());
            assertTrue(
                    state("9.9.0").get().detail().contains("which is not among the trusted keys ["),
                    state("9.9.0").get().detail());
            assertTrue(
                    state("9.9.5").get().detail().startsWith("bad signature"),
                    state("9.9.5").get().detail());
            publishReadings(10);
            await().atMost(WAIT).until(() -> results.size() == sent);
            assertEquals("nab-ae@9.7.0", lastModel());

            Dictionary<String, Object> open = new Hashtable<>();
            open.put("secureMode", false);
            onnxConfig.update(open);
            await().atMost(WAIT).until(() -> servingVersion().equals("9.9.5"));
            assertEquals(ModelState.Status.STANDBY, state("9.8.0").get().status());
        } finally {
            onnxConfig.delete();
            for (Bundle b : installed) {
                b.uninstall();
            }
        }
        await().atMost(WAIT)
                .until(() -> servingVersion().equals(SHIPPED)
                        && service(ModelRegistry.class).models().size() == 1);
    }

    @Test
    @Order(7)
    void aNewVersionShadowsFirstIsComparedOnLiveTrafficAndPromoted() throws Exception {
        Configuration onnxConfig = service(ConfigurationAdmin.class).getConfiguration("edgeai.onnx", "?");
        Dictionary<String, Object> shadowFirst = new Hashtable<>();
        shadowFirst.put("shadowNewVersions", true);
        onnxConfig.update(shadowFirst);
        // same graph, another likelihood scale: the candidate scores the same windows differently
        String candidate = ModelBundles.withVersion(ModelBundles.descriptor(), "9.8.5")
                .replace("\"likelihood.log.scale\": \"30\"", "\"likelihood.log.scale\": \"3\"");
        assertTrue(candidate.contains("\"likelihood.log.scale\": \"3\""), "descriptor changed");
        Bundle b = osgi.context()
                .installBundle(
                        "memory:nab-ae-9.8.5",
                        new ByteArrayInputStream(
                                ModelBundles.bundle("nab-ae-985", "9.8.5", candidate, ModelBundles.onnx())));
        try {
            b.start();
            await().atMost(WAIT)
                    .until(() -> state("9.8.5")
                            .map(s -> s.status() == ModelState.Status.SHADOW)
                            .orElse(false));
            assertEquals(SHIPPED, servingVersion(), "a shadow candidate does not serve");
            assertEquals(
                    SHIPPED,
                    modelEvent("shadow", "9.8.5").get("previousVersion").asText());
            Pipeline pipeline = service(Pipeline.class);
            awaitPipelineListening();
            int before = results.size();
            publishReadings(400);
            await().atMost(WAIT).until(() -> results.size() == before + 400);
            // one result per reading, all from the serving version: the candidate's scores are not published
            assertTrue(results.subList(before, results.size()).stream()
                    .allMatch(r -> r.get("model").asText().equals("nab-ae@" + SHIPPED)));
            ShadowComparison c = await().atMost(WAIT)
                    .until(
                            () -> pipeline.shadowComparisons().stream()
                                    .filter(x -> x.candidate().equals("nab-ae@9.8.5"))
                                    .findFirst(),
                            o -> o.map(x -> x.compared() > 0).orElse(false))
                    .get();
            assertEquals("nab-ae@" + SHIPPED, c.serving());
            // the candidate learns its error distribution first: 63 readings fill the window, 150 more
            // errors are learned, and the probe readings of this test are another series
            assertTrue(c.warmingUp() >= 150, c.toString());
            assertTrue(c.compared() >= 400 - 63 - 151, c.toString());
            assertTrue(c.agreementPercent() >= 0 && c.agreementPercent() <= 100, c.toString());
            assertTrue(c.meanAbsDiff() <= c.maxAbsDiff() && c.maxAbsDiff() <= 1, c.toString());
            assertEquals(0, c.failed(), c.toString());

            assertEquals("9.8.5", service(ModelRegistry.class).promote("nab-ae"));
            assertEquals("9.8.5", servingVersion());
            assertEquals(
                    SHIPPED,
                    modelEvent("promoted", "9.8.5").get("previousVersion").asText());
            publishReadings(10);
            await().atMost(WAIT).until(() -> results.size() == before + 410);
            assertEquals("nab-ae@9.8.5", lastModel());

            // an operator can shadow a chosen version, here the one promoted from, and end it
            assertEquals(SHIPPED, service(ModelRegistry.class).shadow("nab-ae", null));
            await().atMost(WAIT)
                    .until(() -> state(SHIPPED)
                            .map(s -> s.status() == ModelState.Status.SHADOW)
                            .orElse(false));
            assertEquals(SHIPPED, service(ModelRegistry.class).endShadow("nab-ae"));
            assertEquals(ModelState.Status.STANDBY, state(SHIPPED).get().status());
        } finally {
            onnxConfig.delete();
            b.uninstall();
        }
        await().atMost(WAIT)
                .until(() -> servingVersion().equals(SHIPPED)
                        && service(ModelRegistry.class).models().size() == 1);
    }

    @Test
    @Order(8)
    void aVersionAskedToArriveInShadowDoesNotServeAndAnUninstalledOneIsNoLongerListed() throws Exception {
        // what a canary does: ask first, then install; without shadowNewVersions a higher version would serve
        service(ModelRegistry.class).shadowOnArrival("nab-ae", "9.8.6");
        Bundle b = osgi.context()
                .installBundle(
                        "memory:nab-ae-9.8.6",
                        new ByteArrayInputStream(ModelBundles.bundle(
                                "nab-ae-986",
                                "9.8.6",
                                ModelBundles.withVersion(ModelBundles.descriptor(), "9.8.6"),
                                ModelBundles.onnx())));
        try {
            b.start();
            await().atMost(WAIT)
                    .until(() -> state("9.8.6")
                            .map(s -> s.status() == ModelState.Status.SHADOW)
                            .orElse(false));
            assertEquals(SHIPPED, servingVersion(), "the candidate does not serve");
            assertEquals(
                    SHIPPED,
                    modelEvent("shadow", "9.8.6").get("previousVersion").asText());
            assertEquals("9.8.6", service(ModelRegistry.class).endShadow("nab-ae"));
            assertEquals(ModelState.Status.STANDBY, state("9.8.6").get().status());
            assertEquals(SHIPPED, servingVersion(), "a standby version chosen against does not serve");
        } finally {
            b.uninstall();
        }
        // the uninstall is told (the retained model state follows) and the version leaves the list
        assertEquals(
                "bundle stopped or uninstalled",
                modelEvent("removed", "9.8.6").get("detail").asText());
        await().atMost(WAIT).until(() -> state("9.8.6").isEmpty());
        assertEquals(SHIPPED, servingVersion());
    }

    private static long edgeaiThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("edgeai-"))
                .count();
    }
}
