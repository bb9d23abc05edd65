package io.edgeai.gateway.api;

/**
 * Snapshot of one pipeline, for the console and the status topic.
 *
 * @param name configured pipeline name
 * @param type pipeline kind, e.g. {@code anomaly}
 * @param inputTopic subscribed topic filter
 * @param outputTopic root of result topics
 * @param model {@code name@version} of the model in use, empty when none is bound
 * @param connection name of the broker connection
 * @param received messages taken from the broker
 * @param published results published
 * @param rejected inputs sent to the dead-letter topic
 * @param dropped inputs dropped because the ingest queue was full
 * @param queueDepth inputs waiting now
 * @param queueCapacity ingest queue bound
 * @param keys series (topics) with state
 * @param alarmsActive series whose alarm is on
 * @param latencyP50Micros median receive-to-publish latency over the recent window
 * @param latencyP99Micros 99th percentile of the same
 * @param overflowPolicy what a full ingest queue does: {@code drop-newest}, {@code drop-oldest} or
 *        {@code hold-acks}
 * @param held inputs that had to wait for room in the ingest queue (policy {@code hold-acks})
 * @param duplicates redelivered inputs recognised as already scored and not scored again
 * @param evicted series whose state was dropped after being idle for the configured time
 * @param seriesBytes estimated heap bytes of the series' state (0 where the pipeline keeps none)
 * @param problem empty when the configuration in force is the one last given; otherwise why it is not: a refused
 *        configuration (the pipeline does not run, or runs on with its previous settings, as the text says)
 */
public record PipelineStatus(
        String name,
        String type,
        String inputTopic,
        String outputTopic,
        String model,
        String connection,
        long received,
        long published,
        long rejected,
        long dropped,
        int queueDepth,
        int queueCapacity,
        int keys,
        int alarmsActive,
        long latencyP50Micros,
        long latencyP99Micros,
        String overflowPolicy,
        long held,
        long duplicates,
        long evicted,
        long seriesBytes,
        String problem) {

    public PipelineStatus {
        problem = problem == null ? "" : problem;
    }

    /**
     * A pipeline whose configuration was refused at start: it is listed, with the reason, but does not run.
     *
     * @param name configured pipeline name
     * @param type pipeline kind
     * @param problem why the configuration was refused (names the property)
     * @return the status
     */
    public static PipelineStatus refused(String name, String type, String problem) {
        return new PipelineStatus(
                name,
                type,
                "",
                "",
                "",
                "",
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                "",
                0,
                0,
                0,
                0,
                "refused, not running: " + problem);
    }

    /** @return this status with {@code problem} set (empty: none) */
    public PipelineStatus withProblem(String text) {
        return new PipelineStatus(
                name,
                type,
                inputTopic,
                outputTopic,
                model,
                connection,
                received,
                published,
                rejected,
                dropped,
                queueDepth,
                queueCapacity,
                keys,
                alarmsActive,
                latencyP50Micros,
                latencyP99Micros,
                overflowPolicy,
                held,
                duplicates,
                evicted,
                seriesBytes,
                text);
    }

    public PipelineStatus(
            String name,
            String type,
            String inputTopic,
            String outputTopic,
            String model,
            String connection,
            long received,
            long published,
            long rejected,
            long dropped,
            int queueDepth,
            int queueCapacity,
            int keys,
            int alarmsActive,
            long latencyP50Micros,
            long latencyP99Micros,
            String overflowPolicy,
            long held,
            long duplicates,
            long evicted,
            long seriesBytes) {
        this(
                name,
                type,
                inputTopic,
                outputTopic,
                model,
                connection,
                received,
                published,
                rejected,
                dropped,
                queueDepth,
                queueCapacity,
                keys,
                alarmsActive,
                latencyP50Micros,
                latencyP99Micros,
                overflowPolicy,
                held,
                duplicates,
                evicted,
                seriesBytes,
                "");
    }

    /**
     * A status without series eviction and memory figures.
     *
     * @param name configured pipeline name
     * @param type pipeline kind
     * @param inputTopic subscribed topic filter
     * @param outputTopic root of result topics
     * @param model model in use
     * @param connection name of the broker connection
     * @param received messages taken from the broker
     * @param published results published
     * @param rejected inputs sent to the dead-letter topic
     * @param dropped inputs dropped because the ingest queue was full
     * @param queueDepth inputs waiting now
     * @param queueCapacity ingest queue bound
     * @param keys series with state
     * @param alarmsActive series whose alarm is on
     * @param latencyP50Micros median latency
     * @param latencyP99Micros 99th percentile latency
     * @param overflowPolicy what a full ingest queue does
     * @param held inputs that had to wait for room in the ingest queue
     * @param duplicates redelivered inputs not scored again
     */
    public PipelineStatus(
            String name,
            String type,
            String inputTopic,
            String outputTopic,
            String model,
            String connection,
            long received,
            long published,
            long rejected,
            long dropped,
            int queueDepth,
            int queueCapacity,
            int keys,
            int alarmsActive,
            long latencyP50Micros,
            long latencyP99Micros,
            String overflowPolicy,
            long held,
            long duplicates) {
        this(
                name,
                type,
                inputTopic,
                outputTopic,
                model,
                connection,
                received,
                published,
                rejected,
                dropped,
                queueDepth,
                queueCapacity,
                keys,
                alarmsActive,
                latencyP50Micros,
                latencyP99Micros,
                overflowPolicy,
                held,
                duplicates,
                0,
                0);
    }

    /**
     * A status without overload and duplicate figures.
     *
     * @param name configured pipeline name
     * @param type pipeline kind
     * @param inputTopic subscribed topic filter
     * @param outputTopic root of result topics
     * @param model model in use
     * @param connection name of the broker connection
     * @param received messages taken from the broker
     * @param published results published
     * @param rejected inputs sent to the dead-letter topic
     * @param dropped inputs dropped because the ingest queue was full
     * @param queueDepth inputs waiting now
     * @param queueCapacity ingest queue bound
     * @param keys series with state
     * @param alarmsActive series whose alarm is on
     * @param latencyP50Micros median latency
     * @param latencyP99Micros 99th percentile latency
     */
    public PipelineStatus(
            String name,
            String type,
            String inputTopic,
            String outputTopic,
            String model,
            String connection,
            long received,
            long published,
            long rejected,
            long dropped,
            int queueDepth,
            int queueCapacity,
            int keys,
            int alarmsActive,
            long latencyP50Micros,
            long latencyP99Micros) {
        this(
                name,
                type,
                inputTopic,
                outputTopic,
                model,
                connection,
                received,
                published,
                rejected,
                dropped,
                queueDepth,
                queueCapacity,
                keys,
                alarmsActive,
                latencyP50Micros,
                latencyP99Micros,
                "",
                0,
                0,
                0,
                0);
    }
}
