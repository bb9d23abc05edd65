package io.edgeai.gateway.mqtt.internal;

/** One stored message; payload is null while it is only on disk. */
final class StoredMessage {
    final long seq;
    final int priority;
    final int qos;
    final boolean retained;
    final String topic;
    final long expiresAt;
    final int segment;
    final long pos;
    final int recordLen;
    final int payloadLen;
    volatile byte[] payload;
    /** Sent, dropped or expired (guarded by the store's lock). */
    boolean finished;

    StoredMessage(
            long seq,
            int priority,
            int qos,
            boolean retained,
            String topic,
            long expiresAt,
            int segment,
            long pos,
            int recordLen,
            int payloadLen,
            byte[] payload) {
        this.seq = seq;
        this.priority = priority;
        this.qos = qos;
        this.retained = retained;
        this.topic = topic;
        this.expiresAt = expiresAt;
        this.segment = segment;
        this.pos = pos;
        this.recordLen = recordLen;
        this.payloadLen = payloadLen;
        this.payload = payload;
    }

    long size() {
        return payloadLen + topic.length();
    }

    boolean memoryOnly() {
        return segment == Backlog.MEMORY_ONLY;
    }
}
