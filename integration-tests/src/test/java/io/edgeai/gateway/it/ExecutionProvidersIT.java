package io.edgeai.gateway.it;

import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeFalse;

import java.util.Dictionary;
import java.util.Enumeration;
import java.util.Hashtable;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.cm.Configuration;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;

/**
 * Execution providers and threads per model in the distribution: asking for CUDA on a machine whose ONNX
 * Runtime build has none reloads the models on CPU, and edgeai:models says so, with the reason and the
 * thread counts configured for the model.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ExecutionProvidersIT extends KarafTestSupport {

    @Test
    public void anUnavailableProviderFallsBackToCpuAndTheModelsCommandSaysWhy() throws Exception {
        assumeFalse(
                "this ONNX Runtime build has CUDA",
                OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA));
        Configuration config = Poll.until("configuration edgeai.onnx", TIMEOUT, () -> {
            Configuration[] found = configurationAdmin.listConfigurations("(service.pid=edgeai.onnx)");
            return found == null ? null : found[0];
        });
        Dictionary<String, Object> original = config.getProperties();
        Dictionary<String, Object> changed = new Hashtable<>();
        for (Enumeration<String> keys = original.keys(); keys.hasMoreElements(); ) {
            String key = keys.nextElement();
            changed.put(key, original.get(key));
        }
        changed.put("providers", new String[] {"CUDA,CPU"});
        changed.put("threads", new String[] {"nab-ae=2/1"});
        config.update(changed);
        try {
            String out = Poll.until("nab-ae reloaded with the CUDA preference", BOOT_TIMEOUT, () -> {
                String o = executeCommand("edgeai:models nab-ae");
                return o.contains("CUDA is not in this ONNX Runtime build") && o.contains("2/1") ? o : null;
            });
            String active = out.lines()
                    .filter(l -> l.contains("nab-ae") && l.contains("ACTIVE"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no serving nab-ae in\n" + out));
            assertTrue(active, active.matches(".*\\|\\s*CPU\\s*\\|\\s*2/1\\s*\\|.*"));
            assertTrue(out, out.contains("Execution providers in this ONNX Runtime build: [CPU"));
        } finally {
            config.update(original);
        }
    }
}
