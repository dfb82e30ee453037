package dev.mqat.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import dev.mqat.model.ConvGradientCheck.ConvCase;
import dev.mqat.model.ConvGradientCheck.Outcome;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The convolution every layer uses gives the float64 reference's output and gradients, at 2 intra-op threads, for
 * the channel counts the engine's kernels got wrong and for every convolution the presets build.
 */
class ConvGradientCheckTest {

    private static final int THREADS = 2;

    /** Presets at widths whose channel counts are multiples of 8 but not of 16 or 32, and several class counts. */
    private static List<ModelConfig> presetVariants() {
        List<ModelConfig> configs = new ArrayList<>();
        for (double width : new double[] {0.5, 0.75, 1.0, 1.25, 1.5}) {
            for (int classes : new int[] {1, 2, 3}) {
                configs.add(ModelConfig.defaults().withWidthMultiplier(width).withNumClasses(classes));
            }
        }
        configs.add(ModelConfig.preset("wdr-darknet53"));
        return configs;
    }

    @Test
    void everyStandardAndPresetConvolutionMatchesFloat64() {
        List<ConvCase> cases = ConvGradientCheck.standardCases(presetVariants());
        List<String> wrong = ConvGradientCheck.runAll(cases, THREADS, 11).stream().filter(o -> !o.ok())
                .map(Outcome::describe).toList();
        assertThat(wrong).as("convolutions disagreeing with float64 at %d threads, of %d", THREADS, cases.size())
                .isEmpty();
    }

    @Test
    void channelSweepOfThreeByThreeConvolutionsMatchesFloat64() {
        List<ConvCase> cases = new ArrayList<>();
        for (int stride : new int[] {1, 2}) {
            for (int in = 8; in <= 128; in += 8) {
                cases.add(new ConvCase(4, in, 16, 8 * stride, 3, stride, false));
            }
            for (int out = 1; out <= 40; out += out < 17 ? 1 : 8) {
                cases.add(new ConvCase(4, 40, out, 8 * stride, 3, stride, true));
            }
        }
        List<String> wrong = ConvGradientCheck.runAll(cases, THREADS, 5).stream().filter(o -> !o.ok())
                .map(Outcome::describe).toList();
        assertThat(wrong).as("3x3 convolutions disagreeing with float64, of %d", cases.size()).isEmpty();
    }

    @Test
    void checkReportsAWrongInputGradient() {
        // right output, zero input gradient: the check must name the input gradient and nothing else
        ConvGradientCheck.Convolution noInputGradient = (x, w, b, stride, pad) -> Conv2d.conv2d(x.stopGradient(), w, b,
                new Shape(stride, stride), new Shape(pad, pad), new Shape(1, 1), 1).singletonOrThrow();
        Outcome o = ConvGradientCheck.check(new ConvCase(4, 16, 16, 8, 3, 1, true), 3, noInputGradient);
        assertThat(o.ok()).isFalse();
        assertThat(o.describe()).contains("input gradient").doesNotContain("output").doesNotContain("weight");
        assertThat(o.forwardError()).isLessThan(ConvGradientCheck.RELATIVE_TOLERANCE);
    }

    @Test
    void checkReportsAWrongOutput() {
        ConvGradientCheck.Convolution scaled = (x, w, b, stride, pad) -> PoseConv2d.convolve(x, w, b, stride, pad).mul(1.01);
        Outcome o = ConvGradientCheck.check(new ConvCase(2, 8, 8, 8, 1, 1, false), 3, scaled);
        assertThat(o.describe()).contains("output off by");
    }

    @Test
    void paddingRulesAddChannelsOnlyWhereNeeded() {
        assertThat(ConvChannelPadding.outputChannels(1, 3, true)).isEqualTo(16);
        assertThat(ConvChannelPadding.outputChannels(1, 3, false)).isEqualTo(1);
        assertThat(ConvChannelPadding.outputChannels(1, 1, true)).isEqualTo(1);
        assertThat(ConvChannelPadding.outputChannels(32, 3, true)).isEqualTo(32);
        assertThat(ConvChannelPadding.inputChannels(3, 3, 2, true)).isEqualTo(3);
        assertThat(ConvChannelPadding.inputChannels(16, 3, 2, true)).isEqualTo(16);
        assertThat(ConvChannelPadding.inputChannels(24, 3, 1, false)).isEqualTo(32);
        assertThat(ConvChannelPadding.inputChannels(48, 3, 1, true)).isEqualTo(48);
        assertThat(ConvChannelPadding.inputChannels(48, 3, 2, false)).isEqualTo(48);
        assertThat(ConvChannelPadding.inputChannels(48, 3, 2, true)).isEqualTo(64);
        assertThat(ConvChannelPadding.inputChannels(24, 1, 2, true)).isEqualTo(24);
    }

    @Test
    void verifyPassesForTheDefaultNetwork() {
        ConvGradientCheck.verify(ModelConfig.defaults());
    }
}
