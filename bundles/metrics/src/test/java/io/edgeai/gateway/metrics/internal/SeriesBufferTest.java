package io.edgeai.gateway.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class SeriesBufferTest {
    @Test
    void keepsBoundedSeriesAndPointsAndAnswersWhatIsNewer() {
        SeriesBuffer b = new SeriesBuffer(2, 3);
        for (int i = 0; i < 5; i++) {
            b.add("a", "t" + i, i, 0, false, "");
        }
        b.add("b", "t", 1, 0.5, true, "alarm");
        assertEquals(List.of("t2", "t3", "t4"), ts(b.read(List.of("a"), 0).get(0)));
        assertEquals(List.of("t4"), ts(b.read(List.of("a"), 4).get(0)));
        // a third series evicts the one updated least recently (a), not the one read last
        b.read(List.of("a"), 0);
        b.add("c", "t", 1, 0, false, "");
        assertEquals(List.of("b", "c"), b.topics());
        assertEquals(List.of("b"), b.recentAlarms(5));
        assertEquals(1, b.read(List.of("b", "gone"), 0).size());
        assertEquals(1, b.read(List.of("b"), 0).get(0).alarms());
        assertEquals(7, b.lastSeq());
    }

    @Test
    void feedStoresPublishedResultsAndSkipsOthers() throws Exception {
        SeriesBuffer b = new SeriesBuffer(10, 10);
        RecentTexts texts = new RecentTexts(2);
        try (ResultFeed feed = new ResultFeed(b, texts, "edgeai/anomaly/#", "edgeai/nlp/#", 10)) {
            feed.decode(
                    "edgeai/anomaly/m1/temp",
                    ("{\"device\":\"m1\",\"quantity\":\"temp\",\"ts\":\"2014-02-14T14:30:00\",\"value\":83.2,"
                                    + "\"score\":1.0,\"anomaly\":true,\"event\":\"alarm\",\"warmingUp\":false,"
                                    + "\"model\":\"nab-ae@1.3.0\"}")
                            .getBytes(StandardCharsets.UTF_8));
            feed.decode("edgeai/anomaly/m1/other", "{\"value\":\"no number\"}".getBytes(StandardCharsets.UTF_8));
            for (String text : List.of("first", "lights off", "turn off the kitchen lights")) {
                feed.decode(
                        "edgeai/nlp/home/kitchen/voice",
                        ("{\"text\":\"" + text + "\",\"intent\":\"iot_hue_lightoff\",\"confidence\":0.93,"
                                        + "\"entities\":[{\"type\":\"house_place\",\"text\":\"kitchen\"}]}")
                                .getBytes(StandardCharsets.UTF_8));
            }
        }
        assertEquals(
                List.of(
                        new RecentTexts.Text(
                                "edgeai/nlp/home/kitchen/voice",
                                "turn off the kitchen lights",
                                "iot_hue_lightoff",
                                0.93,
                                List.of("house_place: kitchen")),
                        new RecentTexts.Text(
                                "edgeai/nlp/home/kitchen/voice",
                                "lights off",
                                "iot_hue_lightoff",
                                0.93,
                                List.of("house_place: kitchen"))),
                texts.newestFirst());
        SeriesBuffer.Point p =
                b.read(List.of("edgeai/anomaly/m1/temp"), 0).get(0).points().get(0);
        assertEquals(new SeriesBuffer.Point(1, "2014-02-14T14:30:00", 83.2, 1.0, true, "alarm"), p);
        assertEquals(List.of("edgeai/anomaly/m1/temp"), b.topics());
    }

    private static List<String> ts(SeriesBuffer.Series s) {
        return s.points().stream().map(SeriesBuffer.Point::ts).toList();
    }
}
