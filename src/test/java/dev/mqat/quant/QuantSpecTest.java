package dev.mqat.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class QuantSpecTest {

    @Test
    void presetsAndScaleCounts() {
        assertThat(QuantSpec.int8WeightPerChannel()).isEqualTo(new QuantSpec(8, Granularity.PER_CHANNEL));
        assertThat(QuantSpec.int8WeightPerTensor().scaleCount(64)).isEqualTo(1);
        assertThat(QuantSpec.perChannel(2).scaleCount(64)).isEqualTo(64);
        assertThat(QuantSpec.perTensor(2).withBits(4)).isEqualTo(QuantSpec.perTensor(4));
        assertThat(ActivationQuantSpec.defaults()).isEqualTo(new ActivationQuantSpec(8, ActivationQuantMethod.LSQ));
        assertThat(ActivationQuantSpec.defaults().minCode()).isEqualTo(-128);
        assertThat(ActivationQuantSpec.defaults().maxCode()).isEqualTo(127);
    }

    @Test
    void badValuesAreRejectedWithTheValue() {
        assertThatThrownBy(() -> QuantSpec.perTensor(0)).hasMessageContaining("found 0");
        assertThatThrownBy(() -> QuantSpec.perTensor(16)).hasMessageContaining("found 16");
        assertThatThrownBy(() -> new QuantSpec(4, null)).hasMessageContaining("granularity");
        assertThatThrownBy(() -> new ActivationQuantSpec(1, ActivationQuantMethod.LSQ)).hasMessageContaining("found 1");
        assertThatThrownBy(() -> QuantizerKind.parse("pact")).hasMessageContaining("'pact'")
                .hasMessageContaining("inq, lsq, ste");
        assertThat(QuantizerKind.parse(" LSQ ")).isEqualTo(QuantizerKind.LSQ);
    }

    @Test
    void factoryBuildsEveryKind() {
        for (QuantizerKind k : QuantizerKind.values()) {
            UniformWeightQuantizer q = Quantizers.create(k, QuantSpec.perChannel(3), new Shape(4, 2, 3, 3));
            assertThat(q.kind()).isEqualTo(k);
            assertThat(q.scales()).hasSize(4);
            assertThat(q.isCalibrated()).isFalse();
        }
    }
}
