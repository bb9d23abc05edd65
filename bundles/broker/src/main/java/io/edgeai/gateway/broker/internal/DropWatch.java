package io.edgeai.gateway.broker.internal;

/**
 * Turns the broker's own drop counter into one WARN line when it grew: a message the broker accepted (for QoS
 * 1 and 2 it acknowledged it to the publisher) and then discarded is lost for good, so it must not stay a
 * number nobody asks for. HiveMQ CE counts every drop in {@code com.hivemq.messages.dropped.count} (no counter
 * per reason is registered): a client's queue full at {@code maxQueuedMessages}, or a QoS 0 message to a client
 * whose socket was not writable. Checked on the broker's own thread at a fixed interval, so a sustained
 * overload logs one line per interval.
 */
final class DropWatch {
    static final String TOTAL = "com.hivemq.messages.dropped.count";

    private final long maxQueuedMessages;
    private long lastTotal;

    /** @param maxQueuedMessages the configured per-client queue, named in the advice */
    DropWatch(long maxQueuedMessages) {
        this.maxQueuedMessages = maxQueuedMessages;
    }

    /**
     * @param total the broker's {@link #TOTAL} counter now
     * @return the warning when messages were dropped since the last check, {@code null} otherwise
     */
    synchronized String check(long total) {
        long delta = total - lastTotal;
        lastTotal = total;
        if (delta <= 0) {
            return null;
        }
        return "Embedded MQTT broker dropped " + delta + " messages since the last check (" + total + " since it "
                + "started): a client had maxQueuedMessages = " + maxQueuedMessages + " QoS 1/2 messages waiting "
                + "(a pipeline holding acknowledgements under a burst, or a persistent session offline), or a QoS 0 "
                + "subscriber did not read fast enough. Raise maxQueuedMessages in edgeai.broker (with "
                + "persistenceEnabled = true the queue is on disk), slow the publishers, or use an external broker "
                + "sized for the burst (docs/reliability.md).";
    }
}
