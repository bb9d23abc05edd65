package io.edgeai.gateway.mqtt.internal.group;

import java.util.regex.Pattern;

/** Checks of a connection's group settings. */
public final class GroupSettings {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

    private GroupSettings() {}

    /**
     * @param group the group's name
     * @param statusTopicTemplate the status topic with its {@code {clientId}} placeholder
     * @return the filter matching every gateway's status topic
     * @throws IllegalArgumentException when the group name could break a topic, or the status topic does
     *         not name the client (members could not tell each other apart)
     */
    public static String statusFilter(String group, String statusTopicTemplate) {
        if (!NAME.matcher(group).matches()) {
            throw new IllegalArgumentException("group '" + group + "' must be letters, digits, '-', '_' or '.'");
        }
        String t = statusTopicTemplate.strip();
        if (t.isEmpty() || !t.contains("{clientId}")) {
            throw new IllegalArgumentException(
                    "group '" + group + "' needs a status topic with {clientId}, got '" + t + "'");
        }
        return t.replace("{clientId}", "+");
    }
}
