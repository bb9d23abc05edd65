package io.edgeai.gateway.metrics.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.osgi.framework.Bundle;

import io.edgeai.gateway.api.ConnectionState;
import io.edgeai.gateway.api.ConnectionStatus;
import io.edgeai.gateway.api.ModelRunner;
import io.edgeai.gateway.api.MqttConnection;
import io.edgeai.gateway.api.Pipeline;
import io.edgeai.gateway.api.PipelineStatus;

/**
 * The gateway is healthy when every one of its bundles is active, every broker connection is up, at least
 * one model serves, and every configured pipeline runs with a model. Each check says what it saw, so an operator reading
 * {@code /health} knows what to look at.
 */
final class HealthCheck {

    private HealthCheck() {}

    /**
     * One check's outcome.
     *
     * @param name what was checked
     * @param ok whether it passed
     * @param detail what was seen
     */
    record Check(String name, boolean ok, String detail) {}

    /**
     * @param s the services
     * @return the checks, in a fixed order
     */
    static List<Check> run(GatewayServices s) {
        List<Check> checks = new ArrayList<>();
        List<String> inactive = new ArrayList<>();
        for (Bundle b : s.bundles()) {
            boolean fragment = b.getHeaders("").get("Fragment-Host") != null;
            if (!fragment && b.getState() != Bundle.ACTIVE) {
                inactive.add(b.getSymbolicName());
            }
        }
        checks.add(new Check(
                "bundles",
                inactive.isEmpty(),
                inactive.isEmpty() ? s.bundles().size() + " active" : "not active: " + String.join(", ", inactive)));

        List<String> down = new ArrayList<>();
        for (MqttConnection c : s.connections()) {
            ConnectionStatus st = c.status();
            if (st.state() != ConnectionState.CONNECTED) {
                down.add(st.name() + " " + st.state() + (st.lastError().isEmpty() ? "" : " (" + st.lastError() + ")"));
            }
        }
        boolean anyConnection = !s.connections().isEmpty();
        checks.add(new Check(
                "broker",
                anyConnection && down.isEmpty(),
                !anyConnection
                        ? "no broker connection"
                        : down.isEmpty()
                                ? connectedDetail(s.connections())
                                : "not connected: " + String.join(", ", down)));

        // each version once (a version can be offered by more than one service: serving and shadow scoring)
        java.util.Set<String> models = new java.util.LinkedHashSet<>();
        for (ModelRunner m : s.models()) {
            models.add(m.info().id());
        }
        checks.add(new Check(
                "models",
                !models.isEmpty(),
                models.isEmpty() ? "no model is serving" : "serving: " + String.join(", ", models)));

        List<String> problems = new ArrayList<>();
        List<String> running = new ArrayList<>();
        for (Pipeline p : s.pipelines()) {
            PipelineStatus st = p.status();
            running.add(st.name());
            if (!st.problem().isEmpty()) {
                // a refused configuration: not running at all, or running on settings other than the ones given
                problems.add(st.name() + ": configuration " + st.problem());
            } else if (st.model().isEmpty()) {
                problems.add(st.name() + " has no model");
            }
        }
        for (String configured : s.configuredPipelines()) {
            if (!running.contains(configured)) {
                // a pipeline whose connection or model is missing is not activated at all
                problems.add(configured + " is configured but not running (connection or model missing?)");
            }
        }
        checks.add(new Check(
                "pipelines",
                problems.isEmpty(),
                problems.isEmpty() ? running.size() + " running" : String.join("; ", problems)));
        return checks;
    }

    /**
     * @param checks the checks
     * @return whether all passed
     */
    static boolean healthy(List<Check> checks) {
        return checks.stream().allMatch(Check::ok);
    }

    /**
     * @param checks the checks
     * @return the JSON body of {@code /health}: {@code {"status":"UP"|"DOWN","checks":{name:{ok,detail}}}}
     */
    static Map<String, Object> body(List<Check> checks) {
        Map<String, Object> byName = new LinkedHashMap<>();
        for (Check c : checks) {
            byName.put(c.name(), Map.of("ok", c.ok(), "detail", c.detail()));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", healthy(checks) ? "UP" : "DOWN");
        body.put("checks", byName);
        return body;
    }

    /** "3 connected (local, local.control, local.text)": the lanes of a connection count as connections. */
    private static String connectedDetail(List<MqttConnection> connections) {
        List<String> names = new ArrayList<>();
        for (MqttConnection c : connections) {
            names.add(c.name());
        }
        Collections.sort(names);
        return connections.size() + " connected (" + String.join(", ", names) + ")";
    }
}
