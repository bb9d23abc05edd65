package io.edgeai.gateway.pipeline.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** One anomaly pipeline (factory PID {@code edgeai.pipeline.anomaly}). */
@ObjectClassDefinition(
        id = "edgeai.pipeline.anomaly",
        name = "EdgeAI anomaly pipeline",
        description = "Scores sensor readings per topic with an ONNX anomaly model and publishes results and alarms.")
public @interface AnomalyPipelineConfig {
    /** @return pipeline name */
    @AttributeDefinition(name = "Name", description = "Pipeline name shown by edgeai:pipelines and in dead letters.")
    String name() default "demo";

    /** @return connection filter */
    @AttributeDefinition(name = "Connection", description = "LDAP filter selecting the broker connection.")
    String connection_target() default "(edgeai.connection.name=local)";

    /** @return output connection name */
    @AttributeDefinition(
            name = "Output connection",
            description = "Name of the broker connection results, alarms "
                    + "and dead letters are published on (an uplink), e.g. cloud; empty: the input connection. Inputs are "
                    + "acknowledged once their results are in that connection's store.")
    String outputConnection() default "";

    /** @return model filter */
    @AttributeDefinition(name = "Model", description = "LDAP filter selecting the model; the serving version is used.")
    String model_target() default "(edgeai.model.name=nab-ae)";

    /** @return pinned version range */
    @AttributeDefinition(
            name = "Model version range",
            description =
                    "OSGi version range the model version must lie in, e.g. [1.0,2.0); the registry keeps the highest version inside it loaded for this pipeline. Empty: the serving version.")
    String modelVersionRange() default "";

    /** @return input topic filter */
    @AttributeDefinition(
            name = "Input topic",
            description = "Topic filter of readings; the last two levels are device and quantity.")
    String inputTopic() default "sensors/+/+";

    /** @return input QoS */
    @AttributeDefinition(
            name = "Input QoS",
            description = "QoS of the input subscription.",
            options = {
                @Option(label = "0", value = "0"),
                @Option(label = "1", value = "1"),
                @Option(label = "2", value = "2")
            })
    int inputQos() default 1;

    /** @return result topic root */
    @AttributeDefinition(name = "Result topic root", description = "Results go to <root>/<device>/<quantity>.")
    String outputTopicPrefix() default "edgeai/anomaly";

    /** @return result QoS */
    @AttributeDefinition(name = "Result QoS", description = "QoS of published results.")
    int outputQos() default 1;

    /** @return alarm topic root */
    @AttributeDefinition(
            name = "Alarm topic root",
            description =
                    "Alarm and back-to-normal events go to <root>/<device>/<quantity> at QoS 1; empty to disable.")
    String alarmTopicPrefix() default "edgeai/alarm";

    /** @return dead-letter topic root */
    @AttributeDefinition(
            name = "Dead-letter topic root",
            description = "Rejected inputs go to <root>/<input topic> with the reason.")
    String deadLetterTopicPrefix() default "edgeai/deadletter";

    /** @return payload format */
    @AttributeDefinition(
            name = "Payload format",
            description = "How payloads are decoded. json: an object with the "
                    + "value field, or a bare number, on <prefix>/<device>/<quantity>. senml: RFC 8428 SenML JSON packs on "
                    + "<prefix>/<device>, one reading per numeric record (quantity = resolved name). sparkplug-b: Sparkplug B "
                    + "protobuf on spBv1.0/<group>/<type>/<node>[/<device>], one reading per numeric metric. float32-le: raw "
                    + "little-endian float32 samples on <prefix>/<device>/<quantity>.",
            options = {
                @Option(label = "JSON", value = "json"),
                @Option(label = "SenML (JSON)", value = "senml"),
                @Option(label = "Sparkplug B", value = "sparkplug-b"),
                @Option(label = "Raw float32, little-endian", value = "float32-le")
            })
    String payloadFormat() default "json";

    /** @return batch limit */
    @AttributeDefinition(
            name = "Max batch",
            description = "Most values one message may carry (SenML records, "
                    + "Sparkplug metrics, float32 samples); larger messages are rejected (too-many-values).",
            min = "1")
    int maxBatch() default 1000;

    /** @return window limit */
    @AttributeDefinition(
            name = "Max window",
            description = "Most values a model may keep per series (its "
                    + "window.size); a model asking for more is refused for this pipeline (window-too-large). Memory for "
                    + "windows is at most maxSeries x maxWindow values.",
            min = "1")
    int maxWindow() default 1024;

    /** @return value field */
    @AttributeDefinition(
            name = "Value field",
            description = "JSON field holding the reading (format json), or a "
                    + "JSON pointer such as /sensor/temperature when it starts with '/'.")
    String valueField() default "value";

    /** @return timestamp field */
    @AttributeDefinition(
            name = "Timestamp field",
            description = "JSON field or pointer holding the timestamp (ISO-8601 or epoch ms); optional in payloads.")
    String tsField() default "ts";

    /** @return payload limit */
    @AttributeDefinition(name = "Max payload (bytes)", description = "Larger payloads are rejected unread.", min = "16")
    int maxPayloadBytes() default 65536;

    /** @return ingest queue bound */
    @AttributeDefinition(
            name = "Queue capacity",
            description = "Readings waiting for the worker; beyond it the overflow policy applies.",
            min = "1")
    int queueCapacity() default 10000;

    /** @return overflow policy */
    @AttributeDefinition(
            name = "Overflow policy",
            description = "What happens when the queue is full: drop the "
                    + "newest or the oldest reading (acknowledged, counted as dropped), or hold-acks: the MQTT intake waits for "
                    + "room, nothing is acknowledged meanwhile and the broker holds the rest (counted as held).",
            options = {
                @Option(label = "Drop the newest reading", value = "drop-newest"),
                @Option(label = "Drop the oldest reading", value = "drop-oldest"),
                @Option(label = "Hold acknowledgements (backpressure)", value = "hold-acks")
            })
    String overflowPolicy() default "drop-newest";

    /** @return series bound */
    @AttributeDefinition(
            name = "Max series",
            description = "Most topics with state; readings of further topics are rejected.",
            min = "1")
    int maxSeries() default 10000;

    /** @return series memory budget */
    @AttributeDefinition(
            name = "Series memory (MB)",
            description = "Heap the series state may take: a new series is "
                    + "refused (too-many-series) once series x the estimated bytes per series (measured on the scorer's state, "
                    + "see edgeai_pipeline_series_memory_bytes) would exceed it. The default fits 10,000 series of up to ~9.6 KB "
                    + "in the shipped 256 MB heap beside the text pipeline; raise it with the heap (JAVA_MAX_MEM).",
            min = "1")
    int seriesMemoryMegabytes() default 96;

    /** @return idle eviction */
    @AttributeDefinition(
            name = "Series idle time (s)",
            description = "A series without a reading for this long loses "
                    + "its state (counted as evicted; a later reading starts it again with a new warm-up). 0: never.",
            min = "0")
    long seriesIdleSeconds() default 604800;

    /** @return heap guard */
    @AttributeDefinition(
            name = "Heap limit for new series (%)",
            description =
                    "A new series is refused "
                            + "(too-many-series) while the heap in use after the last garbage collection is above this share of the "
                            + "maximum heap: a backstop for a wrong estimate, so series state cannot exhaust the heap. 100: off.",
            min = "1",
            max = "100")
    int seriesHeapPercent() default 90;

    /** @return alarm threshold */
    @AttributeDefinition(
            name = "Threshold",
            description =
                    "Score (0..1) at or above which a reading counts towards an alarm; -1 uses the model's default.")
    double threshold() default -1;

    /** @return clear threshold */
    @AttributeDefinition(
            name = "Clear threshold",
            description = "Score below which a reading counts towards back-to-normal; -1 uses the model's default.")
    double clearThreshold() default -1;

    /** @return readings to raise */
    @AttributeDefinition(
            name = "Raise count",
            description = "Consecutive high readings that raise an alarm.",
            min = "1")
    int raiseCount() default 1;

    /** @return readings to clear */
    @AttributeDefinition(name = "Clear count", description = "Consecutive low readings that clear an alarm.", min = "1")
    int clearCount() default 12;

    /** @return key affinity */
    @AttributeDefinition(
            name = "Key affinity",
            description =
                    "In a gateway group (the connection's group): "
                            + "process only the input topics rendezvous hashing assigns to this gateway among the group's live members. "
                            + "Every member receives every input; when a member dies or joins, topics move and the new owner warms "
                            + "its window up again (results say ownerChanged), replaying the inputs of the gap it kept (replayed).")
    boolean keyAffinity() default false;

    /** @return share group */
    @AttributeDefinition(
            name = "Share group",
            description =
                    "Subscribe as $share/<group>/<input topic>: the broker "
                            + "hands each input to one subscriber of the group. Only with a broker that hands all messages of a "
                            + "topic to the same subscriber (EMQX shared_subscription_strategy = hash_topic); otherwise a topic's "
                            + "readings are scattered over the gateways and no window is complete. Excludes key affinity. Empty: off.")
    String shareGroup() default "";

    /** @return handover time */
    @AttributeDefinition(
            name = "Handover window (ms)",
            description =
                    "With key affinity: how long inputs of "
                            + "topics another member owns are kept, to be replayed when this gateway takes them over. Must exceed "
                            + "the members' keep-alive x 1.5 (the time a dead member's last will takes) plus the result latency.",
            min = "0")
    long handoverMillis() default 60000;

    /** @return handover bound */
    @AttributeDefinition(
            name = "Handover buffer",
            description = "With key affinity: most inputs of other "
                    + "members' topics kept for a takeover (oldest dropped first, counted).",
            min = "0")
    int handoverBuffer() default 10000;

    /** @return uplink connection name */
    @AttributeDefinition(
            name = "Uplink connection",
            description = "Name of the broker connection the uplink policy sends on (e.g. cloud): every alarm and "
                    + "back-to-normal event at once (QoS 1, before everything else), an evidence window of raw readings "
                    + "around each alarm, and periodic summaries. Everything goes through that connection's publish "
                    + "store (disk, priorities, time to live). Empty: no uplink (results go to the output connection "
                    + "as configured).")
    String uplinkConnection() default "";

    /** @return uplink topic root */
    @AttributeDefinition(
            name = "Uplink topic root",
            description = "Uplink topics: <root>/alarm/<device>/<quantity>, <root>/evidence/<device>/<quantity>, "
                    + "<root>/summary/<pipeline> (or <root>/summary/<device>/<quantity> per series). Put the gateway's "
                    + "id in it when several gateways share the cloud broker.")
    String uplinkTopicPrefix() default "edgeai/uplink";

    /** @return summary period */
    @AttributeDefinition(
            name = "Uplink summary period (s)",
            description = "Every this many seconds (gateway clock, periods end on multiples of it), a summary per "
                    + "series seen: count, min, max, mean, last value, highest score, time in alarm. 0: no summaries.",
            min = "0")
    long uplinkSummarySeconds() default 60;

    /** @return summary mode */
    @AttributeDefinition(
            name = "Uplink summary mode",
            description = "pipeline: one message per period carrying every series (compact); series: one message "
                    + "per series and period.",
            options = {@Option(label = "pipeline", value = "pipeline"), @Option(label = "series", value = "series")})
    String uplinkSummaryMode() default "pipeline";

    /** @return most series per summary message */
    @AttributeDefinition(
            name = "Uplink series per summary message",
            description = "Mode pipeline: most series in one summary message; more are split over several (part, "
                    + "parts).",
            min = "1")
    int uplinkSummaryMaxSeries() default 500;

    /** @return raw values before an alarm */
    @AttributeDefinition(
            name = "Uplink evidence before",
            description = "Raw readings sent from before each alarm in its evidence window (0..1024; each series keeps "
                    + "this many, 16 bytes each). 0 and evidence after 0: no evidence windows.",
            min = "0",
            max = "1024")
    int uplinkEvidenceBefore() default 16;

    /** @return raw values after an alarm */
    @AttributeDefinition(
            name = "Uplink evidence after",
            description = "Raw readings sent from after each alarm: the evidence window goes up once they have come "
                    + "(sooner when the series raises another alarm or is quiet for a whole period).",
            min = "0",
            max = "1024")
    int uplinkEvidenceAfter() default 16;

    /** @return raw values kept per series for on-demand detail */
    @AttributeDefinition(
            name = "Uplink history",
            description = "Raw readings each series keeps for on-demand detail (the signed 'detail' command asks for "
                    + "them; 0..1024, 0: none). Needs an uplink connection. Shares the evidence window's ring: up to "
                    + "uplinkEvidenceBefore it costs nothing more, beyond it 16 bytes per value and series.",
            min = "0",
            max = "1024")
    int uplinkHistory() default 16;
}
