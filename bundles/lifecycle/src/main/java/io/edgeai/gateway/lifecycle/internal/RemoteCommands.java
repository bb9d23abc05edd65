package io.edgeai.gateway.lifecycle.internal;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.edgeai.gateway.api.InboundMessage;
import io.edgeai.gateway.api.ModelRegistry;
import io.edgeai.gateway.api.ModelState;
import io.edgeai.gateway.api.MqttConnection;
import io.edgeai.gateway.api.Pipeline;
import io.edgeai.gateway.api.ShadowComparison;

/**
 * Remote model commands on {@code <root>/<gateway>/cmd/<command>}: deploy (fetch a model bundle, check its
 * SHA-256, install or update it; the extender then checks the model and its signature as for any bundle),
 * rollback and promote; and detail, the recent raw readings of one series ({@link SeriesDetail}). Authority comes
 * from the command's signature ({@link CommandVerifier}), never from access to the topic. The answer goes to {@code <root>/<gateway>/cmd/<command>/response}, or to the signed
 * command's response topic. Commands run one at a time on an owned thread; the MQTT callback only hands over.
 */
@Component(
        service = {},
        immediate = true,
        configurationPid = "edgeai.lifecycle")
public final class RemoteCommands {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteCommands.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** How long a deploy waits for the extender to load or refuse the model before answering. */
    private static final long MODEL_OUTCOME_MILLIS = 60_000;

    private final MqttConnection connection;
    private final ModelRegistry registry;
    private final BundleContext context;
    private final LifecycleConfig config;
    private final String gatewayId;
    private final String commandRoot;
    private final CommandVerifier verifier;
    private final ThreadPoolExecutor worker;
    private final GroupRollout group;
    private final CanarySoak.Criteria canaryCriteria;
    /** Running pipelines: their shadow comparisons are a canary's evidence. */
    @Reference(service = Pipeline.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    private volatile List<Pipeline> pipelines = List.of();

    /**
     * @param connection the broker connection selected by {@code connection.target}
     * @param registry the model registry (rollback, promote, model outcome of a deploy)
     * @param context this bundle's context, to install model bundles
     * @param config gateway id, keys and bounds
     */
    @Activate
    public RemoteCommands(
            @Reference(name = "connection") MqttConnection connection,
            @Reference(name = "registry") ModelRegistry registry,
            BundleContext context,
            LifecycleConfig config) {
        this.connection = Topics.lane(connection, config);
        this.registry = registry;
        this.context = context;
        this.config = config;
        this.gatewayId = Topics.gatewayId(config);
        this.commandRoot = Topics.commands(config);
        this.verifier = new CommandVerifier(
                gatewayId,
                config.commandKeys(),
                TimeUnit.SECONDS.toMillis(config.commandMaxAgeSeconds()),
                System::currentTimeMillis);
        this.canaryCriteria = CanarySoak.Criteria.of(config);
        this.worker = new ThreadPoolExecutor(
                1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(8), r -> new Thread(r, "edgeai-commands"));
        if (config.commandsEnabled()) {
            this.connection.subscribe(commandRoot + "/+", 1, this::offer);
            LOG.info(
                    "Model commands accepted on {}/+ when signed by one of {} command keys",
                    commandRoot,
                    verifier.keyCount());
        }
        this.group = config.commandsEnabled() && config.groupCommandsEnabled()
                ? this.connection
                        .membership()
                        .map(m -> new GroupRollout(
                                this.connection, m, worker, this::deploy, this::canaryDeploy, config, gatewayId))
                        .orElse(null)
                : null;
        if (group != null) {
            group.start();
        }
    }

    /** Stops listening and waits for a running command. */
    @Deactivate
    void deactivate() {
        if (config.commandsEnabled()) {
            connection.unsubscribe(commandRoot + "/+");
        }
        if (group != null) {
            group.stop();
        }
        worker.shutdown();
        try {
            if (!worker.awaitTermination(MODEL_OUTCOME_MILLIS + 5000, TimeUnit.MILLISECONDS)) {
                worker.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** MQTT callback thread: hand over, never block. */
    private void offer(InboundMessage m) {
        String name = m.topic().substring(commandRoot.length() + 1);
        try {
            worker.execute(() -> handle(name, m.payload()));
        } catch (RejectedExecutionException e) {
            answer(name, null, "refused", "busy: too many commands waiting", Map.of());
        }
    }

    private void handle(String name, byte[] payload) {
        SignedCommand c = null;
        try {
            c = SignedCommand.parse(payload);
            verifier.verify(c, name);
        } catch (CommandRefused e) {
            LOG.warn("Model command '{}' refused: {}", name, e.getMessage());
            // unverified: the answer goes to the default topic, never to one the sender chose
            answer(name, c == null ? null : c.nonce(), "refused", e.getMessage(), Map.of());
            return;
        }
        try {
            Map<String, Object> result = switch (name) {
                case "deploy" -> deploy(c);
                case "rollback" -> Map.of("model", c.model(), "version", registry.rollback(model(c)));
                case "promote" -> Map.of("model", c.model(), "version", registry.promote(model(c)));
                case "detail" -> new SeriesDetail(() -> pipelines).serve(c);
                default ->
                    throw new CommandRefused("unknown command '" + name + "': deploy, rollback, promote or detail");
            };
            Object done = c.series().isEmpty() ? result : c.series(); // a detail's readings: answer only, no log
            LOG.info("Model command '{}' (nonce {}) done: {}", name, c.nonce(), done);
            answer(c, "ok", "", result);
        } catch (CommandRefused | IllegalStateException e) {
            LOG.warn("Model command '{}' (nonce {}) failed: {}", name, c.nonce(), e.getMessage());
            answer(c, "refused", e.getMessage(), Map.of());
        } catch (RuntimeException e) {
            LOG.error("Model command '{}' (nonce {}) failed", name, c.nonce(), e);
            answer(c, "failed", "unexpected failure: " + e, Map.of());
        }
    }

    private static String model(SignedCommand c) throws CommandRefused {
        if (c.model().isEmpty()) {
            throw new CommandRefused("model missing");
        }
        return c.model();
    }

    /** Deploys the command's artifact (also for group commands); @return the outcome for the answer */
    Map<String, Object> deploy(SignedCommand c) throws CommandRefused {
        Artifacts.ModelJar jar = Artifacts.fetch(c.artifact(), c.sha256(), config.maxArtifactBytes());
        Bundle b = install(c.artifact(), jar);
        ModelState outcome = awaitModel(c.artifact(), jar.modelVersion());
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("bundle", jar.symbolicName() + " " + jar.version());
        result.put("bundleId", b.getBundleId());
        if (outcome == null) {
            result.put("modelStatus", "PENDING");
            return result;
        }
        if (outcome.status() == ModelState.Status.FAILED) {
            throw new CommandRefused(
                    "model " + outcome.name() + "@" + outcome.version() + " refused: " + outcome.detail());
        }
        result.put("model", outcome.name());
        result.put("version", outcome.version());
        result.put("modelStatus", outcome.status().name());
        return result;
    }

    private Bundle install(String location, Artifacts.ModelJar jar) throws CommandRefused {
        Bundle b = context.getBundle(location);
        try {
            if (b == null) {
                b = context.installBundle(location, new ByteArrayInputStream(jar.bytes()));
            } else {
                b.update(new ByteArrayInputStream(jar.bytes()));
            }
            b.start();
            return b;
        } catch (BundleException | SecurityException e) {
            throw new CommandRefused(
                    "bundle " + jar.symbolicName() + " " + jar.version() + " not installed: " + e.getMessage());
        }
    }

    /**
     * The canary's part of a canary-deploy: installs the new version as the shadow candidate beside the serving
     * one, soaks it on live traffic ({@link CanarySoak}) and promotes it only when the comparison passes. On a
     * failure the new bundle is uninstalled again, so the canary is left as it was.
     *
     * @return the outcome: {@code pass}, {@code reason}, the comparison's figures and the serving version
     * @throws CommandRefused when the artifact cannot be installed, is refused, or nothing serves to compare with
     */
    Map<String, Object> canaryDeploy(SignedCommand c) throws CommandRefused {
        Artifacts.ModelJar jar = Artifacts.fetch(c.artifact(), c.sha256(), config.maxArtifactBytes());
        if (jar.modelName().isEmpty() || jar.modelVersion().isEmpty()) {
            throw new CommandRefused("the artifact's model descriptor names no model and version");
        }
        String name = jar.modelName();
        String candidate = name + "@" + jar.modelVersion();
        if (context.getBundle(c.artifact()) != null) {
            throw new CommandRefused("artifact " + c.artifact() + " is installed already: a canary compares a new "
                    + "artifact with the serving version");
        }
        ModelState live = state(name, ModelState.Status.ACTIVE);
        if (live == null) {
            throw new CommandRefused("model " + name + " does not serve on the canary: nothing to compare with");
        }
        if (live.version().equals(jar.modelVersion())) {
            throw new CommandRefused("version " + jar.modelVersion() + " of " + name + " serves already");
        }
        registry.shadowOnArrival(name, jar.modelVersion());
        Bundle b;
        try {
            b = install(c.artifact(), jar);
        } catch (CommandRefused e) {
            registry.endShadow(name);
            throw e;
        }
        ModelState outcome = awaitModel(c.artifact(), jar.modelVersion());
        if (outcome == null || outcome.status() != ModelState.Status.SHADOW) {
            withdraw(name, b);
            throw new CommandRefused(
                    outcome == null
                            ? "model " + candidate + " did not load within " + MODEL_OUTCOME_MILLIS / 1000 + " s"
                            : outcome.status() == ModelState.Status.FAILED
                                    ? "model " + candidate + " refused: " + outcome.detail()
                                    : "model " + candidate + " arrived as " + outcome.status()
                                            + ", not as shadow candidate");
        }
        LOG.info(
                "Canary: {} scores live traffic in shadow beside {}@{} (at least {} readings, at most {} s)",
                candidate,
                name,
                live.version(),
                canaryCriteria.minCompared(),
                canaryCriteria.soakMillis() / 1000);
        try {
            return soakAndJudge(jar, name, candidate, b);
        } catch (RuntimeException e) {
            withdraw(name, b);
            throw e;
        }
    }

    /** The soak, then promotion on a pass or withdrawal of the candidate. */
    private Map<String, Object> soakAndJudge(Artifacts.ModelJar jar, String name, String candidate, Bundle b)
            throws CommandRefused {
        CanarySoak.Verdict v;
        try {
            v = CanarySoak.soak(
                    candidate,
                    this::shadowComparisons,
                    () -> state(name, ModelState.Status.SHADOW) != null,
                    canaryCriteria,
                    System::currentTimeMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            withdraw(name, b);
            throw new CommandRefused("interrupted during the canary soak");
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("bundle", jar.symbolicName() + " " + jar.version());
        result.put("model", name);
        result.put("candidate", jar.modelVersion());
        result.put("pass", v.pass());
        result.put("reason", v.reason());
        result.putAll(v.figures(canaryCriteria));
        if (v.pass()) {
            result.put("version", registry.promote(name));
            result.put("modelStatus", ModelState.Status.ACTIVE.name());
            LOG.info("Canary: {} promoted: {}", candidate, v.reason());
        } else {
            withdraw(name, b);
            ModelState now = state(name, ModelState.Status.ACTIVE);
            result.put("version", now == null ? "" : now.version());
            result.put("modelStatus", now == null ? "NONE" : now.status().name());
            LOG.warn("Canary: {} not promoted, {} keeps serving: {}", candidate, result.get("version"), v.reason());
        }
        return result;
    }

    /** Ends the candidate's shadow scoring and uninstalls its bundle. */
    private void withdraw(String name, Bundle b) {
        try {
            registry.endShadow(name);
        } catch (IllegalStateException e) {
            LOG.warn("Canary: shadow of {} not ended: {}", name, e.getMessage());
        }
        try {
            b.uninstall();
        } catch (BundleException | IllegalStateException e) {
            LOG.warn("Canary: bundle {} not uninstalled: {}", b.getLocation(), e.getMessage());
        }
    }

    private ModelState state(String name, ModelState.Status status) {
        for (ModelState s : registry.models()) {
            if (s.name().equals(name) && s.status() == status) {
                return s;
            }
        }
        return null;
    }

    private List<ShadowComparison> shadowComparisons() {
        List<ShadowComparison> all = new ArrayList<>();
        for (Pipeline p : pipelines) {
            all.addAll(p.shadowComparisons());
        }
        return all;
    }

    /**
     * @param modelVersion the version the new content's descriptor declares; empty when unreadable, then any
     *        state of the bundle is its outcome (an update's old state may show first)
     * @return the model state of the bundle at {@code location} once loaded or refused, null when it takes too long
     */
    private ModelState awaitModel(String location, String modelVersion) {
        long deadline = System.currentTimeMillis() + MODEL_OUTCOME_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            for (ModelState s : registry.models()) {
                if (s.source().equals(location)
                        && s.status() != ModelState.Status.LOADING
                        && (modelVersion.isEmpty() || s.version().equals(modelVersion))) {
                    return s;
                }
            }
            try {
                TimeUnit.MILLISECONDS.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    private void answer(SignedCommand c, String status, String reason, Map<String, Object> result) {
        String topic = c.responseTopic().isEmpty() || c.responseTopic().matches(".*[#+].*")
                ? commandRoot + "/" + c.command() + "/response"
                : c.responseTopic();
        publish(topic, c.command(), c.nonce(), status, reason, result);
    }

    private void answer(String name, String nonce, String status, String reason, Map<String, Object> result) {
        publish(commandRoot + "/" + name + "/response", name, nonce, status, reason, result);
    }

    private void publish(
            String topic, String name, String nonce, String status, String reason, Map<String, Object> result) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("gateway", gatewayId);
        json.put("command", name);
        json.put("nonce", nonce);
        json.put("status", status);
        if (!reason.isEmpty()) {
            json.put("reason", reason);
        }
        json.putAll(result);
        json.put("ts", System.currentTimeMillis());
        try {
            connection.publish(topic, MAPPER.writeValueAsBytes(json), 1, false);
        } catch (JsonProcessingException e) {
            LOG.warn("Answer to model command '{}' not encoded", name, e);
        }
    }
}
