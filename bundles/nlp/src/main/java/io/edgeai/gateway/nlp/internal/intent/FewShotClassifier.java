package io.edgeai.gateway.nlp.internal.intent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.edgeai.gateway.api.TextEncoder;

/**
 * Few-shot intents by nearest neighbour: every example utterance is embedded once; a text's score for an
 * intent is its best cosine similarity to that intent's examples. Confidences are a softmax of the scores
 * with a temperature. A text is out of scope when its best similarity is below {@code minSimilarity} or
 * its confidence is below {@code threshold}.
 */
public final class FewShotClassifier {
    private final String key;
    private final List<String> intents;
    private final List<float[][]> examples;

    private FewShotClassifier(String key, List<String> intents, List<float[][]> examples) {
        this.key = key;
        this.intents = intents;
        this.examples = examples;
    }

    /**
     * Embeds every example.
     *
     * @param encoder the pipeline's encoder (vectors must be L2-normalised)
     * @param definitions examples per intent
     * @return the classifier
     */
    public static FewShotClassifier build(TextEncoder encoder, Map<String, List<String>> definitions) {
        List<String> names = new ArrayList<>();
        List<float[][]> vectors = new ArrayList<>();
        for (Map.Entry<String, List<String>> d : definitions.entrySet()) {
            names.add(d.getKey());
            vectors.add(encoder.embed(d.getValue()));
        }
        return new FewShotClassifier(keyOf(encoder, definitions), List.copyOf(names), List.copyOf(vectors));
    }

    /**
     * @param encoder an encoder
     * @param definitions examples per intent
     * @return identity of a classifier built from both: rebuild when it changes
     */
    public static String keyOf(TextEncoder encoder, Map<String, List<String>> definitions) {
        return encoder.info().id() + "|" + definitions;
    }

    /** @return what this classifier was built from */
    public String key() {
        return key;
    }

    /** @return the intents, in configuration order */
    public List<String> intents() {
        return intents;
    }

    /**
     * @param embedding the text's normalised embedding
     * @param temperature softmax temperature (smaller is sharper)
     * @param minSimilarity best cosine similarity needed to be in scope
     * @param threshold confidence needed to be in scope
     * @return the decided intent
     */
    public IntentResult classify(float[] embedding, double temperature, double minSimilarity, double threshold) {
        if (intents.isEmpty()) {
            return new IntentResult(IntentResult.OUT_OF_SCOPE, 0, List.of());
        }
        double[] sims = new double[intents.size()];
        double best = -1;
        for (int i = 0; i < sims.length; i++) {
            double s = -1;
            for (float[] ex : examples.get(i)) {
                s = Math.max(s, dot(embedding, ex));
            }
            sims[i] = s;
            best = Math.max(best, s);
        }
        double sum = 0;
        double[] probs = new double[sims.length];
        for (int i = 0; i < sims.length; i++) {
            probs[i] = Math.exp((sims[i] - best) / temperature);
            sum += probs[i];
        }
        for (int i = 0; i < probs.length; i++) {
            probs[i] /= sum;
        }
        return IntentResult.rank(intents, probs, threshold, null, best < minSimilarity);
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
