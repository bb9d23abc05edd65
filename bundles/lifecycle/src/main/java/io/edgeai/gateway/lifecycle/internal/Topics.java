package io.edgeai.gateway.lifecycle.internal;

import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.edgeai.gateway.api.MqttConnection;

/** The lifecycle topics of this gateway. */
final class Topics {
    private static final Logger LOG = LoggerFactory.getLogger(Topics.class);
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]+");

    private Topics() {}

    /**
     * @return the configured gateway id
     * @throws IllegalArgumentException when it could break a topic (wildcards, separators, empty)
     */
    static String gatewayId(LifecycleConfig config) {
        String id = config.gatewayId().trim();
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("gatewayId '" + id + "' must be letters, digits, '-', '_' or '.'");
        }
        return id;
    }

    /** @return {@code <root>/<gateway>} */
    static String base(LifecycleConfig config) {
        String root = config.topicRoot().trim();
        return (root.isEmpty() ? "" : root + "/") + gatewayId(config);
    }

    /** @return {@code <root>/<gateway>/models} */
    static String models(LifecycleConfig config) {
        return base(config) + "/models";
    }

    /** @return {@code <root>/<gateway>/cmd} */
    static String commands(LifecycleConfig config) {
        return base(config) + "/cmd";
    }

    /**
     * The lane of {@code connection} the lifecycle talks on. A lane name that is not one is refused with one
     * ERROR line naming the PID and property, and the connection itself is used: commands keep working.
     *
     * @param connection the configured connection
     * @param config names the lane
     * @return the lane, or the connection itself
     */
    static MqttConnection lane(MqttConnection connection, LifecycleConfig config) {
        try {
            return connection.lane(config.lane().strip());
        } catch (IllegalArgumentException e) {
            LOG.error(
                    "edgeai.lifecycle: lane refused ({}); commands and model status use connection {} itself until "
                            + "it is corrected",
                    e.getMessage(),
                    connection.name());
            return connection;
        }
    }
}
