package io.edgeai.gateway.intake;

import java.util.List;

import io.edgeai.gateway.api.InboundMessage;

/** A pipeline's stages, called on the intake's thread. */
public interface PipelineStages {
    /**
     * Processes inputs taken together, in order: one at a time unless the batch size is above 1. An input is
     * finished when this returns, or earlier when the stages {@link Intake#settle} it.
     *
     * @param inputs one input or a batch
     */
    void process(List<InboundMessage> inputs);

    /**
     * Called every turn before its inputs, also when none came.
     *
     * @param idle whether no input came this turn
     */
    default void beforeInputs(boolean idle) {}

    /** Called at the end of every turn. */
    default void afterInputs() {}
}
