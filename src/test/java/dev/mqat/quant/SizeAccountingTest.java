package dev.mqat.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mqat.model.ModelConfig;
import dev.mqat.model.NetModule;
import dev.mqat.model.PoseNet;
import java.util.List;
import org.junit.jupiter.api.Test;

class SizeAccountingTest {

    /**
     * Tiny net counted by hand: backbone conv 4x3x3x3 (108 weights, 4 out) + bn (8 params); fpn conv 2x4x1x1 (8
     * weights, 2 out) + bias 2; head conv 3x2x3x3 (54 weights, 3 out) + bias 3, head scale 1.
     */
    private static final List<LayerInfo> TINY = List.of(
            new LayerInfo("backbone.conv", "backbone", 108, 4, 0),
            new LayerInfo("backbone.bn", "backbone", 0, 0, 8),
            new LayerInfo("fpn.conv", "fpn", 8, 2, 2),
            new LayerInfo("head.conv", "head", 54, 3, 3),
            new LayerInfo("head.level_scale", "head", 0, 0, 1));

    @Test
    void tinyNetCountedByHand() {
        SizeReport r = SizeAccounting.count(TINY, BitPlan.parse("8-2-4"), Granularity.PER_TENSOR);
        // fp32: (108 + 8 + 8 + 2 + 54 + 3 + 1) * 4 = 184 * 4
        assertThat(r.fp32Bytes()).isEqualTo(736);
        // backbone: 108 B weights + 4 B scale + 32 B bn = 144; fpn: ceil(16/8)=2 + 4 + 8 = 14;
        // head: ceil(216/8)=27 + 4 + 12 + 4 = 47
        assertThat(r.modules().get("backbone")).isEqualTo(new SizeReport.ModuleSize(116, 8, 464, 144));
        assertThat(r.modules().get("fpn")).isEqualTo(new SizeReport.ModuleSize(10, 2, 40, 14));
        assertThat(r.modules().get("head")).isEqualTo(new SizeReport.ModuleSize(58, 4, 232, 47));
        assertThat(r.quantizedBytes()).isEqualTo(205);
        assertThat(r.compression()).isCloseTo(736.0 / 205, within(1e-12));
        // weights only: 170 * 4 = 680 vs 112 + 6 + 31 = 149
        assertThat(r.fp32WeightBytes()).isEqualTo(680);
        assertThat(r.quantizedWeightBytes()).isEqualTo(149);
        assertThat(r.weightsCompression()).isCloseTo(680.0 / 149, within(1e-12));
    }

    @Test
    void perChannelScalesAndFloatModulesAndLayerOverrides() {
        SizeReport r = SizeAccounting.count(TINY, BitPlan.parse("backbone=8,backbone.conv=3"),
                Granularity.PER_CHANNEL);
        // backbone.conv at 3 bits: ceil(324/8)=41 + 4 scales * 4 = 57, + bn 32 = 89; fpn and head float
        assertThat(r.layers().get(0)).isEqualTo(new SizeReport.LayerSize("backbone.conv", "backbone", 3, 4, 432, 57));
        assertThat(r.modules().get("backbone").quantizedBytes()).isEqualTo(89);
        assertThat(r.modules().get("fpn").quantizedBytes()).isEqualTo(40);
        assertThat(r.modules().get("fpn").bits()).isEqualTo(32);
        assertThat(r.quantizedBytes()).isEqualTo(89 + 40 + 232);
        SizeReport fp = SizeAccounting.count(TINY, BitPlan.fullPrecision(), Granularity.PER_TENSOR);
        assertThat(fp.quantizedBytes()).isEqualTo(fp.fp32Bytes());
        assertThat(fp.compression()).isEqualTo(1.0);
    }

    @Test
    void badInputsAreRejected() {
        assertThatThrownBy(() -> SizeAccounting.count(List.of(TINY.get(0), TINY.get(0)), BitPlan.of(8, 8, 8),
                Granularity.PER_TENSOR)).hasMessageContaining("backbone.conv");
        assertThatThrownBy(() -> SizeAccounting.count(TINY, BitPlan.parse("fpn.nope=2"), Granularity.PER_TENSOR))
                .hasMessageContaining("fpn.nope");
        assertThatThrownBy(() -> new LayerInfo("x.conv", "backbone", 10, 3, 0)).hasMessageContaining("x.conv");
    }

    @Test
    void modelAdapterCountsEveryModelParameter() {
        PoseNet net = PoseNet.build(ModelConfig.defaults());
        List<LayerInfo> infos = Quantization.layerInfos(net);
        for (NetModule m : NetModule.values()) {
            long sum = infos.stream().filter(l -> l.module().equals(m.key())).mapToLong(LayerInfo::params).sum();
            assertThat(sum).as("params of %s", m).isEqualTo(net.parameterCount(m));
        }
        long convWeights = net.layers().stream().mapToLong(l -> l.weightCount()).sum();
        assertThat(infos.stream().mapToLong(LayerInfo::weightCount).sum()).isEqualTo(convWeights);
    }

    @Test
    void paperScaleNetworkAt828IsAbout4point3x() {
        SizeReport r = Quantization.size(ModelConfig.preset("wdr-darknet53"), BitPlan.of(8, 2, 8),
                Granularity.PER_TENSOR);
        assertThat(r.compression()).as("whole-model compression of wdr-darknet53 at 8-2-8").isBetween(4.2, 4.35);
        assertThat(r.weightsCompression()).isBetween(4.2, 4.35);
    }
}
