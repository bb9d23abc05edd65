package io.edgeai.gateway.intake;

import java.util.concurrent.atomic.AtomicInteger;

import io.edgeai.gateway.api.InboundMessage;

/** Acknowledges an input once everything it produced is stored: a count of outstanding publishes. */
final class Outcome implements Runnable {
    private final InboundMessage input;
    private final AtomicInteger owed = new AtomicInteger(1);

    Outcome(InboundMessage input) {
        this.input = input;
    }

    /** @return the callback of one more publish the input waits for */
    Runnable expect() {
        owed.incrementAndGet();
        return this;
    }

    @Override
    public void run() {
        if (owed.decrementAndGet() == 0) {
            input.acknowledge();
        }
    }
}
