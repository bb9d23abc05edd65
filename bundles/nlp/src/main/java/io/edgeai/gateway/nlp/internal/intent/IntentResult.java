package io.edgeai.gateway.nlp.internal.intent;

import java.util.List;

/**
 * The decided intent of one text.
 *
 * @param intent the intent, or {@link #OUT_OF_SCOPE}
 * @param confidence confidence of the best in-scope candidate, 0..1
 * @param alternatives the best candidates, best first (at most three)
 */
public record IntentResult(String intent, double confidence, List<Scored> alternatives) {
    /** Intent name of a text that matches no configured or trained intent well enough. */
    public static final String OUT_OF_SCOPE = "out_of_scope";

    /** Copies the list. */
    public IntentResult {
        alternatives = List.copyOf(alternatives);
    }

    /**
     * Ranks class probabilities and applies the out-of-scope rule.
     *
     * @param labels class names
     * @param probs probability per class
     * @param threshold confidence below which the text is out of scope
     * @param oosLabel a label that itself means out of scope (e.g. {@code oos}), or null
     * @param forceOutOfScope true when another rule already found the text out of scope
     * @return the result
     */
    static IntentResult rank(
            List<String> labels, double[] probs, double threshold, String oosLabel, boolean forceOutOfScope) {
        Integer[] order = new Integer[probs.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(probs[b], probs[a]));
        List<Scored> alts = new java.util.ArrayList<>();
        for (int i = 0; i < Math.min(3, order.length); i++) {
            String name = labels.get(order[i]);
            alts.add(new Scored(name.equals(oosLabel) ? OUT_OF_SCOPE : name, probs[order[i]]));
        }
        Scored best = alts.get(0);
        boolean oos = forceOutOfScope || best.intent().equals(OUT_OF_SCOPE) || best.confidence() < threshold;
        return new IntentResult(oos ? OUT_OF_SCOPE : best.intent(), best.confidence(), alts);
    }
}
