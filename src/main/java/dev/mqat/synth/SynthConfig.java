package dev.mqat.synth;

/**
 * What {@link Synthesizer} generates.
 *
 * @param imageCount images over all splits (default {@value #DEFAULT_IMAGES}: 20 240 train, 880 val, 880 test
 *     with the default split; a CPU prototype of the default network overfit 4k training images and did not
 *     overfit 20k)
 * @param sizePx image width and height, px (default 128)
 * @param seed root seed; the same seed gives the same bytes (default 1)
 * @param split fractions per split (default {@link SplitFractions#defaults()})
 * @param depthSampling how depths are drawn (default {@link DepthSampling#UNIFORM})
 * @param imagesPerScene images per BOP scene folder (default 1000, as BOP)
 */
public record SynthConfig(int imageCount, int sizePx, long seed, SplitFractions split, DepthSampling depthSampling,
        int imagesPerScene) {

    /** Default number of images. */
    public static final int DEFAULT_IMAGES = 22000;

    public SynthConfig {
        if (imageCount < 1) {
            throw new IllegalArgumentException("synth.imageCount must be >= 1, found " + imageCount);
        }
        if (sizePx < 16 || sizePx > 4096) {
            throw new IllegalArgumentException("synth.sizePx must be in 16..4096, found " + sizePx);
        }
        if (split == null) {
            throw new IllegalArgumentException("synth.split is required, e.g. train=0.92,val=0.04,test=0.04");
        }
        if (depthSampling == null) {
            throw new IllegalArgumentException("synth.depthSampling is required (UNIFORM or LOG_UNIFORM)");
        }
        if (imagesPerScene < 1 || imagesPerScene > 1_000_000) {
            throw new IllegalArgumentException("synth.imagesPerScene must be in 1..1000000, found " + imagesPerScene);
        }
    }

    public static SynthConfig defaults() {
        return new SynthConfig(DEFAULT_IMAGES, 128, 1, SplitFractions.defaults(), DepthSampling.UNIFORM, 1000);
    }

    public SynthConfig withImageCount(int n) {
        return new SynthConfig(n, sizePx, seed, split, depthSampling, imagesPerScene);
    }

    public SynthConfig withSizePx(int px) {
        return new SynthConfig(imageCount, px, seed, split, depthSampling, imagesPerScene);
    }

    public SynthConfig withSeed(long s) {
        return new SynthConfig(imageCount, sizePx, s, split, depthSampling, imagesPerScene);
    }

    public SynthConfig withSplit(SplitFractions f) {
        return new SynthConfig(imageCount, sizePx, seed, f, depthSampling, imagesPerScene);
    }

    public SynthConfig withDepthSampling(DepthSampling d) {
        return new SynthConfig(imageCount, sizePx, seed, split, d, imagesPerScene);
    }

    public SynthConfig withImagesPerScene(int n) {
        return new SynthConfig(imageCount, sizePx, seed, split, depthSampling, n);
    }
}
