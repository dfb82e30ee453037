package dev.mqat.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.ParameterStore;
import dev.mqat.model.ModelCheckpoint;
import dev.mqat.model.ModelConfig;
import dev.mqat.model.NetModule;
import dev.mqat.model.PoseConv2d;
import dev.mqat.model.PoseNet;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Quantizers on the CPU preset network: attach, freeze, read back, inspect, checkpoint round trip. */
class QuantizationTest extends QuantTestBase {

    private PoseNet net(NDManager m) {
        Engine.getInstance().setRandomSeed(42);
        return PoseNet.create(ModelConfig.defaults(), m);
    }

    private static float[] forward(PoseNet net, NDManager m, NDArray x) {
        try (NDScope scope = new NDScope()) {
            NDList out = net.forward(new ParameterStore(m, false), new NDList(x), false);
            float[] a = out.get(0).toFloatArray();
            float[] b = out.get(1).toFloatArray();
            float[] all = new float[a.length + b.length];
            System.arraycopy(a, 0, all, 0, a.length);
            System.arraycopy(b, 0, all, a.length, b.length);
            return all;
        }
    }

    @Test
    void modulesAreQuantizedOneAtATimeAndThePlanReadsBack(@TempDir Path dir) {
        PoseNet net = net(manager);
        NDArray x = manager.randomNormal(net.inputShape(1));
        float[] floatOut = forward(net, manager, x);
        Map<String, UniformWeightQuantizer> fpn = Quantization.attach(net, NetModule.FPN, QuantizerKind.INQ,
                QuantSpec.perTensor(2));
        assertThat(fpn.keySet()).containsExactlyElementsOf(
                net.layers(NetModule.FPN).stream().map(PoseConv2d::name).toList());
        assertThat(Quantization.planOf(net)).isEqualTo(BitPlan.module("fpn", 2));
        assertThat(forward(net, manager, x)).as("INQ with nothing frozen leaves the output alone")
                .containsExactly(floatOut);

        long frozen = Quantization.freezeInq(net, NetModule.FPN, 0.2);
        long fpnWeights = net.layers(NetModule.FPN).stream().mapToLong(PoseConv2d::weightCount).sum();
        assertThat(frozen).isBetween(fpnWeights / 5 - 8, fpnWeights / 5);
        Quantization.freezeInq(net, NetModule.FPN, 1.0);
        Quantization.attach(net, NetModule.HEAD, QuantizerKind.INQ, QuantSpec.perTensor(8));
        Quantization.freezeInq(net, NetModule.HEAD, 0.5);
        assertThat(Quantization.planOf(net)).isEqualTo(BitPlan.parse("fpn=2,head=8"));

        List<LayerInspection> inspection = Quantization.inspect(net);
        assertThat(inspection).hasSize(net.layers().size());
        for (LayerInspection l : inspection) {
            switch (l.module()) {
                case "backbone" -> {
                    assertThat(l.bits()).isEqualTo(32);
                    assertThat(l.kind()).isNull();
                    assertThat(l.fractionQuantized()).isZero();
                }
                case "fpn" -> {
                    assertThat(l.bits()).isEqualTo(2);
                    assertThat(l.distinctValues()).as("distinct values of %s", l.name()).isLessThanOrEqualTo(3);
                    assertThat(l.fractionQuantized()).isEqualTo(1.0);
                    assertThat(l.scales()).hasSize(1).allSatisfy(s -> assertThat(s).isPositive());
                }
                default -> {
                    assertThat(l.bits()).isEqualTo(8);
                    assertThat(l.fractionQuantized()).isBetween(0.49, 0.5);
                    assertThat(l.distinctValues()).isGreaterThan(255);
                }
            }
        }

        // checkpoint round trip through the metadata
        QuantSetup setup = QuantSetup.of(net).orElseThrow();
        assertThat(setup).isEqualTo(new QuantSetup(BitPlan.parse("fpn=2,head=8"), QuantizerKind.INQ,
                Granularity.PER_TENSOR));
        float[] expected = forward(net, manager, x);
        Path file = dir.resolve("q.ckpt");
        ModelCheckpoint.save(net, file, setup.toMetadata());
        try (NDManager other = NDManager.newBaseManager()) {
            ModelCheckpoint.Header header = ModelCheckpoint.readHeader(file);
            PoseNet loaded = PoseNet.create(header.model(), other);
            QuantSetup.fromMetadata(header.metadata()).orElseThrow().attachTo(loaded);
            ModelCheckpoint.load(loaded, file);
            assertThat(forward(loaded, other, x.toDevice(other.getDevice(), true))).as("reloaded quantized output")
                    .containsExactly(expected);
            assertThat(Quantization.inspect(loaded)).isEqualTo(inspection);
        }
    }

    @Test
    void planWithLayerOverridesAttachesPerLayer() {
        PoseNet net = net(manager);
        String first = net.layers(NetModule.FPN).get(0).name();
        Quantization.attach(net, BitPlan.parse("fpn=2," + first + "=4"), QuantizerKind.STE, Granularity.PER_CHANNEL);
        assertThat(Quantization.quantizerOf(net.layer(first)).orElseThrow().spec()).isEqualTo(QuantSpec.perChannel(4));
        assertThat(Quantization.planOf(net).bitsFor(first, "fpn")).isEqualTo(4);
        assertThat(Quantization.planOf(net).bitsFor(net.layers(NetModule.FPN).get(1).name(), "fpn")).isEqualTo(2);
        assertThat(net.layers(NetModule.HEAD)).allSatisfy(l -> assertThat(l.weightQuantizer()).isEmpty());
        assertThatThrownBy(() -> Quantization.attach(net, BitPlan.parse("fpn.nope=2"), QuantizerKind.STE,
                Granularity.PER_TENSOR)).hasMessageContaining("fpn.nope");
        Quantization.attach(net, BitPlan.fullPrecision(), QuantizerKind.STE, Granularity.PER_TENSOR);
        assertThat(QuantSetup.of(net)).isEmpty();
    }

    @Test
    void squaredErrorsShrinkWithBitsAndMatchTheGrid() {
        PoseNet net = net(manager);
        Map<String, Double> e2 = Quantization.squaredErrors(net, NetModule.FPN, 2, Granularity.PER_TENSOR);
        Map<String, Double> e8 = Quantization.squaredErrors(net, NetModule.FPN, 8, Granularity.PER_TENSOR);
        assertThat(e2.keySet()).containsExactlyElementsOf(
                net.layers(NetModule.FPN).stream().map(PoseConv2d::name).toList());
        for (String layer : e2.keySet()) {
            assertThat(e8.get(layer)).as("8-bit error of %s below 2-bit", layer).isLessThan(e2.get(layer)).isPositive();
        }
        PoseConv2d first = net.layers(NetModule.FPN).get(0);
        float[] w = first.weight().getArray().toFloatArray();
        float s = Levels.fitScaleL2(w, 0, w.length, 2);
        assertThat(e2.get(first.name())).isEqualTo(Levels.squaredError(w, new float[] {s}, 2));
    }

    @Test
    void metadataErrorsNameTheKey() {
        assertThat(QuantSetup.fromMetadata(Map.of())).isEmpty();
        assertThatThrownBy(() -> QuantSetup.fromMetadata(Map.of(QuantSetup.PLAN_KEY, "8-2-8",
                QuantSetup.GRANULARITY_KEY, "per_pixel"))).hasMessageContaining("quant.granularity")
                .hasMessageContaining("per_pixel");
        assertThatThrownBy(() -> QuantSetup.fromMetadata(Map.of(QuantSetup.PLAN_KEY, "8-2-8",
                QuantSetup.KIND_KEY, "pact"))).hasMessageContaining("pact");
    }
}
