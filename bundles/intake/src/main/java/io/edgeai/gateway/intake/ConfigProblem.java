package io.edgeai.gateway.intake;

import org.slf4j.Logger;

/**
 * Why the configuration a pipeline was last given is not the one in force, shown in its status (edgeai:pipelines,
 * /health, the metrics topic), and the one ERROR line that says so. A refused configuration at start leaves the
 * pipeline listed but not running until a good one comes; a refused change leaves it running with the settings it
 * had.
 */
public final class ConfigProblem {
    private final Logger log;
    private final String kind;
    private final String pid;
    private volatile String problem = "";

    /**
     * @param log the pipeline component's logger
     * @param kind how log lines name the pipeline ({@code Pipeline}, {@code Text pipeline})
     * @param pid the configuration's PID, named in the log so an operator finds the file
     */
    public ConfigProblem(Logger log, String kind, String pid) {
        this.log = log;
        this.kind = kind;
        this.pid = pid;
    }

    /**
     * The configuration is refused and the pipeline does not run.
     *
     * @param name the configured name
     * @param e why
     */
    public void notStarted(String name, IllegalArgumentException e) {
        log.error("{} {} (PID {}) not started, its configuration is refused: {}", kind, name, pid, e.getMessage());
        problem = e.getMessage();
    }

    /**
     * A changed configuration is refused; the pipeline keeps running with the settings it had.
     *
     * @param name the name of the pipeline running
     * @param e why
     */
    public void notApplied(String name, IllegalArgumentException e) {
        log.error(
                "{} {} (PID {}): configuration change not applied, it keeps running with the settings it had: {}",
                kind,
                name,
                pid,
                e.getMessage());
        problem = "change not applied, running with the previous settings: " + e.getMessage();
    }

    /** The configuration given is the one in force. */
    public void clear() {
        problem = "";
    }

    /** @return empty, or why the configuration last given is not the one in force */
    public String text() {
        return problem;
    }
}
