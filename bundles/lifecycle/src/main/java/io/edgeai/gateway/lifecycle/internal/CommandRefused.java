package io.edgeai.gateway.lifecycle.internal;

/** A remote command that is not carried out; the message is the reason sent back. */
final class CommandRefused extends Exception {
    private static final long serialVersionUID = 1L;

    CommandRefused(String reason) {
        super(reason, null, false, false);
    }
}
