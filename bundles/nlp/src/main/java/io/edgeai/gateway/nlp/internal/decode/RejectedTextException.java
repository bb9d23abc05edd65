package io.edgeai.gateway.nlp.internal.decode;

/** An input the pipeline cannot use; {@link #code()} names the reason for dead letters and counters. */
public final class RejectedTextException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String code;

    /**
     * @param code short machine-readable reason, e.g. {@code not-json}
     * @param message the reason for people
     */
    public RejectedTextException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    /** @return the machine-readable reason */
    public String code() {
        return code;
    }
}
