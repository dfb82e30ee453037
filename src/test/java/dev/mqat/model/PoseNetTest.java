package dev.mqat.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PoseNetTest {

    private static void checkShapes(ModelConfig config, int inputPx, int batch) {
        Engine.getInstance().setRandomSeed(7);
        try (NDManager manager = NDManager.newBaseManager(); NDScope scope = new NDScope()) {
            PoseNet net = PoseNet.create(config, manager);
            checkSummaryCountsAllocatedParameters(config, net);
            ParameterStore ps = new ParameterStore(manager, false);
            Shape in = new Shape(batch, 3, inputPx, inputPx);
            NDArray x = manager.randomNormal(in);
            NDList c = net.backbone().forward(ps, new NDList(x), false);
            Shape[] cExpected = net.backbone().getOutputShapes(new Shape[] {in});
            int[] ch = net.backbone().featureChannels();
            for (int i = 0; i < 3; i++) {
                int stride = 8 << i;
                assertThat(c.get(i).getShape()).as("C%d of %s", i + 3, config.arch())
                        .isEqualTo(new Shape(batch, ch[i], inputPx / stride, inputPx / stride)).isEqualTo(cExpected[i]);
            }
            NDList p = net.fpn().forward(ps, c, false);
            Shape[] pExpected = net.fpn().getOutputShapes(c.getShapes());
            AnchorGrid grid = net.anchorGrid(inputPx, inputPx);
            assertThat(p).hasSize(config.levels());
            int fpnChannels = config.channels(config.arch().fpnChannels);
            for (int l = 0; l < config.levels(); l++) {
                assertThat(p.get(l).getShape()).as("P%d of %s", l + 3, config.arch())
                        .isEqualTo(new Shape(batch, fpnChannels, grid.gridHeights()[l], grid.gridWidths()[l]))
                        .isEqualTo(pExpected[l]);
            }
            NDList h = net.head().forward(ps, p, false);
            Shape[] hExpected = net.head().getOutputShapes(p.getShapes());
            assertThat(h).hasSize(2 * config.levels());
            for (int i = 0; i < h.size(); i++) {
                assertThat(h.get(i).getShape()).as("head output %d", i).isEqualTo(hExpected[i]);
            }
            NDList out = net.forward(ps, new NDList(x), false);
            assertThat(out.get(0).getShape()).isEqualTo(new Shape(batch, grid.cellCount(), config.numClasses()));
            assertThat(out.get(1).getShape()).isEqualTo(new Shape(batch, grid.cellCount(), 16L * config.numClasses()));
            assertThat(net.getOutputShapes(new Shape[] {in})).containsExactly(out.get(0).getShape(), out.get(1).getShape());
            // initial logits sit at the focal prior (bias -log 99, weights ~N(0, 0.01))
            float meanProb = out.get(0).getNDArrayInternal().getArray().mean().getFloat();
            assertThat(meanProb).as("mean initial logit").isBetween(-6f, -3f);
        }
    }

    /**
     * The summary counts from declared shapes through {@link PoseNet#namedParameters()}; this counts the arrays
     * that initialisation really allocated, found through DJL's own block tree, so a summary that forgot biases,
     * norm affines or the level scales (or counted running statistics) fails here.
     */
    private static void checkSummaryCountsAllocatedParameters(ModelConfig config, PoseNet net) {
        ModelSummary summary = ModelSummary.of(config);
        Map<Parameter.Type, Long> byType = new EnumMap<>(Parameter.Type.class);
        long total = 0;
        for (NetModule m : NetModule.values()) {
            Block block = switch (m) {
                case BACKBONE -> net.backbone();
                case FPN -> net.fpn();
                case HEAD -> net.head();
            };
            long allocated = 0;
            for (Parameter p : block.getParameters().values()) {
                assertThat(p.isInitialized()).as("%s allocated", p.getName()).isTrue();
                if (!p.requiresGradient()) {
                    // the only frozen arrays are batch-norm statistics, which deployment folds into the convs
                    assertThat(p.getName()).as("untrained parameter of %s", m).isIn("running_mean", "running_var");
                    continue;
                }
                allocated += p.getArray().size();
                byType.merge(p.getType(), p.getArray().size(), Long::sum);
            }
            assertThat(summary.modules().get(m.key()).params()).as("%s params of %s", m, config.arch())
                    .isEqualTo(allocated);
            total += allocated;
        }
        assertThat(summary.totalParams()).as("total params of %s", config.arch()).isEqualTo(total);
        // every kind of trainable value is present, so leaving any one out of the summary changes a count above
        assertThat(byType).containsOnlyKeys(Parameter.Type.WEIGHT, Parameter.Type.BIAS, Parameter.Type.GAMMA,
                Parameter.Type.BETA, Parameter.Type.OTHER).allSatisfy((type, n) -> assertThat(n).isPositive());
    }

    @Test
    void cpuPresetShapesAtEveryModule() {
        checkShapes(ModelConfig.defaults(), 64, 2);
        checkShapes(ModelConfig.defaults().withNumClasses(2).withWidthMultiplier(0.5), 96, 1);
    }

    @Test
    void darknet53PresetShapesAtSmallInput() {
        checkShapes(ModelConfig.preset("wdr-darknet53"), 64, 1);
    }

    @Test
    void darknet53ConvWeightsMatchTheReferenceCount() {
        PoseNet net = PoseNet.build(ModelConfig.preset("wdr-darknet53"));
        long[] weights = new long[3];
        for (PoseConv2d l : net.layers()) {
            weights[l.module().ordinal()] += l.weightCount();
        }
        assertThat(weights).as("conv weights backbone, fpn, head (reference-code.md section 5)")
                .containsExactly(40_549_216L, 5_177_344L, 4_757_760L);
        assertThat(net.layers(NetModule.BACKBONE)).hasSize(52);
        assertThat(net.layers(NetModule.FPN)).hasSize(8);
        assertThat(net.layers(NetModule.HEAD)).hasSize(10);
        // non-conv values: BN affine 35,712; FPN biases 2,048; head biases 2,065 + GN 4,096 + 5 scales
        assertThat(net.parameterCount(NetModule.BACKBONE)).isEqualTo(40_549_216L + 35_712L);
        assertThat(net.parameterCount(NetModule.FPN)).isEqualTo(5_177_344L + 2_048L);
        assertThat(net.parameterCount(NetModule.HEAD)).isEqualTo(4_757_760L + 2_065L + 4_096L + 5L);
    }

    @Test
    void cpuPresetIsAboutThePrototypeSize() {
        PoseNet net = PoseNet.build(ModelConfig.defaults());
        assertThat(net.parameterCount()).isBetween(1_200_000L, 1_260_000L);
        assertThat(net.layers().get(0).name()).isEqualTo("backbone.stem");
        assertThat(net.layer("fpn.lateral.0").inChannels()).isEqualTo(64);
        assertThat(net.layer("head.pose_pred").outChannels()).isEqualTo(16);
        assertThatThrownBy(() -> net.layer("fpn.lateral.9")).hasMessageContaining("fpn.lateral.9");
    }

    @Test
    void layerAndParameterNamesAreStableAndUnique() {
        PoseNet net = PoseNet.build(ModelConfig.defaults());
        Map<String, Parameter> params = net.namedParameters();
        Set<String> names = new HashSet<>();
        for (PoseConv2d l : net.layers()) {
            assertThat(names.add(l.name())).as("unique layer name %s", l.name()).isTrue();
            assertThat(l.name()).startsWith(l.module().key() + ".");
            assertThat(params.get(l.name() + ".weight")).as("weight of %s", l.name()).isSameAs(l.weight());
            l.bias().ifPresent(b -> assertThat(params.get(l.name() + ".bias")).isSameAs(b));
        }
        assertThat(params).containsKeys("backbone.stem.bn.gamma", "backbone.stage.0.res.0.expand.bn.running_var",
                "fpn.output.2.bias", "head.cls_tower.1.norm.beta", "head.level_scale")
                .doesNotContainKey("fpn.extra.0.weight");
        assertThat(params.size()).isEqualTo(net.getParameters().size());
        List<String> firstBackbone = net.layers(NetModule.BACKBONE).stream().limit(4).map(PoseConv2d::name).toList();
        assertThat(firstBackbone).containsExactly("backbone.stem", "backbone.stage.0.down", "backbone.stage.0.res.0.reduce",
                "backbone.stage.0.res.0.expand");
        assertThat(net.layers(NetModule.FPN).stream().map(PoseConv2d::name).toList()).containsExactly("fpn.lateral.0",
                "fpn.lateral.1", "fpn.lateral.2", "fpn.output.0", "fpn.output.1", "fpn.output.2");
    }
}
