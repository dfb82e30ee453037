package dev.mqat.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mqat.model.ModelConfig;
import dev.mqat.model.NetModule;
import dev.mqat.model.PoseNet;
import dev.mqat.quant.BitPlan;
import dev.mqat.quant.Granularity;
import dev.mqat.quant.LayerInfo;
import dev.mqat.quant.Quantization;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BitAllocationTest {

    /**
     * One scale per conv (4 bytes). Bytes at 2 / 4 / 8 bits: backbone 800 weights -> 204 / 404 / 804; fpn 400
     * weights -> 104 / 204 / 404; head 200 weights plus 8 fp32 others (32 bytes) -> 86 / 136 / 236. fp32: 4 * 1408 =
     * 5632 bytes.
     */
    private static final List<LayerInfo> THREE_SIZES = List.of(
            new LayerInfo("backbone.conv", "backbone", 800, 8, 0),
            new LayerInfo("fpn.conv", "fpn", 400, 4, 0),
            new LayerInfo("head.conv", "head", 200, 2, 8));

    /** Lower bits cost more Omega; every module is free to be at 8 bits for Omega 0. */
    private static final Map<NetModule, Map<Integer, Double>> OMEGA = Map.of(
            NetModule.BACKBONE, Map.of(2, 10.0, 4, 1.0, 8, 0.0),
            NetModule.FPN, Map.of(2, 5.0, 4, 0.5, 8, 0.0),
            NetModule.HEAD, Map.of(2, 3.0, 4, 2.0, 8, 0.0));

    @Test
    void theUnconstrainedBestBreaksTheBudgetSoTheSecondBestWins() {
        // budget 5632 / 4.5 = 1251.6 bytes; 8-8-8 (Omega 0) needs 804 + 404 + 236 = 1444 bytes;
        // 8-4-8 (Omega 0.5) needs 804 + 204 + 236 = 1244; every other plan has Omega >= 1
        BitAllocation a = BitAllocation.solve(THREE_SIZES, Granularity.PER_TENSOR, OMEGA, Map.of(), 4.5);
        assertThat(a.plan()).isEqualTo(BitPlan.of(8, 4, 8));
        assertThat(a.bitsOf(NetModule.FPN)).isEqualTo(4);
        assertThat(a.omegaSum()).isEqualTo(0.5);
        assertThat(a.size().quantizedBytes()).isEqualTo(1244);
        assertThat(a.size().fp32Bytes()).isEqualTo(5632);
        assertThat(a.compression()).isCloseTo(5632.0 / 1244, within(1e-12));
        assertThat(a.budgetBytes()).isCloseTo(5632 / 4.5, within(1e-9));

        assertThat(a.combinations()).hasSize(27);
        assertThat(a.combinations().get(0).plan()).as("enumeration starts at the smallest bits").isEqualTo(
                BitPlan.of(2, 2, 2));
        BitAllocation.Combination unconstrained = a.combinations().stream()
                .filter(c -> c.plan().equals(BitPlan.of(8, 8, 8))).findFirst().orElseThrow();
        assertThat(unconstrained.omegaSum()).isEqualTo(0.0);
        assertThat(unconstrained.quantizedBytes()).isEqualTo(1444);
        assertThat(unconstrained.feasible()).isFalse();
        BitAllocation.Combination justOver = a.combinations().stream()
                .filter(c -> c.plan().equals(BitPlan.of(8, 8, 4))).findFirst().orElseThrow();
        assertThat(justOver.quantizedBytes()).isEqualTo(1344);
        assertThat(justOver.feasible()).isFalse();
        for (BitAllocation.Combination c : a.combinations()) {
            assertThat(c.feasible()).as("feasibility of %s", c.plan()).isEqualTo(c.quantizedBytes() <= 5632 / 4.5);
            if (c.feasible()) {
                assertThat(c.omegaSum()).as("Omega of feasible %s", c.plan()).isGreaterThanOrEqualTo(0.5);
            }
        }
    }

    @Test
    void aLooseBudgetGivesTheUnconstrainedBest() {
        BitAllocation a = BitAllocation.solve(THREE_SIZES, Granularity.PER_TENSOR, OMEGA, Map.of(), 3.5);
        assertThat(a.plan()).isEqualTo(BitPlan.of(8, 8, 8));
        assertThat(a.combinations()).allMatch(BitAllocation.Combination::feasible);
    }

    @Test
    void equalOmegaGoesToTheSmallerModel() {
        Map<NetModule, Map<Integer, Double>> flat = Map.of(
                NetModule.BACKBONE, Map.of(2, 0.0, 4, 0.0, 8, 0.0),
                NetModule.FPN, Map.of(2, 0.0, 4, 0.0, 8, 0.0),
                NetModule.HEAD, Map.of(2, 0.0, 4, 0.0, 8, 0.0));
        BitAllocation a = BitAllocation.solve(THREE_SIZES, Granularity.PER_TENSOR, flat, Map.of(), 1.0);
        assertThat(a.plan()).isEqualTo(BitPlan.of(2, 2, 2));
        assertThat(a.size().quantizedBytes()).isEqualTo(204 + 104 + 86);
    }

    @Test
    void aFixedModuleKeepsItsBitsAndCountsInTheSize() {
        // backbone fixed at 2 bits (204 bytes); fpn and head identical, 104 bytes at 2 bits, 404 at 8; fp32 6400 bytes
        List<LayerInfo> twins = List.of(
                new LayerInfo("backbone.conv", "backbone", 800, 8, 0),
                new LayerInfo("fpn.conv", "fpn", 400, 4, 0),
                new LayerInfo("head.conv", "head", 400, 4, 0));
        Map<NetModule, Map<Integer, Double>> omega = Map.of(
                NetModule.FPN, Map.of(2, 1.0, 8, 0.0),
                NetModule.HEAD, Map.of(2, 1.0, 8, 0.0));
        // budget 6400 / 8 = 800 bytes: 2-2 (412) and the two one-at-8 plans (712) fit, 8-8 (1012) does not; the two
        // one-at-8 plans tie in Omega and size, and fpn=2,head=8 is the lexicographically smaller
        BitAllocation a = BitAllocation.solve(twins, Granularity.PER_TENSOR, omega, Map.of(NetModule.BACKBONE, 2),
                8.0);
        assertThat(a.plan()).isEqualTo(BitPlan.of(2, 2, 8));
        assertThat(a.omegaSum()).isEqualTo(1.0);
        assertThat(a.size().quantizedBytes()).isEqualTo(712);
        assertThat(a.combinations()).hasSize(4);
        assertThat(a.combinations()).allMatch(c -> c.plan().bitsOf("backbone").orElseThrow() == 2);
        assertThat(a.combinations().get(3).plan()).isEqualTo(BitPlan.of(2, 8, 8));
        assertThat(a.combinations().get(3).feasible()).isFalse();
        // the fixed module's bits count in the size: backbone at 8 bits (804 bytes) under a 6400 / 6 = 1066.7 byte
        // budget leaves room for 2-2 only (1012 bytes), though a one-at-8 plan has the lower Omega
        BitAllocation heavier = BitAllocation.solve(twins, Granularity.PER_TENSOR, omega,
                Map.of(NetModule.BACKBONE, 8), 6.0);
        assertThat(heavier.plan()).isEqualTo(BitPlan.of(8, 2, 2));
        assertThat(heavier.size().quantizedBytes()).isEqualTo(1012);
    }

    @Test
    void anUnreachableCompressionNamesTheLargestReachable() {
        // smallest plan 2-2-2: 204 + 104 + 86 = 394 bytes, 5632 / 394 = 14.29x
        assertThatThrownBy(() -> BitAllocation.solve(THREE_SIZES, Granularity.PER_TENSOR, OMEGA, Map.of(), 20.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("20.00x")
                .hasMessageContaining("14.29x")
                .hasMessageContaining("backbone=2,fpn=2,head=2");
    }

    @Test
    void inconsistentInputsAreRejected() {
        assertThatThrownBy(() -> BitAllocation.solve(THREE_SIZES, Granularity.PER_TENSOR, OMEGA,
                Map.of(NetModule.FPN, 2), 4.0)).hasMessageContaining("fpn").hasMessageContaining("fixed");
        assertThatThrownBy(() -> BitAllocation.solve(THREE_SIZES, Granularity.PER_TENSOR,
                Map.of(NetModule.FPN, Map.of(2, 1.0, 4, 0.5), NetModule.HEAD, Map.of(2, 1.0)), Map.of(), 4.0))
                .hasMessageContaining("same candidate bits");
        assertThatThrownBy(() -> BitAllocation.solve(THREE_SIZES, Granularity.PER_TENSOR, Map.of(), Map.of(), 4.0))
                .hasMessageContaining("free module");
        assertThatThrownBy(() -> BitAllocation.solve(THREE_SIZES, Granularity.PER_TENSOR, OMEGA, Map.of(), 0.0))
                .hasMessageContaining("target compression");
        assertThatThrownBy(() -> BitAllocation.solve(THREE_SIZES, Granularity.PER_TENSOR,
                Map.of(NetModule.FPN, Map.of(2, Double.NaN)), Map.of(), 4.0)).hasMessageContaining("finite");
    }

    @Test
    void sizesAreThoseOfMqatSizeForARealNetwork() {
        PoseNet net = PoseNet.build(ModelConfig.defaults());
        List<LayerInfo> layers = Quantization.layerInfos(net);
        BitAllocation a = BitAllocation.solve(layers, Granularity.PER_TENSOR, OMEGA, Map.of(), 4.0);
        assertThat(a.size()).isEqualTo(Quantization.size(ModelConfig.defaults(), a.plan(), Granularity.PER_TENSOR));
        assertThat(a.compression()).isGreaterThanOrEqualTo(4.0);
    }
}
