package io.edgeai.gateway.pipeline.internal.decide;

/** An alarm edge: raised, or back to normal. {@link #NONE} when the state did not change. */
public enum AlarmEvent {
    /** No state change. */
    NONE,
    /** The series went into alarm. */
    ALARM,
    /** The series is back to normal. */
    NORMAL;

    /** @return the value published in results, {@code null} for {@link #NONE} */
    public String wireName() {
        return this == NONE ? null : name().toLowerCase();
    }
}
