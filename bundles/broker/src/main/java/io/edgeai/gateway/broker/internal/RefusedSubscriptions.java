package io.edgeai.gateway.broker.internal;

import java.util.ArrayList;
import java.util.List;

import com.hivemq.extension.sdk.api.auth.SubscriptionAuthorizer;
import com.hivemq.extension.sdk.api.auth.parameter.SubscriptionAuthorizerInput;
import com.hivemq.extension.sdk.api.auth.parameter.SubscriptionAuthorizerOutput;

/**
 * Topic filters nobody may subscribe to: such a subscription gets a failure in its SUBACK (0x80 in MQTT 3.1.1,
 * "not authorized" in MQTT 5) instead of being granted. A subscription is refused when its filter, read as a
 * topic name, matches one of the configured filters: with {@code secret/#} configured, {@code secret/a},
 * {@code secret/+} and {@code secret/#} are refused, {@code +/a} and {@code #} are not (this is a list of
 * forbidden filters, not a full access control list).
 */
final class RefusedSubscriptions implements SubscriptionAuthorizer {

    static final RefusedSubscriptions NONE = new RefusedSubscriptions(List.of());

    private final List<String[]> filters;

    private RefusedSubscriptions(List<String[]> filters) {
        this.filters = filters;
    }

    /**
     * @param configured topic filters, comma-separated within or across entries, blanks ignored
     * @throws IllegalArgumentException naming the first one that is not a valid MQTT topic filter
     */
    static RefusedSubscriptions of(String... configured) {
        List<String[]> filters = new ArrayList<>();
        for (String f : String.join(",", configured).split(",")) {
            String filter = f.trim();
            if (filter.isEmpty()) {
                continue;
            }
            String[] levels = filter.split("/", -1);
            for (int i = 0; i < levels.length; i++) {
                String level = levels[i];
                boolean wildcardMisused = (level.contains("#") && (!level.equals("#") || i != levels.length - 1))
                        || (level.contains("+") && !level.equals("+"));
                if (wildcardMisused) {
                    throw new IllegalArgumentException("'" + filter + "' is not an MQTT topic filter: '#' must be a "
                            + "whole last level and '+' a whole level");
                }
            }
            filters.add(levels);
        }
        return new RefusedSubscriptions(List.copyOf(filters));
    }

    boolean isEmpty() {
        return filters.isEmpty();
    }

    /** @return whether a subscription to {@code topicFilter} is refused */
    boolean refuses(String topicFilter) {
        String[] topic = topicFilter.split("/", -1);
        for (String[] filter : filters) {
            if (matches(filter, topic)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(String[] filter, String[] topic) {
        for (int i = 0; i < filter.length; i++) {
            if (filter[i].equals("#")) {
                // "a/#" also matches "a" itself; "$..." topics are matched only by filters naming them
                return i > 0 || !topic[0].startsWith("$");
            }
            if (i >= topic.length) {
                return false;
            }
            if (filter[i].equals("+") ? i == 0 && topic[0].startsWith("$") : !filter[i].equals(topic[i])) {
                return false;
            }
        }
        return filter.length == topic.length;
    }

    @Override
    public void authorizeSubscribe(SubscriptionAuthorizerInput input, SubscriptionAuthorizerOutput output) {
        if (refuses(input.getSubscription().getTopicFilter())) {
            output.failAuthorization();
        } else {
            output.authorizeSuccessfully();
        }
    }
}
