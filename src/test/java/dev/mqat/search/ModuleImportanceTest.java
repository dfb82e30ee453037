package dev.mqat.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.mqat.model.ModelConfig;
import dev.mqat.model.NetModule;
import dev.mqat.model.PoseConv2d;
import dev.mqat.model.PoseNet;
import dev.mqat.quant.Granularity;
import dev.mqat.quant.Levels;
import dev.mqat.quant.QuantSpec;
import dev.mqat.quant.QuantizerKind;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ModuleImportanceTest {
    private static final List<Integer> CANDIDATE_BITS = List.of(2, 3, 4, 8);

    private NDManager manager;

    @BeforeEach
    void openManager() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void closeManager() {
        manager.close();
    }

    private PoseNet smallNet() {
        Engine.getInstance().setRandomSeed(42);
        return PoseNet.create(ModelConfig.defaults().withWidthMultiplier(0.25), manager);
    }

    private static Map<String, Double> traces(PoseNet net, double value) {
        Map<String, Double> t = new HashMap<>();
        for (PoseConv2d l : net.layers()) {
            t.put(l.name(), value);
        }
        return t;
    }

    @Test
    void moduleOmegaIsTheMeanOfTraceWeightedErrors() {
        List<ModuleImportance.LayerTerm> terms = List.of(
                new ModuleImportance.LayerTerm("fpn.a", NetModule.FPN, 2, 4, 2.0, 0.5),
                new ModuleImportance.LayerTerm("fpn.b", NetModule.FPN, 2, 10, 0.0, 3.0),
                new ModuleImportance.LayerTerm("fpn.c", NetModule.FPN, 2, 5, 10.0, 0.25));
        // (2/4 * 0.5 + 0 + 10/5 * 0.25) / 3 = (0.25 + 0.5) / 3
        assertThat(ModuleImportance.moduleOmega(terms)).isCloseTo(0.25, within(1e-15));
        assertThat(terms.get(1).contribution()).as("zero trace, nonzero error").isEqualTo(0.0);
        assertThatThrownBy(() -> ModuleImportance.moduleOmega(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void initialScalesAreEachQuantizersOwnCalibration() {
        // two output channels {1, -3} and {0.5, -1.5}: on the 3-bit grid (codes -3..3) exactly at scales 1 and 0.5
        float[] w = {1f, -3f, 0.5f, -1.5f};
        Shape shape = new Shape(2, 1, 1, 2);
        QuantSpec perChannel3 = QuantSpec.perChannel(3);
        assertThat(ModuleImportance.initialScales(QuantizerKind.INQ, perChannel3, w, shape, manager))
                .as("INQ: L2 fit recovers the exact grid").containsExactly(new float[] {1f, 0.5f}, within(1e-6f));
        float sqrt3 = (float) Math.sqrt(3);
        assertThat(ModuleImportance.initialScales(QuantizerKind.LSQ, perChannel3, w, shape, manager))
                .as("LSQ: 2 mean|w| / sqrt(Qp) per channel, mean|w| = 2 and 1")
                .containsExactly(new float[] {4f / sqrt3, 2f / sqrt3}, within(1e-6f));
        assertThat(ModuleImportance.initialScales(QuantizerKind.STE, perChannel3, w, shape, manager))
                .as("STE: max|w| / Qp per channel").containsExactly(new float[] {1f, 0.5f}, within(1e-6f));
        // one scale for the tensor at 2 bits (Qp = 1): mean|w| = 1.5, max|w| = 3
        assertThat(ModuleImportance.initialScales(QuantizerKind.LSQ, QuantSpec.perTensor(2), w, shape, manager))
                .containsExactly(new float[] {3f}, within(1e-6f));
        assertThat(ModuleImportance.initialScales(QuantizerKind.STE, QuantSpec.perTensor(2), w, shape, manager))
                .containsExactly(new float[] {3f}, within(1e-6f));
    }

    @Test
    void oneTracedLayerGivesOmegaComputedDirectlyFromItsWeights() {
        PoseNet net = smallNet();
        List<PoseConv2d> fpn = net.layers(NetModule.FPN);
        PoseConv2d traced = fpn.get(1);
        Map<String, Double> traces = traces(net, 0.0);
        traces.put(traced.name(), 3.0);

        ModuleImportance importance = ModuleImportance.measure(net, traces, List.of(NetModule.FPN), List.of(2),
                QuantizerKind.INQ, Granularity.PER_TENSOR);

        // direct computation: INQ's scale is the L2 fit; ternary codes clamp(rint(w / s), -1, 1) in float32
        float[] w = traced.weight().getArray().toFloatArray();
        float s = Levels.fitScaleL2(w, 0, w.length, 2);
        double squaredError = 0;
        for (float x : w) {
            float level = Math.max(-1f, Math.min(1f, (float) Math.rint(x / s))) * s;
            squaredError += (level - (double) x) * (level - (double) x);
        }
        double expected = 3.0 / w.length * squaredError / fpn.size();
        assertThat(importance.omegaOf(NetModule.FPN, 2)).as("Omega of fpn at 2 bits")
                .isCloseTo(expected, within(expected * 1e-12));
        assertThat(importance.terms()).hasSize(fpn.size());
        for (ModuleImportance.LayerTerm term : importance.terms()) {
            assertThat(term.squaredError()).as("quantization error of %s", term.layer()).isPositive();
            if (!term.layer().equals(traced.name())) {
                assertThat(term.contribution()).as("contribution of zero-trace %s", term.layer()).isEqualTo(0.0);
            }
        }
        assertThat(importance.omega()).containsOnlyKeys(NetModule.FPN);
    }

    @Test
    void moreBitsNeverGiveALargerErrorOrOmega() {
        PoseNet net = smallNet();
        for (QuantizerKind kind : QuantizerKind.values()) {
            ModuleImportance importance = ModuleImportance.measure(net, traces(net, 1.0),
                    List.of(NetModule.values()), CANDIDATE_BITS, kind, Granularity.PER_TENSOR);
            List<ModuleImportance.LayerTerm> terms = importance.terms();
            assertThat(terms).hasSize(net.layers().size() * CANDIDATE_BITS.size());
            for (int i = 0; i < terms.size(); i += CANDIDATE_BITS.size()) {
                for (int j = 1; j < CANDIDATE_BITS.size(); j++) {
                    ModuleImportance.LayerTerm fewer = terms.get(i + j - 1);
                    ModuleImportance.LayerTerm more = terms.get(i + j);
                    assertThat(more.layer()).isEqualTo(fewer.layer());
                    assertThat(more.squaredError()).as("%s error of %s at %d vs %d bits", kind, more.layer(),
                            more.bits(), fewer.bits()).isLessThanOrEqualTo(fewer.squaredError());
                }
            }
            for (NetModule m : NetModule.values()) {
                double previous = Double.POSITIVE_INFINITY;
                for (int bits : CANDIDATE_BITS) {
                    double omega = importance.omegaOf(m, bits);
                    assertThat(omega).as("%s Omega of %s at %d bits", kind, m, bits).isPositive()
                            .isLessThanOrEqualTo(previous);
                    previous = omega;
                }
            }
        }
    }

    @Test
    void layerTermsAreTheFactorsOfModuleOmegaOnePerConvAndBitWidth() {
        PoseNet net = smallNet();
        Map<String, Double> traces = traces(net, 1.0);
        for (int i = 0; i < net.layers().size(); i++) {
            traces.put(net.layers().get(i).name(), 0.5 + i); // a different trace per layer
        }
        List<ModuleImportance.LayerTerm> terms = ModuleImportance.layerTerms(net, traces,
                List.of(NetModule.HEAD, NetModule.BACKBONE), List.of(8, 2), QuantizerKind.LSQ, Granularity.PER_TENSOR);
        List<PoseConv2d> expectedLayers = new java.util.ArrayList<>(net.layers(NetModule.BACKBONE));
        expectedLayers.addAll(net.layers(NetModule.HEAD));
        assertThat(terms).hasSize(2 * expectedLayers.size());
        for (int i = 0; i < expectedLayers.size(); i++) {
            PoseConv2d layer = expectedLayers.get(i);
            float[] w = layer.weight().getArray().toFloatArray();
            for (int j = 0; j < 2; j++) {
                ModuleImportance.LayerTerm t = terms.get(2 * i + j);
                int bits = j == 0 ? 2 : 8;
                assertThat(t.layer()).as("network order, bits ascending").isEqualTo(layer.name());
                assertThat(t.bits()).isEqualTo(bits);
                assertThat(t.hessianTrace()).isEqualTo(traces.get(layer.name()));
                float[] scale = ModuleImportance.initialScales(QuantizerKind.LSQ, QuantSpec.perTensor(bits), w,
                        layer.weightShape(), manager);
                assertThat(t.squaredError()).as("error of %s at %d bits", layer.name(), bits)
                        .isEqualTo(Levels.squaredError(w, scale, bits));
            }
        }
        ModuleImportance importance = ModuleImportance.measure(net, traces, List.of(NetModule.HEAD,
                NetModule.BACKBONE), List.of(8, 2), QuantizerKind.LSQ, Granularity.PER_TENSOR);
        assertThat(importance.terms()).isEqualTo(terms);
        List<ModuleImportance.LayerTerm> head2 = terms.stream().filter(t -> t.module() == NetModule.HEAD
                && t.bits() == 2).toList();
        assertThat(importance.omegaOf(NetModule.HEAD, 2)).isEqualTo(ModuleImportance.moduleOmega(head2));
    }

    @Test
    void perChannelGranularityFitsOneScalePerOutputChannel() {
        PoseNet net = smallNet();
        PoseConv2d layer = net.layers(NetModule.HEAD).get(0);
        ModuleImportance perChannel = ModuleImportance.measure(net, traces(net, 1.0), List.of(NetModule.HEAD),
                List.of(2), QuantizerKind.INQ, Granularity.PER_CHANNEL);
        float[] w = layer.weight().getArray().toFloatArray();
        double expected = Levels.squaredError(w, Levels.fitScalesL2(w, layer.outChannels(), 2), 2);
        double oneScale = Levels.squaredError(w, Levels.fitScalesL2(w, 1, 2), 2);
        assertThat(expected).as("the two granularities differ on this layer").isNotEqualTo(oneScale);
        assertThat(perChannel.terms().get(0).layer()).isEqualTo(layer.name());
        assertThat(perChannel.terms().get(0).squaredError()).as("per-channel error of %s", layer.name())
                .isEqualTo(expected);
    }

    @Test
    void missingTracesAndUninitialisedNetworksAreRejected() {
        PoseNet net = smallNet();
        Map<String, Double> traces = traces(net, 1.0);
        String missing = net.layers(NetModule.HEAD).get(0).name();
        traces.remove(missing);
        assertThatThrownBy(() -> ModuleImportance.measure(net, traces, List.of(NetModule.HEAD), CANDIDATE_BITS,
                QuantizerKind.INQ, Granularity.PER_TENSOR)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(missing);
        assertThatThrownBy(() -> ModuleImportance.measure(net, traces(net, 1.0), List.of(NetModule.HEAD),
                List.of(2, 9), QuantizerKind.INQ, Granularity.PER_TENSOR)).hasMessageContaining("9");
        PoseNet shapesOnly = PoseNet.build(ModelConfig.defaults().withWidthMultiplier(0.25));
        assertThatThrownBy(() -> ModuleImportance.measure(shapesOnly, traces(shapesOnly, 1.0),
                List.of(NetModule.FPN), CANDIDATE_BITS, QuantizerKind.INQ, Granularity.PER_TENSOR))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("PoseNet.create");
        ModuleImportance fpnOnly = ModuleImportance.measure(net, traces(net, 1.0), List.of(NetModule.FPN),
                List.of(2), QuantizerKind.INQ, Granularity.PER_TENSOR);
        assertThatThrownBy(() -> fpnOnly.omegaOf(NetModule.HEAD, 2)).hasMessageContaining("head");
    }
}
