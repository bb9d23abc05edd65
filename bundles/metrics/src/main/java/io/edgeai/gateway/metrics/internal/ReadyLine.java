package io.edgeai.gateway.metrics.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * What the console says once the gateway has started: ready (every health check passes) with its pipelines
 * and where health is, or started with what is failing; and, while no console user exists, that
 * {@code bin/client} and SSH refuse logins and what to do. One or two lines: a newcomer reads them at the
 * prompt instead of finding them in karaf.log after a refused login.
 */
final class ReadyLine {

    /** The console commands that add an administrator (one line; the password is stored hashed). */
    static final String ADD_USER = "jaas:realm-manage --realm karaf; jaas:user-add admin YOUR-PASSWORD; "
            + "jaas:group-add admin admingroup; jaas:group-role-add admingroup admin; "
            + "jaas:group-role-add admingroup ssh; jaas:update";

    private ReadyLine() {}

    /**
     * @param checks the health checks at this moment
     * @param healthUrl the health endpoint, or empty when HTTP is off
     * @param noUsers whether etc/users.properties holds no user
     * @param ssh the SSH address ({@code host:port})
     * @return the lines to print
     */
    static List<String> of(List<HealthCheck.Check> checks, String healthUrl, boolean noUsers, String ssh) {
        List<String> lines = new ArrayList<>();
        String where = healthUrl.isEmpty() ? "" : "; health " + healthUrl;
        if (HealthCheck.healthy(checks)) {
            String pipelines = checks.stream()
                    .filter(c -> c.name().equals("pipelines"))
                    .map(HealthCheck.Check::detail)
                    .findFirst()
                    .orElse("");
            String broker = checks.stream()
                    .filter(c -> c.name().equals("broker"))
                    .map(HealthCheck.Check::detail)
                    .findFirst()
                    .orElse("");
            lines.add("EdgeAI Gateway ready: pipelines " + pipelines + ", broker " + broker + where
                    + "; edgeai:status and edgeai:pipelines for more");
        } else {
            List<String> failing = new ArrayList<>();
            for (HealthCheck.Check c : checks) {
                if (!c.ok()) {
                    failing.add(c.name() + ": " + c.detail());
                }
            }
            lines.add("EdgeAI Gateway started but not healthy: " + String.join("; ", failing) + where);
        }
        if (noUsers) {
            lines.add("No console users yet: bin/client and SSH (" + ssh + ") refuse every login. To add one, type at "
                    + "this prompt: " + ADD_USER);
        }
        return lines;
    }
}
