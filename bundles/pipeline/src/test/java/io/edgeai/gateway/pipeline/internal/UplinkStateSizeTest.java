package io.edgeai.gateway.pipeline.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.edgeai.gateway.pipeline.internal.uplink.SeriesUplink;
import io.edgeai.gateway.pipeline.internal.uplink.Uplink;
import io.edgeai.gateway.pipeline.internal.uplink.UplinkSettings;

/**
 * What the uplink keeps per series, measured the way the series' memory budget is (SeriesFootprint): about 100 bytes
 * of summary figures, and with an evidence window or a history for on-demand detail 64 bytes of ring plus 16 bytes
 * per reading it keeps (one ring for both, as large as the larger).
 */
class UplinkStateSizeTest {
    @ParameterizedTest(name = "{0} readings before an alarm, history of {1}")
    @CsvSource({"0,0", "16,0", "32,0", "1024,0", "16,16", "0,16", "16,32", "16,64"})
    void perSeriesStateIsTheSummaryAndTheReadingsKept(int before, int history) {
        int kept = Math.max(before, history);
        long bound = 184 + 16L * kept;
        Uplink up = new Uplink(
                new UplinkSettings("cloud", "edgeai/uplink", 60, "pipeline", 500, before, 32, history),
                n -> null,
                () -> 0);
        SeriesUplink s = up.of(null, "pump-1/temperature");
        long bytes = SeriesFootprint.deepSize(s);
        System.out.printf(
                Locale.ROOT,
                "uplink state per series, %d readings kept before an alarm, history of %d: %d bytes%n",
                before,
                history,
                bytes);
        assertTrue(bytes <= bound, bytes + " bytes > " + bound);
        assertTrue(bytes >= 16L * kept, "the kept readings are counted: " + bytes);
    }
}
