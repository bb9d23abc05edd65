/**
 * The intake both pipeline bundles share, embedded privately in each (never exported): the bounded ingest
 * queue and its overflow policies ({@link io.edgeai.gateway.intake.IngestQueue}), the worker's loop with
 * acknowledgement counting, dead letters and the hand-over to a successor ({@link io.edgeai.gateway.intake.Intake}),
 * and the stage clock ({@link io.edgeai.gateway.intake.StageClock}).
 */
package io.edgeai.gateway.intake;
