package io.edgeai.gateway.intake;

/** What a full ingest queue does with one more input. */
public enum Overflow {
    /** The new input is dropped (acknowledged, counted). */
    DROP_NEWEST("drop-newest"),
    /** The oldest queued input is dropped (acknowledged, counted) to make room. */
    DROP_OLDEST("drop-oldest"),
    /** The MQTT intake waits for room: the broker keeps everything behind it unacknowledged (backpressure). */
    HOLD_ACKS("hold-acks");

    private final String wireName;

    Overflow(String wireName) {
        this.wireName = wireName;
    }

    /** @return the name in configuration and status */
    public String wireName() {
        return wireName;
    }

    /**
     * @param name {@code drop-newest}, {@code drop-oldest} or {@code hold-acks}
     * @return the policy
     * @throws IllegalArgumentException for any other name
     */
    public static Overflow of(String name) {
        for (Overflow o : values()) {
            if (o.wireName.equals(name)) {
                return o;
            }
        }
        throw new IllegalArgumentException(
                "overflow policy must be drop-newest, drop-oldest or hold-acks, got " + name);
    }
}
