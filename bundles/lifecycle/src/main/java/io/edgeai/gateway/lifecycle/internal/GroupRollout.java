package io.edgeai.gateway.lifecycle.internal;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.edgeai.gateway.api.GroupMembership;
import io.edgeai.gateway.api.InboundMessage;
import io.edgeai.gateway.api.MqttConnection;

/**
 * Fleet rollout to a gateway group: a signed command on {@code <root>/group/<group>/cmd/<command>} reaches
 * every member, which verifies it exactly as a command addressed to it alone (same {@link CommandVerifier},
 * addressed to {@code group:<group>}) and answers on {@code .../cmd/<command>/response} with its gateway id.
 * {@code deploy} deploys everywhere at once. {@code canary-deploy} deploys on one member first, chosen by
 * rendezvous hashing of the command's nonce over the live members (every member computes the same one). The
 * canary loads the new version as shadow candidate beside the serving one, compares the two on live traffic for
 * a bounded soak and promotes it only when the comparison passes ({@link CanarySoak}); it publishes its verdict
 * with the figures on {@code .../cmd/canary-deploy/verdict}, and the others deploy only on a pass that arrives
 * within the configured wait; otherwise they answer {@code skipped} with the reason. Commands run on the
 * gateway's command thread, one at a time.
 */
final class GroupRollout {
    private static final Logger LOG = LoggerFactory.getLogger(GroupRollout.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String CANARY = "canary-deploy";
    /** Verdicts remembered at most (a verdict may arrive before this member reads the command). */
    private static final int VERDICTS = 256;

    /** Deploys a verified command's artifact (the single-gateway deploy). */
    interface Deployer {
        Map<String, Object> deploy(SignedCommand c) throws CommandRefused;
    }

    /** The canary's deploy: shadow, soak, compare, promote on a pass; the outcome carries {@code pass} and {@code reason}. */
    interface CanaryDeployer {
        Map<String, Object> canaryDeploy(SignedCommand c) throws CommandRefused;
    }

    private final MqttConnection connection;
    private final GroupMembership membership;
    private final Executor worker;
    private final Deployer deployer;
    private final CanaryDeployer canaryDeployer;
    private final CommandVerifier verifier;
    private final String gatewayId;
    private final String root;
    private final long canaryWaitMillis;
    private final Map<String, CompletableFuture<JsonNode>> verdicts = new ConcurrentHashMap<>();

    GroupRollout(
            MqttConnection connection,
            GroupMembership membership,
            Executor worker,
            Deployer deployer,
            CanaryDeployer canaryDeployer,
            LifecycleConfig config,
            String gatewayId) {
        this.connection = connection;
        this.membership = membership;
        this.worker = worker;
        this.deployer = deployer;
        this.canaryDeployer = canaryDeployer;
        this.gatewayId = gatewayId;
        String topicRoot = config.topicRoot().trim();
        this.root = (topicRoot.isEmpty() ? "" : topicRoot + "/") + "group/" + membership.group() + "/cmd";
        this.verifier = new CommandVerifier(
                address(membership.group()),
                config.commandKeys(),
                TimeUnit.SECONDS.toMillis(config.commandMaxAgeSeconds()),
                System::currentTimeMillis);
        // the followers wait at least for the canary's soak and its model load
        this.canaryWaitMillis = TimeUnit.SECONDS.toMillis(
                Math.max(config.canaryWaitSeconds(), Math.max(1, config.canarySoakSeconds()) + 90L));
    }

    /** @return the {@code gateway} field of a group command: {@code group:<group>} */
    static String address(String group) {
        return "group:" + group;
    }

    void start() {
        connection.subscribe(root + "/" + CANARY + "/verdict", 1, this::onVerdict);
        connection.subscribe(root + "/+", 1, this::offer);
        LOG.info(
                "Group commands for group {} accepted on {}/+ when signed by one of {} command keys",
                membership.group(),
                root,
                verifier.keyCount());
    }

    void stop() {
        connection.unsubscribe(root + "/+");
        connection.unsubscribe(root + "/" + CANARY + "/verdict");
        verdicts.values().forEach(f -> f.cancel(false));
    }

    /** MQTT callback thread: hand over, never block. */
    private void offer(InboundMessage m) {
        String name = m.topic().substring(root.length() + 1);
        try {
            worker.execute(() -> handle(name, m.payload()));
        } catch (RejectedExecutionException e) {
            answer(name, null, "refused", "busy: too many commands waiting", Map.of());
        }
    }

    /** MQTT callback thread: a canary's verdict, parsed (small) and handed to the waiting command. */
    private void onVerdict(InboundMessage m) {
        try {
            JsonNode v = MAPPER.readTree(m.payload());
            if (v == null || !v.hasNonNull("nonce")) {
                return;
            }
            if (verdicts.size() > VERDICTS) {
                verdicts.entrySet().removeIf(e -> e.getValue().isDone());
            }
            verdicts.computeIfAbsent(v.get("nonce").asText(), k -> new CompletableFuture<>())
                    .complete(v);
        } catch (IOException | RuntimeException e) {
            LOG.debug("Unreadable canary verdict ignored: {}", e.getMessage());
        }
    }

    private void handle(String name, byte[] payload) {
        SignedCommand c = null;
        try {
            c = SignedCommand.parse(payload);
            verifier.verify(c, name);
            if (!name.equals("deploy") && !name.equals(CANARY)) {
                throw new CommandRefused("unknown group command '" + name + "': deploy or " + CANARY);
            }
        } catch (CommandRefused e) {
            LOG.warn("Group command '{}' refused: {}", name, e.getMessage());
            answer(name, c == null ? null : c.nonce(), "refused", e.getMessage(), Map.of());
            return;
        }
        Map<String, Object> role = new LinkedHashMap<>();
        if (name.equals("deploy")) {
            deploy(c, role);
            return;
        }
        String canary = membership.ownerOf("canary/" + c.nonce());
        role.put("canary", canary);
        if (canary.equals(membership.self())) {
            role.put("role", "canary");
            Map<String, Object> verdict = new LinkedHashMap<>();
            verdict.put("nonce", c.nonce());
            verdict.put("canary", canary);
            verdict.put("gateway", gatewayId);
            verdict.putAll(canary(c, role));
            publish(root + "/" + CANARY + "/verdict", verdict);
            return;
        }
        role.put("role", "follower");
        CompletableFuture<JsonNode> f = verdicts.computeIfAbsent(c.nonce(), k -> new CompletableFuture<>());
        JsonNode v;
        try {
            v = f.get(canaryWaitMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            answer(
                    name,
                    c.nonce(),
                    "skipped",
                    "no verdict from canary " + canary + " within " + canaryWaitMillis / 1000 + " s",
                    role);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (ExecutionException | java.util.concurrent.CancellationException e) {
            return;
        } finally {
            verdicts.remove(c.nonce());
        }
        if (!v.path("pass").asBoolean(false)) {
            answer(
                    name,
                    c.nonce(),
                    "skipped",
                    "canary " + v.path("canary").asText() + " failed: "
                            + v.path("reason").asText(),
                    role);
            LOG.warn(
                    "Group deploy (nonce {}) not carried out: canary {} failed",
                    c.nonce(),
                    v.path("canary").asText());
            return;
        }
        deploy(c, role);
    }

    /**
     * The canary's deploy with its shadow soak; answers like a deploy ({@code failed} when the comparison did
     * not pass).
     *
     * @return the verdict's fields: {@code pass}, {@code reason} and the comparison's figures
     */
    private Map<String, Object> canary(SignedCommand c, Map<String, Object> role) {
        Map<String, Object> verdict = new LinkedHashMap<>();
        try {
            Map<String, Object> result = new LinkedHashMap<>(role);
            result.putAll(canaryDeployer.canaryDeploy(c));
            boolean pass = Boolean.TRUE.equals(result.get("pass"));
            String reason = String.valueOf(result.remove("reason"));
            LOG.info("Group command '{}' (nonce {}) done: {}", c.command(), c.nonce(), result);
            answer(c.command(), c.nonce(), pass ? "ok" : "failed", pass ? "" : reason, result);
            verdict.put("pass", pass);
            verdict.put("reason", reason);
            result.keySet().removeAll(role.keySet());
            result.remove("pass");
            verdict.putAll(result);
        } catch (CommandRefused | IllegalStateException e) {
            LOG.warn("Group command '{}' (nonce {}) failed: {}", c.command(), c.nonce(), e.getMessage());
            answer(c.command(), c.nonce(), "refused", e.getMessage(), role);
            verdict.put("pass", false);
            verdict.put("reason", e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("Group command '{}' (nonce {}) failed", c.command(), c.nonce(), e);
            answer(c.command(), c.nonce(), "failed", "unexpected failure: " + e, role);
            verdict.put("pass", false);
            verdict.put("reason", "unexpected failure: " + e);
        }
        return verdict;
    }

    /** Deploys and answers. */
    private void deploy(SignedCommand c, Map<String, Object> role) {
        try {
            Map<String, Object> result = new LinkedHashMap<>(role);
            result.putAll(deployer.deploy(c));
            LOG.info("Group command '{}' (nonce {}) done: {}", c.command(), c.nonce(), result);
            answer(c.command(), c.nonce(), "ok", "", result);
        } catch (CommandRefused | IllegalStateException e) {
            LOG.warn("Group command '{}' (nonce {}) failed: {}", c.command(), c.nonce(), e.getMessage());
            answer(c.command(), c.nonce(), "refused", e.getMessage(), role);
        } catch (RuntimeException e) {
            LOG.error("Group command '{}' (nonce {}) failed", c.command(), c.nonce(), e);
            answer(c.command(), c.nonce(), "failed", "unexpected failure: " + e, role);
        }
    }

    private void answer(String name, String nonce, String status, String reason, Map<String, Object> result) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("gateway", gatewayId);
        json.put("member", membership.self());
        json.put("group", membership.group());
        json.put("command", name);
        json.put("nonce", nonce);
        json.put("status", status);
        if (!reason.isEmpty()) {
            json.put("reason", reason);
        }
        result.forEach(json::putIfAbsent);
        json.put("ts", System.currentTimeMillis());
        publish(root + "/" + name + "/response", json);
    }

    private void publish(String topic, Map<String, Object> json) {
        try {
            connection.publish(topic, MAPPER.writeValueAsBytes(json), 1, false);
        } catch (JsonProcessingException e) {
            LOG.warn("Group answer on {} not encoded", topic, e);
        }
    }
}
