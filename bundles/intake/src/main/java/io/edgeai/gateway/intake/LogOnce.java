package io.edgeai.gateway.intake;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;

/** Logs the first line of each kind at WARN and its repeats at DEBUG: a flood is one line, and counted elsewhere. */
public final class LogOnce {
    private final Logger log;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    /** @param log where the lines go */
    public LogOnce(Logger log) {
        this.log = log;
    }

    /**
     * @param key what makes a line a repeat
     * @param format SLF4J format
     * @param args its arguments
     */
    public void warn(String key, String format, Object... args) {
        if (seen.add(key)) {
            log.warn(format, args);
        } else {
            log.debug(format, args);
        }
    }
}
