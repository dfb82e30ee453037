package dev.mqat.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PoseConv2dTest {

    /** A minimal learnable-step quantizer: round(w / s) * s with a straight-through round. */
    static final class StepQuantizer extends WeightQuantizer {
        final Parameter step;
        final AtomicInteger calls = new AtomicInteger();
        float initialStep = -1;

        StepQuantizer() {
            step = addParameter(Parameter.builder().setName("step").setType(Parameter.Type.OTHER)
                    .optShape(new Shape(1)).optInitializer((m, s, t) -> m.ones(s, t)).build());
        }

        @Override
        protected void initializeFromWeight(NDArray floatWeight) {
            initialStep = floatWeight.abs().mean().getFloat() * 2;
            step.getArray().set(new float[] {initialStep});
        }

        @Override
        public NDArray quantize(ParameterStore ps, NDArray w, boolean training) {
            calls.incrementAndGet();
            NDArray s = ps.getValue(step, w.getDevice(), training);
            NDArray v = w.div(s);
            NDArray rounded = v.add(v.round().sub(v).stopGradient());
            return rounded.mul(s);
        }
    }

    private static PoseConv2d conv(int stride) {
        return PoseConv2d.builder().setName("fpn.output.0").setModule(NetModule.FPN).setChannels(4, 6)
                .setKernelSize(3).optStride(stride).optBias(true).build();
    }

    @Test
    void outputShapeFollowsStrideAndPadding() {
        Engine.getInstance().setRandomSeed(1);
        try (NDManager manager = NDManager.newBaseManager()) {
            PoseConv2d c = conv(2);
            c.initialize(manager, DataType.FLOAT32, new Shape(2, 4, 9, 8));
            NDArray y = c.forward(new ParameterStore(manager, false), new NDList(manager.randomNormal(new Shape(2, 4, 9, 8))), false)
                    .singletonOrThrow();
            assertThat(y.getShape()).as("stride-2 3x3 output of 9x8").isEqualTo(new Shape(2, 6, 5, 4));
            assertThat(c.getOutputShapes(new Shape[] {new Shape(2, 4, 9, 8)})[0]).isEqualTo(y.getShape());
            assertThat(c.weightCount()).isEqualTo(6 * 4 * 9);
            assertThat(c.biasCount()).isEqualTo(6);
        }
    }

    @Test
    void quantizerIsCalledLeavesMasterWeightAndItsStepGetsAGradient() {
        Engine.getInstance().setRandomSeed(2);
        try (NDManager manager = NDManager.newBaseManager()) {
            PoseConv2d c = conv(1);
            c.initialize(manager, DataType.FLOAT32, new Shape(1, 4, 5, 5));
            float[] master = c.weight().getArray().toFloatArray();
            StepQuantizer q = new StepQuantizer();
            c.setWeightQuantizer(q);
            assertThat(q.initialStep).as("data-dependent init ran").isGreaterThan(0f);
            assertThat(c.getParameters().keys()).as("quantizer step visible in the conv's parameters")
                    .anyMatch(k -> k.endsWith("step"));
            ParameterStore ps = new ParameterStore(manager, false);
            NDArray x = manager.randomNormal(new Shape(1, 4, 5, 5));
            try (NDScope scope = new NDScope(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = c.forward(ps, new NDList(x), true).singletonOrThrow();
                gc.backward(y.square().sum());
                assertThat(q.calls.get()).as("quantizer calls").isEqualTo(1);
                float stepGrad = q.step.getArray().getGradient().getFloat();
                assertThat(stepGrad).as("gradient of the learnable step").isNotEqualTo(0f).isFinite();
                float weightGradSum = c.weight().getArray().getGradient().abs().sum().getFloat();
                assertThat(weightGradSum).as("STE passes gradient to the master weight").isGreaterThan(0f);
                NDArray wq = c.effectiveWeight(ps, x.getDevice(), false);
                // every effective weight is an integer multiple of the step
                NDArray k = wq.div(q.step.getArray());
                assertThat(k.sub(k.round()).abs().max().getFloat()).isLessThan(1e-4f);
            }
            assertThat(c.weight().getArray().toFloatArray()).as("float master weight untouched").containsExactly(master);

            c.setWeightQuantizer(null);
            assertThat(c.weightQuantizer()).isEmpty();
            assertThat(c.getChildren().isEmpty()).isTrue();
            NDArray wf = c.effectiveWeight(ps, x.getDevice(), false);
            assertThat(wf.toFloatArray()).as("removing the quantizer gives the float layer back").containsExactly(master);
        }
    }

    @Test
    void djlTrainerUpdatesTheQuantizerStepInAWholeNetwork() {
        Engine.getInstance().setRandomSeed(3);
        try (ai.djl.Model model = ai.djl.Model.newInstance("q")) {
            PoseNet net = PoseNet.build(ModelConfig.defaults().withInputSizePx(64));
            StepQuantizer q = new StepQuantizer();
            net.layer("head.cls_tower.0").setWeightQuantizer(q);
            model.setBlock(net);
            ai.djl.training.DefaultTrainingConfig tc = new ai.djl.training.DefaultTrainingConfig(ai.djl.training.loss.Loss.l2Loss())
                    .optOptimizer(ai.djl.training.optimizer.Optimizer.adam()
                            .optLearningRateTracker(ai.djl.training.tracker.Tracker.fixed(1e-2f)).build());
            try (ai.djl.training.Trainer trainer = model.newTrainer(tc)) {
                trainer.initialize(new Shape(2, 3, 64, 64));
                assertThat(q.step.isInitialized()).isTrue();
                float before = q.step.getArray().getFloat();
                NDArray x = model.getNDManager().randomNormal(new Shape(2, 3, 64, 64));
                try (NDScope scope = new NDScope(); GradientCollector gc = trainer.newGradientCollector()) {
                    NDList out = trainer.forward(new NDList(x));
                    gc.backward(ai.djl.nn.Activation.sigmoid(out.get(0)).sum().add(out.get(1).square().sum()));
                }
                trainer.step();
                assertThat(q.calls.get()).as("a shared head conv is quantized once per forward").isEqualTo(1);
                assertThat(q.step.getArray().getFloat()).as("Adam moved the step size").isNotEqualTo(before);
            }
        }
    }

    @Test
    void quantizerAttachedBeforeInitializeIsInitializedWithTheNet() {
        try (NDManager manager = NDManager.newBaseManager()) {
            PoseConv2d c = conv(1);
            StepQuantizer q = new StepQuantizer();
            c.setWeightQuantizer(q);
            c.initialize(manager, DataType.FLOAT32, new Shape(1, 4, 5, 5));
            assertThat(q.step.isInitialized()).isTrue();
            assertThat(q.initialStep).isGreaterThan(0f);
        }
    }

    @Test
    void builderRejectsBadSettingsNamingTheLayer() {
        assertThatThrownBy(() -> PoseConv2d.builder().setName("head.x").setModule(NetModule.FPN).setChannels(1, 1)
                .setKernelSize(3).build()).hasMessageContaining("head.x").hasMessageContaining("fpn.");
        assertThatThrownBy(() -> PoseConv2d.builder().setName("fpn.x").setModule(NetModule.FPN).setChannels(1, 1)
                .setKernelSize(2).build()).hasMessageContaining("fpn.x").hasMessageContaining("odd");
        assertThatThrownBy(() -> NetModule.fromKey("neck")).hasMessageContaining("neck").hasMessageContaining("backbone, fpn, head");
    }
}
