package io.edgeai.gateway.onnx.internal;

/** A model version was refused; the message says why, for operators. */
public class ModelLoadException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message why the model was refused */
    public ModelLoadException(String message) {
        super(message);
    }

    /**
     * @param message why the model was refused
     * @param cause underlying failure
     */
    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
