package io.edgeai.gateway.api;

/** A model could not produce an output for the given input (wrong size, runtime failure, closed model). */
public class InferenceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, for the dead-letter topic and the log */
    public InferenceException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause the runtime's exception
     */
    public InferenceException(String message, Throwable cause) {
        super(message, cause);
    }
}
