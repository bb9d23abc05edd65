package io.edgeai.gateway.nlp.internal;

import java.util.List;

import io.edgeai.gateway.api.InferenceException;
import io.edgeai.gateway.api.ModelRunner;
import io.edgeai.gateway.api.TokenEmbeddings;
import io.edgeai.gateway.nlp.internal.slots.BioDecoder;
import io.edgeai.gateway.nlp.internal.slots.Entity;

/** Runs a slot head on a text's token states and decodes its tags into entities: the live path and shadow scoring. */
final class SlotTagger {
    private SlotTagger() {}

    /**
     * @param slots the slot head
     * @param tokens the text's token states from the head's encoder
     * @param text the original text
     * @return the entities, on character offsets of the text
     * @throws InferenceException when the head fails or its output is not one row of label probabilities per token
     */
    static List<Entity> entities(ModelRunner slots, TokenEmbeddings tokens, String text) {
        float[][] probs = slots.run(HeadInputs.tokens(slots, tokens, text));
        if (probs.length != tokens.vectors().length
                || probs[0].length != slots.info().labels().size()) {
            throw new InferenceException("slot model " + slots.info().id() + " returned " + probs.length + "x"
                    + probs[0].length + " for " + tokens.vectors().length + " tokens and "
                    + slots.info().labels().size() + " labels");
        }
        return BioDecoder.decode(text, tokens.encoding(), probs, slots.info().labels());
    }
}
