package io.edgeai.gateway.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.edgeai.gateway.api.ModelRunner;

/**
 * Remote deploy over MQTT against the distribution: a model bundle at a {@code file:} URL is deployed by a
 * command signed with a command key; commands signed by another key, altered after signing, naming the
 * wrong SHA-256 or an unsupported URL, or replayed are refused with their reasons; an unsigned model that
 * arrives this way is refused by the model runtime's secure mode as any other; rollback works remotely.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RemoteDeployIT extends KarafTestSupport {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String GATEWAY = "it-gw";
    private static final String CMD = "edgeai/" + GATEWAY + "/cmd/";

    private final Map<String, JsonNode> answers = new ConcurrentHashMap<>();
    private final Map<String, JsonNode> events = new ConcurrentHashMap<>();

    @Override
    protected Option[] extraOptions() {
        List<Option> options = new ArrayList<>(TestModels.options());
        options.addAll(List.of(SignedCommands.options(GATEWAY)));
        return options.toArray(new Option[0]);
    }

    /** @return a command signed with the command key the gateway is configured with */
    private static Map<String, Object> command(String command, String model, String artifact, String sha256)
            throws Exception {
        return SignedCommands.command(GATEWAY, command, model, artifact, sha256);
    }

    /** Publishes a command and waits for its answer (matched by nonce). */
    private JsonNode send(MqttClient client, Map<String, Object> c) throws Exception {
        client.publish(CMD + c.get("command"), MAPPER.writeValueAsBytes(c), 1, false);
        String nonce = (String) c.get("nonce");
        return Poll.until(
                "answer to " + c.get("command") + " " + nonce, Duration.ofSeconds(90), () -> answers.get(nonce));
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private String servingVersion() {
        try {
            // the distribution has several models (encoders, heads): ask for the serving anomaly model
            java.util.Collection<ServiceReference<ModelRunner>> refs = bundleContext.getServiceReferences(
                    ModelRunner.class, "(&(edgeai.model.name=nab-ae)(edgeai.model.serving=true))");
            return refs.stream()
                    .max(java.util.Comparator.naturalOrder())
                    .map(ref -> String.valueOf(ref.getProperty("edgeai.model.version")))
                    .orElse("");
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the Compared column of the candidate's row in edgeai:model-compare output, -1 without one */
    private static long comparedReadings(String table, String candidate) {
        for (String line : table.split("\\R")) {
            String[] cells = line.split("\\|");
            if (cells.length > 3 && cells[2].trim().equals(candidate)) {
                return Long.parseLong(cells[3].trim());
            }
        }
        return -1;
    }

    @Test
    public void signedCommandsDeployAndRollBackAndEverythingElseIsRefusedWithAReason() throws Exception {
        String shipped = Poll.until("shipped model serving", BOOT_TIMEOUT, () -> {
            String v = servingVersion();
            return v.isEmpty() ? null : v;
        });
        Path dir = Files.createTempDirectory("remote-deploy");
        byte[] signedModel = TestModels.version("nab-ae-remote", "7.7.0");
        Path jar = Files.write(dir.resolve("nab-ae-7.7.0.jar"), signedModel);
        String url = jar.toUri().toString();
        MqttClient client = embeddedBrokerClient("remote-deploy-it");
        try {
            client.subscribe(CMD + "+/response", 1, (topic, msg) -> {
                JsonNode a = MAPPER.readTree(msg.getPayload());
                answers.put(a.path("nonce").asText(), a);
            });
            client.subscribe("edgeai/" + GATEWAY + "/models/events", 1, (topic, msg) -> {
                JsonNode e = MAPPER.readTree(msg.getPayload());
                events.put(e.get("event").asText() + " " + e.get("version").asText(), e);
            });

            // the gateway subscribes asynchronously: probe with a command signed by a stranger until it answers
            KeyPair stranger = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            List<String> probes = new CopyOnWriteArrayList<>();
            long[] lastProbe = {0};
            JsonNode strangerAnswer = Poll.until("command topic answering", BOOT_TIMEOUT, () -> {
                for (String nonce : probes) {
                    if (answers.containsKey(nonce)) {
                        return answers.get(nonce);
                    }
                }
                if (System.nanoTime() - lastProbe[0] > 1_000_000_000L) {
                    Map<String, Object> c = SignedCommands.command(
                            stranger.getPrivate(),
                            stranger.getPublic(),
                            GATEWAY,
                            "deploy",
                            "",
                            url,
                            sha256(signedModel));
                    probes.add((String) c.get("nonce"));
                    client.publish(CMD + "deploy", MAPPER.writeValueAsBytes(c), 1, false);
                    lastProbe[0] = System.nanoTime();
                }
                return null;
            });
            assertEquals("refused", strangerAnswer.get("status").asText());
            assertTrue(
                    strangerAnswer.toString(),
                    strangerAnswer.get("reason").asText().contains("not among the 1 command keys"));

            // altered after signing: another artifact under the same signature
            Map<String, Object> altered = command("deploy", "", url, sha256(signedModel));
            altered.put("artifact", url + ".other");
            JsonNode a = send(client, altered);
            assertTrue(a.toString(), a.get("reason").asText().startsWith("bad signature"));

            JsonNode wrongSha = send(client, command("deploy", "", url, sha256(new byte[] {1})));
            assertEquals("refused", wrongSha.get("status").asText());
            assertTrue(wrongSha.toString(), wrongSha.get("reason").asText().startsWith("sha256 mismatch"));

            JsonNode http = send(client, command("deploy", "", "http://127.0.0.1:1/x.jar", sha256(signedModel)));
            assertTrue(http.toString(), http.get("reason").asText().contains("mvn: coordinate or a file: URL"));
            assertEquals(shipped, servingVersion());

            // a valid command deploys: the model is loaded, checked (signature included) and serves
            Map<String, Object> deploy = command("deploy", "", url, sha256(signedModel));
            JsonNode ok = send(client, deploy);
            assertEquals(ok.toString(), "ok", ok.get("status").asText());
            assertEquals("7.7.0", ok.get("version").asText());
            assertEquals("ACTIVE", ok.get("modelStatus").asText());
            assertEquals("7.7.0", servingVersion());
            JsonNode swapped = Poll.until("swap event", TIMEOUT, () -> events.get("swapped 7.7.0"));
            assertEquals(shipped, swapped.get("previousVersion").asText());

            // the same command again is a replay
            answers.remove(deploy.get("nonce"));
            JsonNode replay = send(client, deploy);
            assertEquals("refused", replay.get("status").asText());
            assertTrue(replay.toString(), replay.get("reason").asText().startsWith("replayed"));

            // an unsigned model arriving by a valid command meets secure mode like any other
            Path unsigned = Files.write(
                    dir.resolve("nab-ae-7.8.0.jar"),
                    TestModels.bundle(
                            "nab-ae-unsigned",
                            "7.8.0",
                            TestModels.withVersion(TestModels.descriptor(), "7.8.0"),
                            TestModels.onnx(),
                            null));
            JsonNode refused = send(
                    client, command("deploy", "", unsigned.toUri().toString(), sha256(Files.readAllBytes(unsigned))));
            assertEquals("refused", refused.get("status").asText());
            assertTrue(refused.toString(), refused.get("reason").asText().contains("unsigned"));
            assertEquals("7.7.0", servingVersion());

            JsonNode rollback = send(client, command("rollback", "nab-ae", "", ""));
            assertEquals(rollback.toString(), "ok", rollback.get("status").asText());
            assertEquals(shipped, rollback.get("version").asText());
            assertEquals(shipped, servingVersion());
            assertTrue(executeCommand("edgeai:models").contains("7.7.0"));

            // shadow from the console, compared on live readings, promoted remotely
            assertTrue(
                    executeCommand("edgeai:model-shadow nab-ae 7.7.0").contains("7.7.0 scores live traffic in shadow"));
            int[] sent = {0};
            String compare = Poll.until("shadow figures", Duration.ofSeconds(60), () -> {
                for (int i = 0; i < 100; i++, sent[0]++) {
                    client.publish(
                            "sensors/shadow-it/temp",
                            ("{\"value\":" + (20 + Math.sin(sent[0] / 7.0)) + "}").getBytes(StandardCharsets.UTF_8),
                            0,
                            false);
                }
                String out = executeCommand("edgeai:model-compare nab-ae");
                return comparedReadings(out, "nab-ae@7.7.0") > 0 ? out : null;
            });
            assertTrue(compare, compare.contains("nab-ae@" + shipped));
            JsonNode promote = send(client, command("promote", "nab-ae", "", ""));
            assertEquals(promote.toString(), "ok", promote.get("status").asText());
            assertEquals("7.7.0", promote.get("version").asText());
            assertEquals("7.7.0", servingVersion());
            assertTrue(Poll.until("promoted event", TIMEOUT, () -> events.get("promoted 7.7.0")) != null);
            client.disconnect();
        } finally {
            if (client.isConnected()) {
                client.disconnectForcibly(1000);
            }
            client.close();
        }
    }
}
