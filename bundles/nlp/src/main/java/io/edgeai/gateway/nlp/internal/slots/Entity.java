package io.edgeai.gateway.nlp.internal.slots;

/**
 * One extracted entity.
 *
 * @param type slot type, e.g. {@code room}
 * @param text the span of the original text
 * @param start UTF-16 start offset in the original text
 * @param end UTF-16 end offset (exclusive)
 * @param confidence mean tag probability over the span's words
 */
public record Entity(String type, String text, int start, int end, double confidence) {}
