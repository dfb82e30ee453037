package dev.mqat.quant;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.mqat.model.NetModule;
import dev.mqat.model.PoseConv2d;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import org.junit.jupiter.api.Test;

/** Quantizers inside a real conv layer trained by DJL's trainer (SGD with momentum). */
class QuantizedTrainingTest extends QuantTestBase {
    private static final Shape INPUT = new Shape(2, 4, 5, 5);

    private static PoseConv2d conv() {
        return PoseConv2d.builder().setName("fpn.test").setModule(NetModule.FPN).setChannels(4, 6).setKernelSize(3)
                .optBias(true).build();
    }

    private static Trainer trainer(Model model) {
        Optimizer sgd = Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.05f)).optMomentum(0.9f).build();
        Trainer t = model.newTrainer(new DefaultTrainingConfig(Loss.l2Loss()).optOptimizer(sgd));
        t.initialize(INPUT);
        return t;
    }

    private void step(Trainer t, NDArray x, NDArray y) {
        try (NDScope scope = new NDScope(); GradientCollector gc = t.newGradientCollector()) {
            NDArray pred = t.forward(new NDList(x)).singletonOrThrow();
            gc.backward(pred.sub(y).square().mean());
        }
        t.step();
    }

    private static float[] used(PoseConv2d conv) {
        try (NDScope scope = new NDScope()) {
            NDArray w = conv.weight().getArray();
            return conv.effectiveWeight(new ParameterStore(w.getManager(), false), w.getDevice(), false)
                    .toFloatArray();
        }
    }

    @Test
    void inqFrozenWeightsStayBitIdenticalAndTheFractionFollowsTheSchedule() {
        try (Model model = Model.newInstance("inq")) {
            PoseConv2d conv = conv();
            model.setBlock(conv);
            Trainer t = trainer(model);
            NDArray x = manager.randomNormal(INPUT);
            NDArray y = manager.randomNormal(new Shape(2, 6, 5, 5));
            for (int i = 0; i < 3; i++) {
                step(t, x, y); // "trained" float weights
            }
            float[] trained = conv.weight().getArray().toFloatArray();
            InqQuantizer q = (InqQuantizer) Quantizers.create(QuantizerKind.INQ, QuantSpec.perTensor(3),
                    conv.weightShape());
            conv.setWeightQuantizer(q);
            assertThat(q.isCalibrated()).as("calibrated on attach").isTrue();
            assertThat(q.scales()[0]).isEqualTo(Levels.fitScaleL2(trained, 0, trained.length, 3));
            assertThat(used(conv)).as("nothing frozen yet: float weights pass").containsExactly(trained);

            InqSchedule schedule = InqSchedule.paper();
            int stageSteps = 30;
            int n = trained.length;
            boolean[] frozenBefore = new boolean[n];
            float[] frozenValues = new float[n];
            float[] masterBefore = conv.weight().getArray().toFloatArray();
            for (int s = 0; s < stageSteps; s++) {
                double f = schedule.fractionAtStep(s, stageSteps);
                if (f > q.fractionQuantized()) {
                    q.freeze(conv.weight().getArray(), f);
                    long expected = f >= 1 ? n : (long) Math.floor(f * n);
                    assertThat(q.fractionQuantized()).as("fraction after freezing to %s", f)
                            .isEqualTo((double) expected / n);
                    float[] now = used(conv);
                    boolean[] mask = q.frozenMask();
                    for (int i = 0; i < n; i++) {
                        if (frozenBefore[i]) {
                            assertThat(mask[i]).as("weight %d stays frozen", i).isTrue();
                        }
                        if (mask[i] && !frozenBefore[i]) {
                            frozenValues[i] = now[i];
                            frozenBefore[i] = true;
                        }
                    }
                }
                step(t, x, y);
                float[] now = used(conv);
                for (int i = 0; i < n; i++) {
                    if (frozenBefore[i]) {
                        assertThat(Float.floatToIntBits(now[i])).as("frozen weight %d after step %d", i, s)
                                .isEqualTo(Float.floatToIntBits(frozenValues[i]));
                    }
                }
            }
            float[] master = conv.weight().getArray().toFloatArray();
            assertThat(master).as("the float master keeps its own values").isNotEqualTo(masterBefore);
            float[] w = used(conv);
            float s = q.scales()[0];
            for (float v : w) {
                assertThat(Math.abs(Math.round(v / s))).isLessThanOrEqualTo(3);
                assertThat(v).isEqualTo(Math.round(v / s) * s);
            }
            assertThat(distinct(w).size()).isLessThanOrEqualTo(7);
            assertThat(Quantization.distinctCount(w)).isEqualTo(distinct(w).size());
        }
    }

    @Test
    void lsqStepIsTrainedAndQuantizerStateSurvivesSaveAndLoad() throws Exception {
        NDArray x = manager.randomNormal(INPUT);
        NDArray y = manager.randomNormal(new Shape(2, 6, 5, 5));
        byte[] saved;
        float[] expected;
        for (QuantizerKind kind : QuantizerKind.values()) {
            try (Model model = Model.newInstance("lsq")) {
                PoseConv2d conv = conv();
                model.setBlock(conv);
                Trainer t = trainer(model);
                UniformWeightQuantizer q = Quantizers.create(kind, QuantSpec.perChannel(4), conv.weightShape());
                conv.setWeightQuantizer(q);
                if (q instanceof InqQuantizer inq) {
                    inq.freeze(conv.weight().getArray(), 0.6);
                }
                float[] before = q.scales();
                for (int i = 0; i < 5; i++) {
                    step(t, x, y);
                }
                if (kind == QuantizerKind.LSQ) {
                    assertThat(q.scales()).as("LSQ steps are trained by the optimizer").isNotEqualTo(before);
                } else {
                    assertThat(q.scales()).as("%s scales are fixed", kind).containsExactly(before);
                }
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                conv.saveParameters(new DataOutputStream(bytes));
                saved = bytes.toByteArray();
                try (NDScope scope = new NDScope()) {
                    expected = conv.forward(new ParameterStore(manager, false), new NDList(x), false)
                            .singletonOrThrow().toFloatArray();
                }
            }
            PoseConv2d loaded = conv();
            UniformWeightQuantizer q2 = Quantizers.create(kind, QuantSpec.perChannel(4), loaded.weightShape());
            loaded.setWeightQuantizer(q2);
            loaded.loadParameters(manager, new DataInputStream(new ByteArrayInputStream(saved)));
            assertThat(q2.isCalibrated()).as("%s calibration detected from loaded state", kind).isTrue();
            try (NDScope scope = new NDScope()) {
                float[] out = loaded.forward(new ParameterStore(manager, false), new NDList(x), false)
                        .singletonOrThrow().toFloatArray();
                assertThat(out).as("%s output after save and load", kind).containsExactly(expected);
            }
            if (q2 instanceof InqQuantizer inq) {
                assertThat(inq.fractionQuantized()).isEqualTo(Math.floor(0.6 * 216) / 216);
            }
            assertThat(DataType.FLOAT32).isEqualTo(loaded.weight().getArray().getDataType());
        }
    }
}
