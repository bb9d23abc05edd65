package io.edgeai.gateway.api;

import java.util.regex.Pattern;

/**
 * MQTT shared subscriptions ({@code $share/<group>/<filter>}, MQTT 5 and Mosquitto, EMQX, HiveMQ, VerneMQ
 * for 3.1.1 clients too): the broker hands each message of the filter to one subscriber of the group.
 */
public final class SharedSubscriptions {
    private static final Pattern GROUP = Pattern.compile("[A-Za-z0-9._-]+");

    private SharedSubscriptions() {}

    /**
     * @param shareGroup the share group; empty for a plain subscription
     * @param topicFilter the filter
     * @return {@code $share/<shareGroup>/<topicFilter>}, or the filter itself when the group is empty
     * @throws IllegalArgumentException when the group holds characters a topic level cannot
     */
    public static String filter(String shareGroup, String topicFilter) {
        String g = shareGroup == null ? "" : shareGroup.strip();
        if (g.isEmpty()) {
            return topicFilter;
        }
        if (!GROUP.matcher(g).matches()) {
            throw new IllegalArgumentException("share group '" + g + "' must be letters, digits, '-', '_' or '.'");
        }
        return "$share/" + g + "/" + topicFilter;
    }

    /**
     * @param filter a filter as subscribed
     * @return the filter without a {@code $share/<group>/} prefix (what received topics match)
     */
    public static String unshared(String filter) {
        if (!filter.startsWith("$share/")) {
            return filter;
        }
        int slash = filter.indexOf('/', 7);
        return slash < 0 ? filter : filter.substring(slash + 1);
    }
}
