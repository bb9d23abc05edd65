package io.edgeai.gateway.onnx.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.edgeai.gateway.api.InferenceException;
import io.edgeai.gateway.api.TextEmbedding;
import io.edgeai.gateway.api.TextEncoder;
import io.edgeai.gateway.api.TokenEmbeddings;
import io.edgeai.gateway.tokenize.Encoding;
import io.edgeai.gateway.tokenize.Tokenizer;
import io.edgeai.gateway.tokenize.Tokenizers;

/**
 * A BERT-style sentence encoder over one {@link OrtSession}, with the tokenizer from its model bundle.
 * Inputs {@code input_ids}, {@code attention_mask} and (optionally) {@code token_type_ids} are int64
 * {@code [batch, tokens]}; the first output is the last hidden state {@code [batch, tokens, dimension]},
 * pooled by the descriptor's {@code pooling} ({@code mean} over the attention mask, or {@code cls}) and
 * L2-normalised when {@code normalize} is true. As a {@link io.edgeai.gateway.api.ModelRunner} it takes
 * rows of token ids (as floats) and returns pooled embeddings; that is how its test vector is checked.
 * Input buffers are direct and reused per calling thread. The session's lifecycle is {@link OrtSessionModel}'s.
 */
public final class OrtTextEncoder extends OrtSessionModel implements TextEncoder {
    private static final String IDS = EncoderShape.IDS;
    private static final String MASK = EncoderShape.MASK;
    private static final String TYPES = EncoderShape.TYPES;
    /** A text in a batch is padded to at most this many times its own token count (see embedBatch). */
    private static final int PAD_FACTOR = 2;

    private final Tokenizer tokenizer;
    private final String outputName;
    private final boolean hasTypeIds;
    private final boolean meanPooling;
    private final boolean normalize;
    private final int maxLength;
    private final int dimension;
    private final ThreadLocal<InputBuffers> buffers = ThreadLocal.withInitial(InputBuffers::new);

    private OrtTextEncoder(Opened opened, Tokenizer tokenizer, EncoderShape shape) {
        super(opened);
        this.tokenizer = tokenizer;
        this.outputName = opened.info().outputs().get(0).name();
        this.hasTypeIds = shape.hasTypeIds();
        this.meanPooling = shape.meanPooling();
        this.normalize = shape.normalize();
        this.maxLength = shape.maxLength();
        this.dimension = shape.dimension();
    }

    /**
     * Checks and loads an encoder: checksum, tokenizer, tensor names, types and shapes, pooling settings,
     * the test vector (the test text must tokenize to the test input ids, and the pooled embedding must
     * start with the expected values), then warms up.
     *
     * @param d the descriptor, with a {@code tokenizer}
     * @param model the ONNX bytes
     * @param tokenizerJson the {@code tokenizer.json} bytes
     * @param settings session settings
     * @param source where the model came from
     * @return a ready encoder
     * @throws ModelLoadException when anything does not fit; nothing stays allocated then
     */
    public static OrtTextEncoder load(
            ModelDescriptor d, byte[] model, byte[] tokenizerJson, RunnerSettings settings, String source) {
        return load(d, ModelSource.of(model), tokenizerJson, settings, source);
    }

    /**
     * Creates, checks and warms up an encoder.
     *
     * @param d the descriptor (a text encoder's)
     * @param model the ONNX file, in memory or on disk
     * @param tokenizerJson the {@code tokenizer.json} bytes
     * @param settings session settings
     * @param source where the model came from
     * @return a ready encoder
     * @throws ModelLoadException when anything does not fit; nothing stays allocated then
     */
    static OrtTextEncoder load(
            ModelDescriptor d, ModelSource model, byte[] tokenizerJson, RunnerSettings settings, String source) {
        String sha = verifiedSha256(d, model);
        Tokenizer tokenizer;
        try {
            tokenizer = Tokenizers.fromJson(new ByteArrayInputStream(tokenizerJson));
        } catch (IOException | RuntimeException e) {
            throw new ModelLoadException("tokenizer " + d.tokenizer() + " is not usable: " + e.getMessage(), e);
        }
        EncoderShape shape = EncoderShape.of(d);
        return open(
                d,
                model,
                sha,
                settings,
                source,
                opened -> new OrtTextEncoder(opened, tokenizer, shape),
                encoder -> encoder.selfTest(d, settings.warmupRuns()));
    }

    private void selfTest(ModelDescriptor d, int warmups) {
        ModelDescriptor.TestVector test = d.test();
        if (test != null) {
            if (d.testText() != null) {
                int[] ids = tokenizer.encode(d.testText(), maxLength).ids();
                float[] want = test.input()[0];
                boolean same = ids.length == want.length;
                for (int i = 0; same && i < ids.length; i++) {
                    same = ids[i] == (int) want[i];
                }
                if (!same) {
                    throw new ModelLoadException("test vector: tokenizer turns '" + d.testText() + "' into "
                            + java.util.Arrays.toString(ids) + ", descriptor expects "
                            + java.util.Arrays.toString(want));
                }
            }
            float[][] out = run(test.input());
            for (int r = 0; r < test.output().length; r++) {
                float[] expected = test.output()[r];
                if (expected.length > out[r].length) {
                    throw new ModelLoadException(
                            "test vector: expects " + expected.length + " values, model gives " + out[r].length);
                }
                for (int c = 0; c < expected.length; c++) {
                    if (!(Math.abs(out[r][c] - expected[c]) <= test.tolerance())) {
                        throw new ModelLoadException("test vector mismatch at [" + r + "][" + c + "]: got " + out[r][c]
                                + ", expected " + expected[c]);
                    }
                }
            }
        }
        for (int i = 0; i < warmups; i++) {
            embed(List.of("warm up the encoder"));
        }
        inferences.set(0);
    }

    @Override
    public String[] serviceNames() {
        return new String[] {io.edgeai.gateway.api.ModelRunner.class.getName(), TextEncoder.class.getName()};
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public Encoding encode(String text) {
        return tokenizer.encode(text, maxLength);
    }

    @Override
    public float[][] embed(List<String> texts) {
        if (texts.isEmpty()) {
            throw new InferenceException("no texts to embed");
        }
        List<Encoding> encodings = new ArrayList<>(texts.size());
        for (String t : texts) {
            encodings.add(encode(t));
        }
        return pooled(encodings);
    }

    @Override
    public TokenEmbeddings embedTokens(String text) {
        return embedText(text).tokenEmbeddings();
    }

    /** One run; token rows and the pooled vector come from the same hidden state (as {@link #embed} pools it). */
    @Override
    public TextEmbedding embedText(String text) {
        Encoding e = encode(text);
        return result(hidden(List.of(e)), 0, e.length(), e);
    }

    /**
     * Sorts the texts by token count and runs them in as few padded batches as the padding allows: a new batch
     * starts when the next (shorter) text would be padded to more than {@link #PAD_FACTOR} times its length,
     * so one long text does not make every short one pay for its length. Results come back in input order.
     * Unlike {@link #embed(List)} a text's vectors depend on its batch: the int8 encoders quantise activations
     * dynamically over the whole input tensor, so padding and neighbours shift the scale (see
     * docs/benchmarks.md for the measured agreement with one text per run).
     */
    @Override
    public List<TextEmbedding> embedBatch(List<String> texts) {
        if (texts.isEmpty()) {
            throw new InferenceException("no texts to embed");
        }
        int n = texts.size();
        Encoding[] encodings = new Encoding[n];
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            encodings[i] = encode(texts.get(i));
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Integer.compare(encodings[b].length(), encodings[a].length()));
        TextEmbedding[] out = new TextEmbedding[n];
        int from = 0;
        while (from < n) {
            int longest = encodings[order[from]].length();
            int to = from + 1;
            while (to < n && encodings[order[to]].length() * PAD_FACTOR >= longest) {
                to++;
            }
            List<Encoding> group = new ArrayList<>(to - from);
            for (int k = from; k < to; k++) {
                group.add(encodings[order[k]]);
            }
            float[] hidden = hidden(group);
            for (int k = from; k < to; k++) {
                out[order[k]] = result(hidden, k - from, longest, encodings[order[k]]);
            }
            from = to;
        }
        return List.of(out);
    }

    /** Token rows and pooled vector of batch row {@code b} of a hidden state padded to {@code tokens}. */
    private TextEmbedding result(float[] hidden, int b, int tokens, Encoding e) {
        float[][] rows = new float[e.length()][dimension];
        int base = b * tokens * dimension;
        for (int t = 0; t < rows.length; t++) {
            System.arraycopy(hidden, base + t * dimension, rows[t], 0, dimension);
        }
        float[] pooled = new float[dimension];
        Pooling.pool(hidden, b, tokens, dimension, e.length(), meanPooling, pooled);
        if (normalize) {
            Pooling.normalize(pooled);
        }
        return new TextEmbedding(e, rows, pooled);
    }

    /** Rows of token ids (as floats; special tokens included) to pooled embeddings. */
    @Override
    public float[][] run(float[][] batch) {
        if (batch == null || batch.length == 0) {
            throw new InferenceException("empty batch");
        }
        List<Encoding> encodings = new ArrayList<>(batch.length);
        for (float[] row : batch) {
            int n = row.length;
            int[] ids = new int[n];
            int[] ones = new int[n];
            for (int i = 0; i < n; i++) {
                ids[i] = (int) row[i];
                ones[i] = 1;
            }
            encodings.add(
                    new Encoding(ids, new String[n], new int[n], ones, new int[n], new int[n], new int[n], false));
        }
        return pooled(encodings);
    }

    /**
     * Runs every text as a batch of its own: the int8 encoders quantise activations dynamically over the
     * whole input tensor, so padding in a shared batch changes a text's embedding (measured: up to ~0.005
     * per component on MiniLM). One text per run keeps an embedding independent of its neighbours.
     */
    private float[][] pooled(List<Encoding> encodings) {
        float[][] out = new float[encodings.size()][dimension];
        for (int b = 0; b < out.length; b++) {
            Encoding e = encodings.get(b);
            float[] hidden = hidden(List.of(e));
            Pooling.pool(hidden, 0, e.length(), dimension, e.length(), meanPooling, out[b]);
            if (normalize) {
                Pooling.normalize(out[b]);
            }
        }
        return out;
    }

    private static int maxTokens(List<Encoding> encodings) {
        int n = 0;
        for (Encoding e : encodings) {
            n = Math.max(n, e.length());
        }
        return n;
    }

    /** Runs the session; returns the last hidden state flattened as [batch][maxTokens][dimension]. */
    private float[] hidden(List<Encoding> encodings) {
        try {
            return inSession(() -> {
                float[] out = infer(encodings);
                inferences.addAndGet(encodings.size());
                return out;
            });
        } catch (OrtException | RuntimeException e) {
            failures.incrementAndGet();
            if (e instanceof InferenceException ie) {
                throw ie;
            }
            throw new InferenceException("inference failed on " + info().id() + ": " + e.getMessage(), e);
        }
    }

    private float[] infer(List<Encoding> encodings) throws OrtException {
        int batch = encodings.size();
        int tokens = maxTokens(encodings);
        InputBuffers buf = buffers.get();
        buf.fill(encodings, tokens, tokenizer.padId());
        long[] shape = {batch, tokens};
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put(IDS, OnnxTensor.createTensor(env, buf.ids, shape));
            inputs.put(MASK, OnnxTensor.createTensor(env, buf.mask, shape));
            if (hasTypeIds) {
                inputs.put(TYPES, OnnxTensor.createTensor(env, buf.types, shape));
            }
            try (OrtSession.Result result = session.run(inputs, Set.of(outputName))) {
                FloatBuffer fb = ((OnnxTensor) result.get(0)).getFloatBuffer();
                float[] out = new float[fb.remaining()];
                fb.get(out);
                if (out.length != batch * tokens * dimension) {
                    throw new InferenceException("model " + info().id() + " returned " + out.length
                            + " values, expected " + batch * tokens * dimension);
                }
                return out;
            }
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    /** Direct native-order input buffers of one thread, grown on demand. */
    private static final class InputBuffers {
        LongBuffer ids = allocate(256);
        LongBuffer mask = allocate(256);
        LongBuffer types = allocate(256);

        private static LongBuffer allocate(int n) {
            return ByteBuffer.allocateDirect(n * Long.BYTES)
                    .order(ByteOrder.nativeOrder())
                    .asLongBuffer();
        }

        void fill(List<Encoding> encodings, int tokens, int padId) {
            int n = encodings.size() * tokens;
            if (ids.capacity() < n) {
                int cap = Math.max(n, ids.capacity() * 2);
                ids = allocate(cap);
                mask = allocate(cap);
                types = allocate(cap);
            }
            ids.clear();
            mask.clear();
            types.clear();
            for (Encoding e : encodings) {
                for (int t = 0; t < tokens; t++) {
                    boolean real = t < e.length();
                    ids.put(real ? e.ids()[t] : padId);
                    mask.put(real ? e.attentionMask()[t] : 0);
                    types.put(real ? e.typeIds()[t] : 0);
                }
            }
            ids.flip();
            mask.flip();
            types.flip();
        }
    }
}
