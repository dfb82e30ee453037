package dev.mqat.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.mqat.Progress;
import dev.mqat.model.ModelConfig;
import dev.mqat.model.NetModule;
import dev.mqat.model.PoseConv2d;
import dev.mqat.model.PoseNet;
import dev.mqat.quant.BitPlan;
import dev.mqat.quant.Granularity;
import dev.mqat.quant.InqSchedule;
import dev.mqat.quant.Quantization;
import dev.mqat.quant.QuantizerKind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link StageHook}: INQ freezing on the paper's schedule and the learning rate of a quantization stage. */
class StageHookTest {

    @Test
    void inqHookFreezesFractionsOnTheScheduleAndSetsTheLearningRate() {
        long steps = 30;
        InqSchedule schedule = InqSchedule.paper();
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            PoseNet net = PoseNet.create(ModelConfig.defaults().withInputSizePx(64).withWidthMultiplier(0.25), m);
            QuantizeSettings q = new QuantizeSettings("r", "c", BitPlan.parse("fpn=4"), List.of(), QuantizerKind.INQ,
                    Granularity.PER_TENSOR, 0, steps, 0, 0);
            StageQuantizers.attach(net, List.of(NetModule.FPN), q.plan(), q);
            Progress quiet = new Progress("t", steps, 0, "step", line -> { }, 1000);
            StageHook hook = new StageHook(0, List.of(NetModule.FPN), QuantizerKind.INQ, 0.01,
                    (st, s) -> {}, quiet, 0);
            List<Double> fractions = new ArrayList<>();
            for (long s = 0; s < steps; s++) {
                hook.beforeStep(s, steps, net);
                double f = schedule.fractionAtStep(s, steps);
                for (PoseConv2d l : net.layers(NetModule.FPN)) {
                    long n = l.weightCount();
                    assertThat(Quantization.quantizerOf(l).get().fractionQuantized()).as("%s at step %d", l.name(), s)
                            .isEqualTo(Math.floor(f * n) / n);
                }
                fractions.add(Quantization.quantizerOf(net.layers(NetModule.FPN).get(0)).get().fractionQuantized());
            }
            assertThat(fractions.get(0)).isCloseTo(0.2, offset(0.01));
            assertThat(fractions.get(29)).isEqualTo(1.0);
            assertThat(Quantization.quantizerOf(net.layers(NetModule.BACKBONE).get(0))).isEmpty();
            // Table 10: base LR at epochs 0-2, x0.1 at 3-4, base again from 5
            assertThat(hook.learningRate(0, steps, 123)).isEqualTo(0.01);
            assertThat(hook.learningRate(3, steps, 123)).isCloseTo(0.001, offset(1e-12));
            assertThat(hook.learningRate(5, steps, 123)).isEqualTo(0.01);
        }
    }

    @Test
    void lsqAndSteDecayTheLearningRateAtAThirdTwoThirdsAndFiveSixths() {
        InqSchedule schedule = InqSchedule.paper();
        assertThat(StageHook.multiplier(QuantizerKind.LSQ, schedule, 0, 30)).isEqualTo(1.0);
        assertThat(StageHook.multiplier(QuantizerKind.LSQ, schedule, 9, 30)).isEqualTo(1.0);
        assertThat(StageHook.multiplier(QuantizerKind.LSQ, schedule, 10, 30)).isCloseTo(0.1, offset(1e-12));
        assertThat(StageHook.multiplier(QuantizerKind.STE, schedule, 20, 30)).isCloseTo(0.01, offset(1e-12));
        assertThat(StageHook.multiplier(QuantizerKind.STE, schedule, 29, 30)).isCloseTo(0.001, offset(1e-12));
    }

    /** A stage resumed at step 50 of 100 (after a finished stage of 100) must not count its first 50 steps as done now. */
    @Test
    void aResumedStageMeasuresItsRateFromTheStepItResumedAt() throws InterruptedException {
        List<String> lines = new ArrayList<>();
        Progress progress = new Progress("quantize", 200, 100, "step", lines::add, 0);
        StageHook hook = new StageHook(1, List.of(NetModule.HEAD), QuantizerKind.LSQ, 0.01, (st, s) -> {}, progress, 100);
        hook.beforeStep(50, 100, null);
        Thread.sleep(50);
        hook.beforeStep(51, 100, null);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).contains("150/200").contains("ETA ?");
        // one step in at least 50 ms: at most 20 steps/s (counting from 100 would give 51 steps, over 1000 steps/s)
        double rate = Double.parseDouble(lines.get(1).replaceAll(".* ([0-9.]+) step/s.*", "$1"));
        assertThat(rate).isLessThanOrEqualTo(20.0);
    }
}
