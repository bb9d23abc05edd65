package io.edgeai.gateway.metrics.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** The latest results of the text pipelines, for the web view: at most {@code max}, the oldest goes first. */
public final class RecentTexts {
    /**
     * One text result as the view lists it.
     *
     * @param topic the result topic
     * @param text the input text
     * @param intent the intent, empty without the intent task
     * @param confidence the intent's confidence, 0 without it
     * @param entities the entities as {@code type: text}
     */
    public record Text(String topic, String text, String intent, double confidence, List<String> entities) {
        /** Keeps an unmodifiable copy of the entities. */
        public Text {
            entities = List.copyOf(entities);
        }
    }

    private final int max;
    private final ArrayDeque<Text> texts = new ArrayDeque<>();

    /** @param max results kept */
    public RecentTexts(int max) {
        this.max = max;
    }

    /** @param t a result, newest */
    public synchronized void add(Text t) {
        if (texts.size() >= max) {
            texts.removeFirst();
        }
        texts.addLast(t);
    }

    /** @return the results kept, newest first */
    public synchronized List<Text> newestFirst() {
        List<Text> out = new ArrayList<>(texts);
        java.util.Collections.reverse(out);
        return out;
    }
}
