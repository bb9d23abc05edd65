package io.edgeai.gateway.nlp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.edgeai.gateway.api.EdgeAiConstants;
import io.edgeai.gateway.api.ModelRunner;
import io.edgeai.gateway.api.TextEncoder;
import io.edgeai.gateway.nlp.internal.HeadInputs;
import io.edgeai.gateway.nlp.internal.intent.HeadClassifier;
import io.edgeai.gateway.nlp.internal.intent.IntentResult;
import io.edgeai.gateway.onnx.tools.LocalModels;

/**
 * The shipped CLINC150 models, loaded from their model bundles the way the model extender loads them
 * (checksum, tensor names and shapes, the encoder's tokenizer and test vector) and run through the text
 * pipeline's head code.
 */
class ClincModelsTest {
    private static LocalModels models;
    private static TextEncoder encoder;
    private static ModelRunner head;

    @BeforeAll
    static void load() {
        models = new LocalModels();
        encoder = models.encoder("minilm-l6-clinc150-q");
        head = models.model("intent-clinc150");
    }

    @AfterAll
    static void close() {
        models.close();
    }

    @Test
    void fineTunedEncoderPassesItsTestVectorAndIsTheHeadsEncoder() {
        assertEquals(384, encoder.dimension());
        assertEquals("mean", encoder.info().property(EdgeAiConstants.PROPERTY_POOLING, ""));
        assertEquals(List.of("minilm-l6-clinc150-q"), HeadInputs.encoders(head, ""));
        assertEquals(151, head.info().labels().size());
        assertTrue(head.info().doubleProperty(EdgeAiConstants.PROPERTY_OOS_THRESHOLD, 0) > 0);
    }

    @Test
    void inScopeRequestsAreRecognisedAndAnOutOfScopeQuestionIsRejected() throws Exception {
        assertEquals(
                "transfer",
                classify("please move 200 dollars from savings to checking").intent());
        assertEquals("alarm", classify("wake me up at six tomorrow morning").intent());
        IntentResult oos = classify("how many legs does a spider have");
        assertEquals(IntentResult.OUT_OF_SCOPE, oos.intent(), oos.toString());
    }

    private static IntentResult classify(String text) throws Exception {
        float[] input = HeadInputs.sentence(head, encoder, encoder.embed(text), text, name -> null);
        return HeadClassifier.classify(
                head, input, head.info().doubleProperty(EdgeAiConstants.PROPERTY_OOS_THRESHOLD, 0));
    }
}
