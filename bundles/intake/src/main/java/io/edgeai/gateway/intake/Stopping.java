package io.edgeai.gateway.intake;

/** The worker stopped while an input waited for its output connection. */
final class Stopping extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Stopping() {
        super("stopped", null, false, false);
    }
}
