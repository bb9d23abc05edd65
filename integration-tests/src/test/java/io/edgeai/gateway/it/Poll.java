package io.edgeai.gateway.it;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Polls a condition until a deadline. A tiny stand-in for Awaitility, which is not wired into the Karaf
 * container (it needs Hamcrest 2, Pax Exam brings 1.3).
 */
public final class Poll {

    private static final long INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private Poll() {}

    /**
     * @param what what is awaited, for the failure message
     * @param timeout how long to wait
     * @param probe returns the awaited value, or null / false / throws while it is not there yet
     * @return the first non-null, non-false value
     * @throws AssertionError at the deadline, with the last exception as cause
     */
    public static <T> T until(String what, Duration timeout, Callable<T> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (true) {
            try {
                T value = probe.call();
                if (value != null && !Boolean.FALSE.equals(value)) {
                    return value;
                }
            } catch (Exception e) {
                last = e;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("Timed out after " + timeout + " waiting for " + what, last);
            }
            LockSupport.parkNanos(INTERVAL_NANOS);
        }
    }
}
