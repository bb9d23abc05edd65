package io.edgeai.gateway.lifecycle.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Model lifecycle over MQTT (PID {@code edgeai.lifecycle}): status topics and remote commands. */
@ObjectClassDefinition(
        id = "edgeai.lifecycle",
        name = "EdgeAI model lifecycle over MQTT",
        description = "Publishes model status and events, and accepts signed deploy, rollback and promote commands.")
public @interface LifecycleConfig {
    /** @return this gateway's id in topics */
    @AttributeDefinition(
            name = "Gateway id",
            description =
                    "This gateway's id: topics are <topic root>/<gateway id>/models and <topic root>/<gateway id>/cmd/<command>. Letters, digits, '-', '_' and '.'.")
    String gatewayId() default "gateway";

    /** @return topic root */
    @AttributeDefinition(name = "Topic root", description = "First level of the status and command topics.")
    String topicRoot() default "edgeai";

    /** @return connection filter */
    @AttributeDefinition(
            name = "Connection",
            description = "LDAP filter selecting the broker connection to publish and listen on.")
    String connection_target() default "(edgeai.connection.name=local)";

    /** @return the lane of the connection control traffic uses */
    @AttributeDefinition(
            name = "Lane",
            description = "Lane of the connection that commands, their answers and model "
                    + "status use: a session of its own with the same broker (client id <clientId>-<lane>), so a command never "
                    + "waits behind readings a pipeline holds back (hold-acks) on the connection itself. Empty: the connection "
                    + "itself. Letters, digits, - and _.")
    String lane() default "control";

    /** @return whether commands are accepted */
    @AttributeDefinition(
            name = "Remote commands",
            description =
                    "Listen on <topic root>/<gateway id>/cmd/+ for deploy, rollback and promote commands. A command is carried out only when signed by one of the command keys.")
    boolean commandsEnabled() default true;

    /** @return keys whose command signatures are accepted */
    @AttributeDefinition(
            name = "Command keys",
            description =
                    "Ed25519 public keys (base64 X.509, as tools/sign-model prints them) whose command signatures give authority. None: every command is refused.")
    String[] commandKeys() default {};

    /** @return how old a command may be */
    @AttributeDefinition(
            name = "Command max age (s)",
            description =
                    "Commands whose timestamp is further than this from the gateway's clock are refused; nonces are remembered this long to refuse replays.",
            min = "1")
    int commandMaxAgeSeconds() default 300;

    /** @return artifact size bound */
    @AttributeDefinition(
            name = "Max artifact size (bytes)",
            description = "Larger deploy artifacts are refused.",
            min = "1")
    long maxArtifactBytes() default 268435456L;

    /** @return group commands */
    @AttributeDefinition(
            name = "Group commands",
            description = "When the connection belongs to a gateway group: "
                    + "accept signed group commands (gateway field group:<group>) on <topic root>/group/<group>/cmd/+: deploy "
                    + "on every member, or canary-deploy (one member first, the others only when it passes).")
    boolean groupCommandsEnabled() default true;

    /** @return canary wait */
    @AttributeDefinition(
            name = "Canary wait (s)",
            description = "How long the other members wait for the canary's "
                    + "verdict of a canary-deploy before they skip it; at least the canary soak plus 90 s is used.",
            min = "1")
    int canaryWaitSeconds() default 180;

    /** @return longest soak */
    @AttributeDefinition(
            name = "Canary soak (s)",
            description =
                    "Longest time the canary of a canary-deploy scores live "
                            + "traffic with the new version in shadow beside the serving one. When fewer than the minimum number of "
                            + "readings were compared by then, the canary fails (not enough traffic) and keeps the old version.",
            min = "1")
    int canarySoakSeconds() default 60;

    /** @return readings to compare */
    @AttributeDefinition(
            name = "Canary minimum compared readings",
            description = "Readings both versions must have "
                    + "scored (outside their warm-up) before the canary judges the comparison.",
            min = "1")
    int canaryMinCompared() default 200;

    /** @return agreement bound */
    @AttributeDefinition(
            name = "Canary minimum agreement (%)",
            description = "The canary passes only when at least "
                    + "this share of the compared readings got the same anomaly decision from both versions.",
            min = "0",
            max = "100")
    double canaryMinAgreementPercent() default 99.0;

    /** @return score difference bound */
    @AttributeDefinition(
            name = "Canary maximum score difference",
            description =
                    "The canary passes only when no " + "compared reading's scores (0..1) differ by more than this.",
            min = "0")
    double canaryMaxScoreDiff() default 0.25;
}
