package dev.mqat.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.mqat.model.ModelConfig;
import dev.mqat.model.PoseNet;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WeightAverageTest {
    private static final ModelConfig TINY = ModelConfig.defaults().withInputSizePx(64).withWidthMultiplier(0.25);

    private static Map<String, Parameter> trainable(PoseNet net) {
        Map<String, Parameter> out = new LinkedHashMap<>();
        net.namedParameters().forEach((name, p) -> {
            if (p.requiresGradient()) {
                out.put(name, p);
            }
        });
        return out;
    }

    private static void fill(Map<String, Parameter> params, float value) {
        for (Parameter p : params.values()) {
            p.getArray().subi(p.getArray()).addi(value);
        }
    }

    @Test
    void averageFollowsTheRampedDecayAndSwapsBackExactly() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, Parameter> params = trainable(PoseNet.create(TINY, manager));
            fill(params, 0f);
            byte[] saved;
            try (WeightAverage average = new WeightAverage(0.2, params, manager)) {
                fill(params, 1f);
                for (int i = 0; i < 3; i++) {
                    average.update();
                }
                // kept fractions min(0.2, (1 + n) / (10 + n)) for n = 1, 2, 3: 2/11, 0.2, 0.2
                double expected = 1 - (2.0 / 11) * 0.2 * 0.2;
                average.swapIn();
                for (Map.Entry<String, Parameter> e : params.entrySet()) {
                    for (float v : e.getValue().getArray().toFloatArray()) {
                        assertThat((double) v).as("average of %s", e.getKey()).isCloseTo(expected, within(1e-6));
                    }
                }
                assertThatThrownBy(average::swapIn).hasMessageContaining("already swapped in");
                average.swapOut();
                for (Parameter p : params.values()) {
                    assertThat(p.getArray().toFloatArray()).as("trained weights back").containsOnly(1f);
                }
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                average.save(new DataOutputStream(bytes));
                saved = bytes.toByteArray();
            }

            fill(params, 5f);
            try (WeightAverage restored = new WeightAverage(0.2, params, manager)) {
                restored.load(new DataInputStream(new ByteArrayInputStream(saved)), "test");
                assertThat(restored.updates()).isEqualTo(3);
                restored.update(); // fourth update: keeps 0.2 of the restored average, adds 0.8 of 5
                restored.swapIn();
                double expected = 0.2 * (1 - (2.0 / 11) * 0.2 * 0.2) + 0.8 * 5;
                assertThat((double) params.values().iterator().next().getArray().toFloatArray()[0])
                        .isCloseTo(expected, within(1e-5));
                restored.swapOut();
            }
        }
    }

    @Test
    void decayOutsideItsRangeIsRefused() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, Parameter> params = trainable(PoseNet.create(TINY, manager));
            assertThatThrownBy(() -> new WeightAverage(1.0, params, manager)).hasMessageContaining("train.averageDecay")
                    .hasMessageContaining("1.0");
        }
        assertThatThrownBy(() -> TrainConfig.defaults().withAverageDecay(-0.5)).hasMessageContaining("train.averageDecay");
    }
}
