package io.edgeai.gateway.pipeline.internal.uplink;

/**
 * An evidence window being filled: the raw readings before an alarm (taken when it was raised), the reading that
 * raised it, and the readings after it as they come.
 *
 * @param ts the alarm reading's time
 * @param value its value
 * @param score its score
 * @param model {@code name@version} that scored it
 * @param before readings before it, oldest first
 * @param after readings after it, filled as they come
 */
record Evidence(long ts, double value, double score, String model, Points before, Points after) {}
