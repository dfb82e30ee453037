package dev.mqat.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Arrays;

/**
 * Everything that defines the pose network's shape; written into a run's {@code config.json} and into every
 * checkpoint.
 *
 * @param arch base architecture ({@code wdr-cpu} by default)
 * @param inputSizePx side of the square network input, px; a multiple of the backbone stride 32 (default 128)
 * @param widthMultiplier multiplies every channel count, rounded to a multiple of 8 (default 1.0)
 * @param depthMultiplier multiplies the residual units per stage, rounded, at least 1 (default 1.0)
 * @param numClasses number of object classes; 1 logit and 16 corner offsets per class (default 1)
 * @param stridesPx stride of each pyramid level, px: 8, 16, 32 then doubling for extra levels (default 8, 16, 32)
 * @param anchorSizesPx anchor size of each level, px, the unit of the encoded corner offsets (default 16, 32, 64)
 */
public record ModelConfig(Architecture arch, int inputSizePx, double widthMultiplier, double depthMultiplier,
        int numClasses, int[] stridesPx, double[] anchorSizesPx) {

    public ModelConfig {
        if (arch == null) {
            throw new IllegalArgumentException("model.arch: required; expected one of wdr-darknet53, wdr-cpu");
        }
        int maxStride = arch.backboneStride();
        if (inputSizePx <= 0 || inputSizePx % maxStride != 0) {
            throw new IllegalArgumentException("model.inputSizePx: must be a positive multiple of " + maxStride
                    + ", found " + inputSizePx);
        }
        if (!(widthMultiplier > 0) || widthMultiplier > 8) {
            throw new IllegalArgumentException("model.widthMultiplier: must be in (0, 8], found " + widthMultiplier);
        }
        if (!(depthMultiplier > 0) || depthMultiplier > 8) {
            throw new IllegalArgumentException("model.depthMultiplier: must be in (0, 8], found " + depthMultiplier);
        }
        if (numClasses < 1) {
            throw new IllegalArgumentException("model.numClasses: must be at least 1, found " + numClasses);
        }
        if (stridesPx == null || stridesPx.length < 3) {
            throw new IllegalArgumentException("model.stridesPx: needs at least 3 levels (8, 16, 32), found "
                    + Arrays.toString(stridesPx));
        }
        for (int i = 0; i < stridesPx.length; i++) {
            if (stridesPx[i] != 8 << i) {
                throw new IllegalArgumentException("model.stridesPx: must be 8, 16, 32, ... doubling per level, found "
                        + Arrays.toString(stridesPx));
            }
        }
        if (anchorSizesPx == null || anchorSizesPx.length != stridesPx.length) {
            throw new IllegalArgumentException("model.anchorSizesPx: needs one size per level (" + stridesPx.length
                    + "), found " + Arrays.toString(anchorSizesPx));
        }
        for (double a : anchorSizesPx) {
            if (!(a > 0) || Double.isInfinite(a)) {
                throw new IllegalArgumentException("model.anchorSizesPx: sizes must be positive, found "
                        + Arrays.toString(anchorSizesPx));
            }
        }
        stridesPx = stridesPx.clone();
        anchorSizesPx = anchorSizesPx.clone();
    }

    /** The CPU default preset, {@code wdr-cpu}. */
    public static ModelConfig defaults() {
        return preset(Architecture.WDR_CPU.key());
    }

    /**
     * The preset of the given name with its default input size, levels and anchors, one class, multipliers 1.
     *
     * @throws IllegalArgumentException naming the value and the valid presets
     */
    public static ModelConfig preset(String name) {
        Architecture a = Architecture.fromKey(name);
        return new ModelConfig(a, a.defaultInputSizePx, 1.0, 1.0, 1, a.defaultStridesPx(), a.defaultAnchorSizesPx());
    }

    public ModelConfig withInputSizePx(int px) {
        return new ModelConfig(arch, px, widthMultiplier, depthMultiplier, numClasses, stridesPx, anchorSizesPx);
    }

    public ModelConfig withNumClasses(int n) {
        return new ModelConfig(arch, inputSizePx, widthMultiplier, depthMultiplier, n, stridesPx, anchorSizesPx);
    }

    public ModelConfig withWidthMultiplier(double w) {
        return new ModelConfig(arch, inputSizePx, w, depthMultiplier, numClasses, stridesPx, anchorSizesPx);
    }

    public ModelConfig withDepthMultiplier(double d) {
        return new ModelConfig(arch, inputSizePx, widthMultiplier, d, numClasses, stridesPx, anchorSizesPx);
    }

    @Override
    public int[] stridesPx() {
        return stridesPx.clone();
    }

    @Override
    public double[] anchorSizesPx() {
        return anchorSizesPx.clone();
    }

    /** Number of pyramid levels. */
    @JsonIgnore
    public int levels() {
        return stridesPx.length;
    }

    /** A channel count of the base architecture scaled by the width multiplier: a multiple of 8, at least 8. */
    int channels(int base) {
        return Math.max(8, (int) Math.round(base * widthMultiplier / 8.0) * 8);
    }

    /** Residual units of a stage scaled by the depth multiplier, at least 1. */
    int units(int base) {
        return Math.max(1, (int) Math.round(base * depthMultiplier));
    }

    /** Group count for a norm over {@code channels}: the architecture's, lowered until it divides. */
    int groups(int channels) {
        int g = Math.min(arch.normGroups, channels);
        while (channels % g != 0) {
            g--;
        }
        return g;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelConfig m && arch == m.arch && inputSizePx == m.inputSizePx
                && Double.compare(widthMultiplier, m.widthMultiplier) == 0
                && Double.compare(depthMultiplier, m.depthMultiplier) == 0 && numClasses == m.numClasses
                && Arrays.equals(stridesPx, m.stridesPx) && Arrays.equals(anchorSizesPx, m.anchorSizesPx);
    }

    @Override
    public int hashCode() {
        return ((arch.hashCode() * 31 + inputSizePx) * 31 + numClasses) * 31 + Arrays.hashCode(stridesPx);
    }

    @Override
    public String toString() {
        return "ModelConfig[" + arch + ", " + inputSizePx + " px, width x" + widthMultiplier + ", depth x"
                + depthMultiplier + ", " + numClasses + " classes, strides " + Arrays.toString(stridesPx) + ", anchors "
                + Arrays.toString(anchorSizesPx) + "]";
    }
}
