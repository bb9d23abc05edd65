package io.edgeai.gateway.nlp.internal.intent;

import java.util.List;

import io.edgeai.gateway.api.EdgeAiConstants;
import io.edgeai.gateway.api.InferenceException;
import io.edgeai.gateway.api.ModelInfo;
import io.edgeai.gateway.api.ModelRunner;

/**
 * An intent classifier head: a model taking the pooled, normalised sentence embedding ({@code embedding}
 * float {@code [-1, D]}) and returning {@code probabilities} float {@code [-1, C]} for the descriptor's
 * {@code labels}. A label {@code oos} means out of scope.
 */
public final class HeadClassifier {
    /** Label of a head's out-of-scope class. */
    public static final String OOS_LABEL = "oos";

    private HeadClassifier() {}

    /**
     * @param head the head model
     * @param embedding the text's embedding from the head's encoder
     * @param threshold confidence below which the text is out of scope; negative uses the head's
     *        {@code oos.threshold} property (0 when it has none)
     * @return the decided intent
     * @throws InferenceException when the head does not fit the embedding or its labels
     */
    public static IntentResult classify(ModelRunner head, float[] embedding, double threshold) {
        ModelInfo info = head.info();
        List<String> labels = info.labels();
        float[] out = head.run(embedding);
        if (labels.size() != out.length) {
            throw new InferenceException("intent model " + info.id() + " returned " + out.length + " probabilities for "
                    + labels.size() + " labels");
        }
        double[] probs = new double[out.length];
        for (int i = 0; i < out.length; i++) {
            probs[i] = out[i];
        }
        double t = threshold >= 0 ? threshold : info.doubleProperty(EdgeAiConstants.PROPERTY_OOS_THRESHOLD, 0);
        return IntentResult.rank(labels, probs, t, OOS_LABEL, false);
    }
}
