package io.edgeai.gateway.pipeline.internal.decode;

/**
 * One decoded sensor reading.
 *
 * @param device device id, from the topic
 * @param quantity measured quantity, from the topic
 * @param ts the reading's timestamp as sent (or the receive time, ISO-8601, when absent)
 * @param epochMillis the timestamp as epoch milliseconds (UTC assumed for local date-times)
 * @param value the finite reading
 */
public record Reading(String device, String quantity, String ts, long epochMillis, double value) {}
