package io.edgeai.gateway.onnx.internal;

/** Sentence pooling over a flattened last hidden state {@code [batch][tokens][dimension]}. */
final class Pooling {
    private Pooling() {}

    /**
     * @param hidden the hidden state
     * @param b batch row
     * @param tokens padded token count of every row
     * @param dim hidden size
     * @param real tokens of row {@code b} that are not padding (all carry attention 1)
     * @param mean mean over the real tokens, else the first token
     * @param out receives the pooled vector
     */
    static void pool(float[] hidden, int b, int tokens, int dim, int real, boolean mean, float[] out) {
        int base = b * tokens * dim;
        if (!mean) {
            System.arraycopy(hidden, base, out, 0, dim);
            return;
        }
        java.util.Arrays.fill(out, 0f);
        for (int t = 0; t < real; t++) {
            int off = base + t * dim;
            for (int i = 0; i < dim; i++) {
                out[i] += hidden[off + i];
            }
        }
        float inv = 1f / Math.max(1, real);
        for (int i = 0; i < dim; i++) {
            out[i] *= inv;
        }
    }

    /** Scales {@code v} to unit length (left as is when it is all zeros). */
    static void normalize(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += x * x;
        }
        double norm = Math.sqrt(sum);
        if (norm > 1e-12) {
            float inv = (float) (1 / norm);
            for (int i = 0; i < v.length; i++) {
                v[i] *= inv;
            }
        }
    }
}
