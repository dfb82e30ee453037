package dev.mqat.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Base shapes of the WDR-style network families; {@link ModelConfig} scales them with width and depth
 * multipliers and picks levels, strides and anchors.
 *
 * <p>Backbone layout: a 3x3 stem conv, then stages that each start with a 3x3 stride-2 conv and continue with
 * residual units (1x1 conv to half the channels, 3x3 conv back, add). The last three stages give C3, C4, C5
 * at strides 8, 16, 32.
 */
public enum Architecture {
    /**
     * The paper's scale: DarkNet-53 (stem 32 channels at stride 1; stages 64, 128, 256, 512, 1024 channels with
     * 1, 2, 8, 8, 4 residual units), FPN 256 channels, towers of 4 convs of 256 channels with GroupNorm(32),
     * 512 px input, levels P3-P7 with anchors 32-512 px.
     *
     * @see ModelConfig#preset(String)
     */
    WDR_DARKNET53("wdr-darknet53", 32, 1, new int[] {64, 128, 256, 512, 1024}, new int[] {1, 2, 8, 8, 4}, 256, 4, 256, 32,
            512, new int[] {8, 16, 32, 64, 128}, new double[] {32, 64, 128, 256, 512}),
    /**
     * The CPU default: a narrow DarkNet (stem 16 channels at stride 2; stages 32, 64, 128, 256 channels with 1, 2,
     * 2, 1 residual units), FPN 64 channels, towers of 2 convs of 64 channels with GroupNorm(16), 128 px input,
     * levels P3-P5 (strides 8/16/32) with anchors 16/32/64 px for objects 8-60 px across; about 1.23 M parameters.
     *
     * @see ModelConfig#defaults()
     */
    WDR_CPU("wdr-cpu", 16, 2, new int[] {32, 64, 128, 256}, new int[] {1, 2, 2, 1}, 64, 2, 64, 16,
            128, new int[] {8, 16, 32}, new double[] {16, 32, 64});

    private final String key;
    final int stemChannels;
    final int stemStride;
    private final int[] stageChannels;
    private final int[] stageUnits;
    final int fpnChannels;
    final int towerConvs;
    final int towerChannels;
    final int normGroups;
    final int defaultInputSizePx;
    private final int[] defaultStridesPx;
    private final double[] defaultAnchorSizesPx;

    Architecture(String key, int stemChannels, int stemStride, int[] stageChannels, int[] stageUnits, int fpnChannels,
            int towerConvs, int towerChannels, int normGroups, int defaultInputSizePx, int[] defaultStridesPx,
            double[] defaultAnchorSizesPx) {
        this.key = key;
        this.stemChannels = stemChannels;
        this.stemStride = stemStride;
        this.stageChannels = stageChannels;
        this.stageUnits = stageUnits;
        this.fpnChannels = fpnChannels;
        this.towerConvs = towerConvs;
        this.towerChannels = towerChannels;
        this.normGroups = normGroups;
        this.defaultInputSizePx = defaultInputSizePx;
        this.defaultStridesPx = defaultStridesPx;
        this.defaultAnchorSizesPx = defaultAnchorSizesPx;
    }

    /** The preset name, e.g. {@code wdr-cpu}. */
    @JsonValue
    public String key() {
        return key;
    }

    /**
     * The architecture with the given name.
     *
     * @throws IllegalArgumentException naming the value and the valid choices
     */
    @JsonCreator
    public static Architecture fromKey(String key) {
        for (Architecture a : values()) {
            if (a.key.equals(key)) {
                return a;
            }
        }
        throw new IllegalArgumentException("architecture '" + key + "' does not exist; expected one of "
                + Arrays.stream(values()).map(Architecture::key).collect(Collectors.joining(", ")));
    }

    int[] stageChannels() {
        return stageChannels.clone();
    }

    int[] stageUnits() {
        return stageUnits.clone();
    }

    int[] defaultStridesPx() {
        return defaultStridesPx.clone();
    }

    double[] defaultAnchorSizesPx() {
        return defaultAnchorSizesPx.clone();
    }

    /** Total downsampling of the backbone (stride of C5). */
    int backboneStride() {
        return stemStride << stageChannels.length;
    }

    @Override
    public String toString() {
        return key;
    }
}
