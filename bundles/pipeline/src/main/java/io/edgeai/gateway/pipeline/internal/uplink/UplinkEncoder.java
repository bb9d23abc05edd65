package io.edgeai.gateway.pipeline.internal.uplink;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

/** Writes the uplink's summaries and evidence windows as JSON; the field names are the documented contract. */
final class UplinkEncoder {
    private static final JsonFactory JSON = new JsonFactory();
    /** The figures of a series in a pipeline summary, in this order. */
    static final List<String> FIELDS = List.of("count", "min", "max", "mean", "last", "maxScore", "alarmMillis");

    private UplinkEncoder() {}

    /**
     * One message carrying many series: {@code {"pipeline","from","to","fields":[...],"series":{"<device>/<quantity>":
     * [count,min,max,mean,last,maxScore,alarmMillis]}}} ({@code min..last} null when the series had no reading but
     * was in alarm).
     */
    static byte[] pipelineSummary(String pipeline, long from, long to, List<SeriesUplink> series, int part, int parts) {
        return write(512 + 64 * series.size(), g -> {
            g.writeStringField("pipeline", pipeline);
            g.writeNumberField("from", from);
            g.writeNumberField("to", to);
            if (parts > 1) {
                g.writeNumberField("part", part);
                g.writeNumberField("parts", parts);
            }
            g.writeArrayFieldStart("fields");
            for (String f : FIELDS) {
                g.writeString(f);
            }
            g.writeEndArray();
            g.writeObjectFieldStart("series");
            for (SeriesUplink s : series) {
                g.writeArrayFieldStart(s.name);
                g.writeNumber(s.count);
                if (s.count == 0) {
                    g.writeNull();
                    g.writeNull();
                    g.writeNull();
                    g.writeNull();
                } else {
                    g.writeNumber(s.min);
                    g.writeNumber(s.max);
                    g.writeNumber(s.sum / s.count);
                    g.writeNumber(s.last);
                }
                g.writeNumber(s.maxScore);
                g.writeNumber(s.alarmMillis);
                g.writeEndArray();
            }
            g.writeEndObject();
        });
    }

    /** One series: {@code {"pipeline","device","quantity","from","to","count","min","max","mean","last","maxScore","alarmMillis"}}. */
    static byte[] seriesSummary(String pipeline, long from, long to, SeriesUplink s) {
        return write(256, g -> {
            g.writeStringField("pipeline", pipeline);
            g.writeStringField("device", s.device());
            g.writeStringField("quantity", s.quantity());
            g.writeNumberField("from", from);
            g.writeNumberField("to", to);
            g.writeNumberField("count", s.count);
            if (s.count > 0) {
                g.writeNumberField("min", s.min);
                g.writeNumberField("max", s.max);
                g.writeNumberField("mean", s.sum / s.count);
                g.writeNumberField("last", s.last);
            }
            g.writeNumberField("maxScore", s.maxScore);
            g.writeNumberField("alarmMillis", s.alarmMillis);
        });
    }

    /**
     * An alarm's evidence: {@code {"pipeline","device","quantity","ts","value","score","model","before":[v,...],
     * "after":[v,...]}} with the readings' times as {@code "step"} (milliseconds between readings, when all of them are
     * that far apart) or else as {@code "beforeDt"} and {@code "afterDt"} (each reading's time minus the alarm
     * reading's, in milliseconds).
     */
    static byte[] evidence(String pipeline, SeriesUplink s, Evidence e) {
        long step = step(e);
        int points = e.before().size() + e.after().size();
        return write(256 + (step > 0 ? 16 : 32) * points, g -> {
            g.writeStringField("pipeline", pipeline);
            g.writeStringField("device", s.device());
            g.writeStringField("quantity", s.quantity());
            g.writeNumberField("ts", e.ts());
            g.writeNumberField("value", e.value());
            g.writeNumberField("score", e.score());
            g.writeStringField("model", e.model());
            values(g, "before", e.before());
            values(g, "after", e.after());
            if (step > 0) {
                g.writeNumberField("step", step);
            } else {
                offsets(g, "beforeDt", e.ts(), e.before());
                offsets(g, "afterDt", e.ts(), e.after());
            }
        });
    }

    /** @return the time between readings when the window is evenly spaced, else 0 */
    static long step(Evidence e) {
        Points b = e.before();
        Points a = e.after();
        long step = b.size() > 0 ? e.ts() - b.ts(b.size() - 1) : a.size() > 0 ? a.ts(0) - e.ts() : 0;
        if (step <= 0) {
            return 0;
        }
        for (int i = 0; i < b.size(); i++) {
            if (e.ts() - b.ts(i) != (long) (b.size() - i) * step) {
                return 0;
            }
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.ts(i) - e.ts() != (long) (i + 1) * step) {
                return 0;
            }
        }
        return step;
    }

    private static void values(JsonGenerator g, String field, Points p) throws IOException {
        g.writeArrayFieldStart(field);
        for (int i = 0; i < p.size(); i++) {
            g.writeNumber(p.value(i));
        }
        g.writeEndArray();
    }

    private static void offsets(JsonGenerator g, String field, long t0, Points p) throws IOException {
        g.writeArrayFieldStart(field);
        for (int i = 0; i < p.size(); i++) {
            g.writeNumber(p.ts(i) - t0);
        }
        g.writeEndArray();
    }

    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] write(int size, Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            body.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // not reached: the output is in memory
        }
        return out.toByteArray();
    }
}
