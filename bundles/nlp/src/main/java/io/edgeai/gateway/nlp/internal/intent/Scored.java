package io.edgeai.gateway.nlp.internal.intent;

/**
 * One candidate intent.
 *
 * @param intent intent name
 * @param confidence 0..1
 */
public record Scored(String intent, double confidence) {}
