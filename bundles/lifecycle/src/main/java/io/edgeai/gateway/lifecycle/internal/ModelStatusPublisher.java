package io.edgeai.gateway.lifecycle.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.edgeai.gateway.api.ModelEvent;
import io.edgeai.gateway.api.ModelListener;
import io.edgeai.gateway.api.ModelRegistry;
import io.edgeai.gateway.api.ModelState;
import io.edgeai.gateway.api.MqttConnection;

/**
 * Tells the broker about the models: every {@link ModelEvent} (load, refusal with its reason, swap,
 * rollback, shadow, promotion) on {@code <root>/<gateway>/models/events} at QoS 1, and the state of every
 * model version, retained, on {@code <root>/<gateway>/models} after each change. Publishing only queues, so
 * the model loader thread that calls this never waits for the network.
 */
@Component(service = ModelListener.class, immediate = true, configurationPid = "edgeai.lifecycle")
@Designate(ocd = LifecycleConfig.class)
public final class ModelStatusPublisher implements ModelListener {
    private static final Logger LOG = LoggerFactory.getLogger(ModelStatusPublisher.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final MqttConnection connection;
    /** Dynamic: the registry calls this listener while it activates, so a static reference would be circular. */
    private volatile ModelRegistry registry;

    private final String gatewayId;
    private final String stateTopic;
    private final String eventTopic;

    /**
     * @param connection the broker connection selected by {@code connection.target}
     * @param config gateway id and topic root
     */
    @Activate
    public ModelStatusPublisher(@Reference(name = "connection") MqttConnection connection, LifecycleConfig config) {
        this.connection = Topics.lane(connection, config);
        this.gatewayId = Topics.gatewayId(config);
        this.stateTopic = Topics.models(config);
        this.eventTopic = stateTopic + "/events";
    }

    /** @param r the model registry whose state is published */
    @Reference(
            name = "registry",
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindRegistry(ModelRegistry r) {
        registry = r;
        publishState();
    }

    void unbindRegistry(ModelRegistry r) {
        if (registry == r) {
            registry = null;
        }
    }

    @Override
    public void modelChanged(ModelEvent event) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("gateway", gatewayId);
        json.put("event", event.type().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        json.put("model", event.name());
        json.put("version", event.version());
        if (!event.previousVersion().isEmpty()) {
            json.put("previousVersion", event.previousVersion());
        }
        if (!event.detail().isEmpty()) {
            json.put(event.type() == ModelEvent.Type.REFUSED ? "reason" : "detail", event.detail());
        }
        json.put("ts", event.epochMillis());
        publish(eventTopic, json, false);
        publishState();
    }

    private void publishState() {
        ModelRegistry r = registry;
        if (r == null) {
            return;
        }
        List<ModelState> models = r.models();
        List<Map<String, Object>> list = new java.util.ArrayList<>();
        for (ModelState m : models) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", m.name());
            e.put("version", m.version());
            e.put("status", m.status().name());
            e.put("detail", m.detail());
            if (m.info() != null) {
                e.put("sha256", m.info().sha256());
                e.put("provider", m.info().provider());
            }
            e.put("source", m.source());
            list.add(e);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("gateway", gatewayId);
        json.put("ts", System.currentTimeMillis());
        json.put("models", list);
        publish(stateTopic, json, true);
    }

    private void publish(String topic, Map<String, Object> json, boolean retained) {
        try {
            if (!connection.publish(topic, MAPPER.writeValueAsBytes(json), 1, retained)) {
                LOG.debug("Model status for {} dropped: publish queue full", topic);
            }
        } catch (JsonProcessingException e) {
            LOG.warn("Model status for {} not encoded", topic, e);
        }
    }
}
