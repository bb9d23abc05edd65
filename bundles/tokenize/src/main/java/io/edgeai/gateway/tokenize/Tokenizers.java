package io.edgeai.gateway.tokenize;

import java.io.IOException;
import java.io.InputStream;

import io.edgeai.gateway.tokenize.internal.JsonTokenizer;

/** Creates tokenizers from Hugging Face {@code tokenizer.json} files. */
public final class Tokenizers {
    private Tokenizers() {}

    /**
     * Builds a tokenizer from a {@code tokenizer.json}. Supported: the {@code BertNormalizer} (its flags are
     * honoured), the {@code BertPreTokenizer}, the {@code WordPiece} model and {@code TemplateProcessing} or
     * {@code BertProcessing}; padding and truncation settings in the file are ignored (callers choose).
     *
     * @param json the file's content
     * @return the tokenizer
     * @throws IOException when the stream cannot be read
     * @throws IllegalArgumentException when the file is not valid or uses an unsupported component
     */
    public static Tokenizer fromJson(InputStream json) throws IOException {
        return JsonTokenizer.read(json);
    }
}
