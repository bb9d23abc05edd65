package io.edgeai.gateway.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A NAB series and its labelled anomaly windows, read from the test resources. */
final class NabSeries {
    /** One row: NAB timestamp text and value text, as in the file. */
    record Row(String timestamp, String value) {
        /** @return the timestamp as the ISO-8601 local date-time devices send */
        String isoTimestamp() {
            return timestamp.replace(' ', 'T');
        }
    }

    /** An inclusive labelled window. */
    record Window(LocalDateTime start, LocalDateTime end) {
        boolean contains(LocalDateTime t) {
            return !t.isBefore(start) && !t.isAfter(end);
        }
    }

    final List<Row> rows = new ArrayList<>();
    final List<Window> windows = new ArrayList<>();

    static NabSeries machineTemperature() throws IOException {
        NabSeries s = new NabSeries();
        try (InputStream in = NabSeries.class.getResourceAsStream("/nab/machine_temperature_system_failure.csv");
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            r.readLine();
            String line;
            while ((line = r.readLine()) != null) {
                int comma = line.indexOf(',');
                s.rows.add(new Row(line.substring(0, comma), line.substring(comma + 1)));
            }
        }
        try (InputStream in = NabSeries.class.getResourceAsStream("/nab/windows.json")) {
            JsonNode all = new ObjectMapper().readTree(in);
            for (JsonNode w : all.get("realKnownCause/machine_temperature_system_failure.csv")) {
                s.windows.add(
                        new Window(parse(w.get(0).asText()), parse(w.get(1).asText())));
            }
        }
        return s;
    }

    /** @return NAB's probation: the first 15 % of rows (at most 750) are not scored */
    int probationRows() {
        return Math.min(rows.size() * 15 / 100, 750);
    }

    static LocalDateTime parse(String ts) {
        String t = ts.replace(' ', 'T');
        int dot = t.indexOf('.');
        return LocalDateTime.parse(dot < 0 ? t : t.substring(0, dot));
    }
}
