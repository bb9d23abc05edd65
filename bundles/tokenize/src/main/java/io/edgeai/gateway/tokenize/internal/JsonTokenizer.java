package io.edgeai.gateway.tokenize.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.edgeai.gateway.tokenize.Encoding;
import io.edgeai.gateway.tokenize.Tokenizer;

/**
 * A BERT-style tokenizer read from a Hugging Face {@code tokenizer.json}: added (special) tokens are
 * matched in the raw text first, the text between them is normalised, pre-tokenized and split into
 * WordPiece tokens, then the template adds {@code [CLS]}/{@code [SEP]}.
 */
public final class JsonTokenizer implements Tokenizer {
    private final BertNormalizer normalizer;
    private final WordPiece model;
    private final Template template;
    /** Added tokens matched verbatim in the raw text, longest first. */
    private final List<Map.Entry<String, Integer>> added;

    private final int padId;
    private final int vocabSize;

    private JsonTokenizer(
            BertNormalizer normalizer,
            WordPiece model,
            Template template,
            List<Map.Entry<String, Integer>> added,
            int padId,
            int vocabSize) {
        this.normalizer = normalizer;
        this.model = model;
        this.template = template;
        this.added = added;
        this.padId = padId;
        this.vocabSize = vocabSize;
    }

    /**
     * @param in a {@code tokenizer.json}
     * @return the tokenizer it describes
     * @throws IOException when the stream cannot be read
     */
    public static JsonTokenizer read(InputStream in) throws IOException {
        JsonNode root = new ObjectMapper().readTree(in);
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("tokenizer.json is not a JSON object");
        }
        JsonNode m = root.path("model");
        if (!"WordPiece".equals(m.path("type").asText())) {
            throw new IllegalArgumentException(
                    "unsupported tokenizer model '" + m.path("type").asText() + "' (supported: WordPiece)");
        }
        Map<String, Integer> vocab = new HashMap<>();
        m.path("vocab")
                .fields()
                .forEachRemaining(e -> vocab.put(e.getKey(), e.getValue().asInt()));
        String unk = m.path("unk_token").asText("[UNK]");
        Integer unkId = vocab.get(unk);
        if (unkId == null) {
            throw new IllegalArgumentException("unknown token " + unk + " is not in the vocabulary");
        }
        WordPiece wp = new WordPiece(
                vocab,
                unk,
                unkId,
                m.path("continuing_subword_prefix").asText("##"),
                m.path("max_input_chars_per_word").asInt(100));
        List<Map.Entry<String, Integer>> added = new ArrayList<>();
        for (JsonNode t : root.path("added_tokens")) {
            if (t.path("normalized").asBoolean(false)
                    || t.path("single_word").asBoolean(false)
                    || t.path("lstrip").asBoolean(false)
                    || t.path("rstrip").asBoolean(false)) {
                throw new IllegalArgumentException("unsupported added token options on " + t.path("content"));
            }
            added.add(Map.entry(t.path("content").asText(), t.path("id").asInt()));
        }
        added.sort(Comparator.comparingInt(
                        (Map.Entry<String, Integer> e) -> e.getKey().length())
                .reversed());
        int pad = vocab.getOrDefault("[PAD]", 0);
        JsonNode padding = root.path("padding");
        if (padding.has("pad_id")) {
            pad = padding.path("pad_id").asInt();
        }
        return new JsonTokenizer(
                normalizer(root.path("normalizer")),
                wp,
                template(root.path("post_processor"), vocab),
                List.copyOf(added),
                pad,
                vocab.size());
    }

    private static BertNormalizer normalizer(JsonNode n) {
        if (n.isMissingNode() || n.isNull()) {
            return null;
        }
        if (!"BertNormalizer".equals(n.path("type").asText())) {
            throw new IllegalArgumentException(
                    "unsupported normalizer '" + n.path("type").asText() + "' (supported: BertNormalizer)");
        }
        boolean lower = n.path("lowercase").asBoolean(true);
        JsonNode strip = n.path("strip_accents");
        return new BertNormalizer(
                n.path("clean_text").asBoolean(true),
                n.path("handle_chinese_chars").asBoolean(true),
                strip.isBoolean() ? strip.asBoolean() : lower,
                lower);
    }

    private static Template template(JsonNode p, Map<String, Integer> vocab) {
        String type = p.path("type").asText("");
        List<Template.Piece> pieces = new ArrayList<>();
        switch (type) {
            case "TemplateProcessing" -> {
                for (JsonNode piece : p.path("single")) {
                    if (piece.has("Sequence")) {
                        pieces.add(new Template.Piece(
                                null, -1, piece.path("Sequence").path("type_id").asInt()));
                    } else {
                        JsonNode st = piece.path("SpecialToken");
                        String key = st.path("id").asText();
                        JsonNode spec = p.path("special_tokens").path(key);
                        if (spec.path("ids").size() != 1) {
                            throw new IllegalArgumentException("special token " + key + " must have exactly one id");
                        }
                        pieces.add(new Template.Piece(
                                spec.path("tokens").path(0).asText(key),
                                spec.path("ids").path(0).asInt(),
                                st.path("type_id").asInt()));
                    }
                }
            }
            case "BertProcessing" -> {
                pieces.add(new Template.Piece(
                        p.path("cls").path(0).asText(), p.path("cls").path(1).asInt(), 0));
                pieces.add(new Template.Piece(null, -1, 0));
                pieces.add(new Template.Piece(
                        p.path("sep").path(0).asText(), p.path("sep").path(1).asInt(), 0));
            }
            case "" -> pieces.add(new Template.Piece(null, -1, 0));
            default ->
                throw new IllegalArgumentException(
                        "unsupported post-processor '" + type + "' (supported: TemplateProcessing, BertProcessing)");
        }
        return new Template(List.copyOf(pieces));
    }

    @Override
    public Encoding encode(String text) {
        return encode(text, Integer.MAX_VALUE);
    }

    @Override
    public Encoding encode(String text, int maxLength) {
        if (text == null) {
            throw new NullPointerException("text");
        }
        int specials = template.specialCount();
        if (maxLength < specials) {
            throw new IllegalArgumentException(
                    "maxLength " + maxLength + " leaves no room for " + specials + " special tokens");
        }
        List<WordPiece.Token> seq = sequence(text);
        int room = maxLength - specials;
        boolean truncated = seq.size() > room;
        if (truncated) {
            seq = seq.subList(0, room);
        }
        int n = seq.size() + specials;
        int[] ids = new int[n];
        String[] tokens = new String[n];
        int[] types = new int[n];
        int[] mask = new int[n];
        int[] start = new int[n];
        int[] end = new int[n];
        int[] words = new int[n];
        int k = 0;
        for (Template.Piece p : template.pieces()) {
            if (p.token() != null) {
                ids[k] = p.id();
                tokens[k] = p.token();
                types[k] = p.typeId();
                mask[k] = 1;
                words[k] = -1;
                k++;
            } else {
                for (WordPiece.Token t : seq) {
                    ids[k] = t.id();
                    tokens[k] = t.text();
                    types[k] = p.typeId();
                    mask[k] = 1;
                    start[k] = t.start();
                    end[k] = t.end();
                    words[k] = t.word();
                    k++;
                }
            }
        }
        return new Encoding(ids, tokens, types, mask, start, end, words, truncated);
    }

    /** Tokens of the text without special tokens: added tokens verbatim, the rest through the pipeline. */
    private List<WordPiece.Token> sequence(String text) {
        List<WordPiece.Token> out = new ArrayList<>();
        int word = 0;
        int segment = 0;
        int i = 0;
        while (i < text.length()) {
            Map.Entry<String, Integer> hit = addedAt(text, i);
            if (hit == null) {
                i++;
                continue;
            }
            if (i > segment) {
                word = plain(text.substring(segment, i), segment, word, out);
            }
            out.add(new WordPiece.Token(
                    hit.getValue(), hit.getKey(), i, i + hit.getKey().length(), word++));
            i += hit.getKey().length();
            segment = i;
        }
        if (segment < text.length()) {
            plain(text.substring(segment), segment, word, out);
        }
        return out;
    }

    private Map.Entry<String, Integer> addedAt(String text, int i) {
        for (Map.Entry<String, Integer> a : added) {
            if (text.startsWith(a.getKey(), i)) {
                return a;
            }
        }
        return null;
    }

    private int plain(String segment, int offset, int word, List<WordPiece.Token> out) {
        Normalized n = Normalized.of(segment, offset);
        if (normalizer != null) {
            n = normalizer.apply(n);
        }
        return BertPreTokenizer.split(n, model, word, out);
    }

    @Override
    public int padId() {
        return padId;
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }
}
