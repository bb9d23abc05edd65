package io.edgeai.gateway.pipeline.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JVM's handler of uncaught exceptions while the pipelines run: a thread that dies of a
 * {@link VirtualMachineError} (out of memory, stack overflow), or any gateway thread ({@code edgeai-*}, e.g. a
 * connection's publish thread) that dies of an {@link Error}, logs one ERROR line and halts the JVM
 * ({@link FatalErrors}). The distribution does not use {@code -XX:+ExitOnOutOfMemoryError}, which would exit
 * before anything could be logged. Other uncaught exceptions go to the handler that was there before (or are
 * logged). Pipeline workers catch their own errors first ({@link PipelineWorker}).
 */
@Component(
        service = {},
        immediate = true)
public final class FatalErrorPolicy {
    private static final Logger LOG = LoggerFactory.getLogger(FatalErrorPolicy.class);
    private final Thread.UncaughtExceptionHandler previous;
    private final Thread.UncaughtExceptionHandler handler = this::uncaught;

    /** Installs the handler. */
    @Activate
    public FatalErrorPolicy() {
        previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler(handler);
    }

    /**
     * @param thread the thread's name
     * @param e what ended it
     * @return whether it ends the JVM
     */
    static boolean fatal(String thread, Throwable e) {
        return e instanceof VirtualMachineError || (e instanceof Error && thread.startsWith("edgeai-"));
    }

    private void uncaught(Thread t, Throwable e) {
        if (fatal(t.getName(), e)) {
            FatalErrors.handle(t.getName(), e, FatalErrors.HALT);
        } else if (previous != null) {
            previous.uncaughtException(t, e);
        } else {
            LOG.error("Thread {} ended by an uncaught exception", t.getName(), e);
        }
    }

    /** Puts the previous handler back, unless another one was installed since. */
    @Deactivate
    void deactivate() {
        if (Thread.getDefaultUncaughtExceptionHandler() == handler) {
            Thread.setDefaultUncaughtExceptionHandler(previous);
        }
    }
}
