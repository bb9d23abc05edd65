package io.edgeai.gateway.pipeline.internal.decode;

/** An input the pipeline cannot use; the reason goes to the dead-letter topic. */
public class RejectedInputException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String code;

    /**
     * @param code short stable reason code, e.g. {@code not-json}
     * @param message human-readable reason
     */
    public RejectedInputException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    /** @return the stable reason code */
    public String code() {
        return code;
    }
}
