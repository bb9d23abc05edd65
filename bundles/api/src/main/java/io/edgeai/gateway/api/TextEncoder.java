package io.edgeai.gateway.api;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

import io.edgeai.gateway.tokenize.Encoding;

/**
 * A sentence encoder with its tokenizer: text in, vectors out. Registered as a service with
 * {@link EdgeAiConstants#MODEL_NAME} and {@link EdgeAiConstants#MODEL_VERSION} next to its
 * {@link ModelRunner}; thread-safe. Texts longer than the model's maximum length are truncated.
 */
@ProviderType
public interface TextEncoder {
    /** @return identity, tensors and properties of the encoder model */
    ModelInfo info();

    /** @return length of one embedding */
    int dimension();

    /**
     * Embeds texts as pooled sentence vectors (pooling and normalisation as the descriptor says).
     *
     * @param texts the texts, none null
     * @return one vector of {@link #dimension()} values per text, in order
     * @throws InferenceException when the runtime fails or the model is closed
     */
    float[][] embed(List<String> texts);

    /**
     * @param text the text
     * @return its pooled sentence vector
     * @throws InferenceException when the runtime fails or the model is closed
     */
    default float[] embed(String text) {
        return embed(List.of(text))[0];
    }

    /**
     * Embeds one text token by token: the encoder's last hidden state for every token, special tokens
     * included, with the tokenization (ids and character offsets) it came from.
     *
     * @param text the text
     * @return per-token vectors and the encoding
     * @throws InferenceException when the runtime fails or the model is closed
     */
    TokenEmbeddings embedTokens(String text);

    /**
     * Runs the encoder once for one text and derives both the token states and the pooled sentence vector
     * from that run. The results equal {@link #embed(String)} and {@link #embedTokens(String)} exactly.
     *
     * @param text the text
     * @return encoding, token states and sentence vector
     * @throws InferenceException when the runtime fails or the model is closed
     * @since 1.3
     */
    TextEmbedding embedText(String text);

    /**
     * Runs the encoder on several texts as one padded batch (with an attention mask) where the model allows
     * it, which is cheaper per text than one run each. Quantised encoders whose activation ranges are
     * computed over the whole input tensor (dynamic per-tensor quantisation, as the shipped int8 encoders do)
     * give slightly different vectors for a text in a batch than alone: padding and neighbours shift the
     * quantisation scale. Implementations document how far.
     *
     * @param texts the texts, none null, at least one
     * @return one result per text, in the order of {@code texts}
     * @throws InferenceException when the runtime fails or the model is closed
     * @since 1.3
     */
    List<TextEmbedding> embedBatch(List<String> texts);

    /**
     * Tokenizes without running the model.
     *
     * @param text the text
     * @return the encoding the model would see (truncated to its maximum length)
     */
    Encoding encode(String text);
}
