package io.edgeai.gateway.pipeline.internal.decide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class AlarmStateTest {
    private static List<AlarmEvent> feed(AlarmState s, AlarmPolicy p, double... scores) {
        List<AlarmEvent> events = new ArrayList<>();
        for (double x : scores) {
            AlarmEvent e = s.update(x, p);
            if (e != AlarmEvent.NONE) {
                events.add(e);
            }
        }
        return events;
    }

    @Test
    void raisesOnceAndClearsOnceWithHysteresis() {
        AlarmPolicy p = new AlarmPolicy(0.9, 0.5, 1, 3);
        AlarmState s = new AlarmState();
        // scores hovering between clear and raise thresholds do not flap
        List<AlarmEvent> events = feed(s, p, 0.1, 0.95, 0.97, 0.6, 0.7, 0.92, 0.6, 0.4, 0.3, 0.2, 0.1);
        assertEquals(List.of(AlarmEvent.ALARM, AlarmEvent.NORMAL), events);
        assertFalse(s.active());
    }

    @Test
    void aHighScoreResetsTheClearCount() {
        AlarmPolicy p = new AlarmPolicy(0.9, 0.5, 1, 3);
        AlarmState s = new AlarmState();
        assertEquals(List.of(AlarmEvent.ALARM), feed(s, p, 0.95, 0.1, 0.1, 0.6, 0.1, 0.1));
        assertTrue(s.active());
        assertEquals(List.of(AlarmEvent.NORMAL), feed(s, p, 0.1));
    }

    @Test
    void raiseCountNeedsConsecutiveHighScores() {
        AlarmPolicy p = new AlarmPolicy(0.8, 0.5, 3, 1);
        AlarmState s = new AlarmState();
        assertEquals(List.of(), feed(s, p, 0.9, 0.9, 0.1, 0.9, 0.9));
        assertEquals(List.of(AlarmEvent.ALARM), feed(s, p, 0.9));
    }

    @Test
    void thresholdEqualToScoreRaises() {
        AlarmState s = new AlarmState();
        assertEquals(AlarmEvent.ALARM, s.update(0.8, new AlarmPolicy(0.8, 0.8, 1, 1)));
        assertEquals(AlarmEvent.NORMAL, s.update(0.79, new AlarmPolicy(0.8, 0.8, 1, 1)));
    }

    @Test
    void rejectsAnInvertedBand() {
        assertThrows(IllegalArgumentException.class, () -> new AlarmPolicy(0.5, 0.6, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new AlarmPolicy(1.5, 0.6, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new AlarmPolicy(0.5, 0.4, 0, 1));
    }

    @Test
    void wireNames() {
        assertEquals("alarm", AlarmEvent.ALARM.wireName());
        assertEquals("normal", AlarmEvent.NORMAL.wireName());
        assertEquals(null, AlarmEvent.NONE.wireName());
    }
}
