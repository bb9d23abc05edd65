package io.edgeai.gateway.intake;

import java.util.ArrayList;
import java.util.List;

import io.edgeai.gateway.api.Acknowledgement;
import io.edgeai.gateway.api.InboundMessage;

/**
 * The inputs being processed and their outcomes (intake thread only): each is acknowledged once it is settled and
 * every publish it produced is stored. Inputs processed outside the loop (tests call the stages directly) are not
 * tracked and acknowledge nothing.
 */
final class InFlight {
    private static final Runnable NOTHING = () -> {};

    private List<InboundMessage> inputs = List.of();
    private Outcome[] outcomes = new Outcome[0];
    private boolean[] settled = new boolean[0];

    void begin(List<InboundMessage> next) {
        inputs = next;
        outcomes = new Outcome[next.size()];
        settled = new boolean[next.size()];
        for (int i = 0; i < outcomes.length; i++) {
            InboundMessage m = next.get(i);
            outcomes[i] = m.acknowledgement() == Acknowledgement.NONE ? null : new Outcome(m);
        }
    }

    void end() {
        inputs = List.of();
    }

    /** @return the inputs not settled yet, in order */
    List<InboundMessage> unsettled() {
        List<InboundMessage> out = new ArrayList<>();
        for (int i = 0; i < settled.length && i < inputs.size(); i++) {
            if (!settled[i]) {
                out.add(inputs.get(i));
            }
        }
        return out;
    }

    void settle(InboundMessage m) {
        int i = indexOf(m);
        if (i >= 0 && !settled[i]) {
            settled[i] = true;
            if (outcomes[i] != null) {
                outcomes[i].run();
            }
        }
    }

    /** @return the callback of one more publish {@code m} produced */
    Runnable expect(InboundMessage m) {
        int i = indexOf(m);
        return i < 0 || outcomes[i] == null ? NOTHING : outcomes[i].expect();
    }

    private int indexOf(InboundMessage m) {
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i) == m) {
                return i;
            }
        }
        return -1;
    }
}
