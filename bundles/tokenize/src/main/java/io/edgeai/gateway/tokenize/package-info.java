/**
 * Tokenizers for text models: a {@link io.edgeai.gateway.tokenize.Tokenizer} built from a Hugging Face
 * {@code tokenizer.json} turns text into token ids with character offsets into the original text.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.edgeai.gateway.tokenize;
