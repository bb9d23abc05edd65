package io.edgeai.gateway.nlp.internal.intent;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parses few-shot intent definitions: entries {@code name=example one|example two}. */
public final class FewShotIntents {
    private FewShotIntents() {}

    /**
     * @param entries configuration entries; blank ones are skipped, a repeated name adds examples
     * @return examples per intent, in configuration order
     * @throws IllegalArgumentException naming the bad entry
     */
    public static Map<String, List<String>> parse(String[] entries) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String entry : entries == null ? new String[0] : entries) {
            if (entry == null || entry.isBlank()) {
                continue;
            }
            int eq = entry.indexOf('=');
            String name = eq < 0 ? "" : entry.substring(0, eq).strip();
            if (name.isEmpty() || !name.matches("[\\p{L}\\p{N}_.:-]+") || name.equals(IntentResult.OUT_OF_SCOPE)) {
                throw new IllegalArgumentException("intent entry '" + entry + "' must be name=example|example with a"
                        + " name of letters, digits, _ . : - (and not " + IntentResult.OUT_OF_SCOPE + ")");
            }
            List<String> examples = out.computeIfAbsent(name, k -> new ArrayList<>());
            for (String ex : entry.substring(eq + 1).split("\\|")) {
                if (!ex.isBlank()) {
                    examples.add(ex.strip());
                }
            }
            if (examples.isEmpty()) {
                throw new IllegalArgumentException("intent '" + name + "' has no example utterance");
            }
        }
        out.replaceAll((k, v) -> Collections.unmodifiableList(v));
        return Collections.unmodifiableMap(out);
    }
}
