package io.edgeai.gateway.intake;

import io.edgeai.gateway.api.InboundMessage;

/** The checks every pipeline makes on an input before decoding it; a failed one dead-letters the input. */
public final class InputChecks {
    private InputChecks() {}

    /**
     * Dead-letters an input that arrived oversize (it was kept truncated).
     *
     * @param intake the intake that took it
     * @param m the input
     * @param maxPayloadBytes the limit it broke
     * @return whether it was oversize (and is now rejected)
     */
    public static boolean oversize(Intake intake, InboundMessage m, int maxPayloadBytes) {
        Integer size = intake.queue().oversizeOf(m);
        if (size == null) {
            return false;
        }
        intake.reject(
                m,
                "oversize",
                "payload of " + size + " bytes exceeds the limit of " + maxPayloadBytes + " bytes",
                size,
                "oversize");
        return true;
    }

    /**
     * Dead-letters an input whose topic had characters the MQTT client cannot take.
     *
     * @param intake the intake that took it
     * @param m the input
     * @return whether its topic was bad (and it is now rejected)
     */
    public static boolean badTopic(Intake intake, InboundMessage m) {
        if (m.topic().indexOf('\u241A') < 0) { // the MQTT connection's stand-in for characters Paho refuses
            return false;
        }
        intake.reject(
                m,
                "bad-topic",
                "topic has characters the MQTT client cannot take (control characters, U+FDD0 "
                        + "and above, emoji or invalid UTF-8); they arrived replaced by U+241A");
        return true;
    }
}
