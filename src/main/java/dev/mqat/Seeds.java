package dev.mqat;

import java.util.SplittableRandom;

/**
 * Derives every keyed random stream of mqat from a root seed: the one way to seed a generator per image, per step,
 * per batch position or per worker.
 *
 * <p>A stream is named by a {@link Purpose} and that purpose's integer keys, e.g. the augmentation of position 3 of
 * step 120 is {@code random(seed, Purpose.AUGMENTATION, 120, 3)}. Its seed folds the purpose's tag, then each key,
 * into the root seed, each fold {@code state = mix64(state + GOLDEN_GAMMA * (value + 1))} with {@link #mix64}
 * SplitMix64's finalizer (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014):
 * <ul>
 *   <li>the same (root, purpose, keys) give the same stream, whichever thread asks and in whichever order, so a run
 *       resumed at step k draws what an uninterrupted run would;
 *   <li>for a fixed prefix, a fold is a bijection of the next value ({@code GOLDEN_GAMMA} is odd and {@code mix64}
 *       invertible), so two streams that differ only in their last key never share a seed; streams that differ
 *       earlier (another root, purpose or step) share one with probability about 2^-64 per pair, and
 *       {@code SeedsTest} checks there is no collision over the ranges training uses;
 *   <li>every purpose has its own tag, so, unlike a formula such as {@code seed * a + step * b + i}, the positives
 *       of step 7 never reuse the augmentation of step 7, nor root seed 2's streams root seed 1's.
 * </ul>
 *
 * <p>{@link Purpose#SCENE} folds no tag: its one key is the image index, and its seed
 * {@code mix64(root + GOLDEN_GAMMA * (index + 1))} is the formula every synthetic dataset was written with.
 * Changing any tag or fold changes every stream of that kind, hence every result trained with it: never do it
 * silently.
 *
 * <p>Within one sequential computation, children taken by {@link SplittableRandom#split()} in a fixed order are
 * as good (see {@code HessianTrace}); keyed streams are for work that runs out of order or resumes part way.
 */
public final class Seeds {
    /** SplitMix64's increment, 2^64 divided by the golden ratio, rounded to odd. */
    public static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    /** The kinds of keyed stream, each with the keys it takes in order. */
    public enum Purpose {
        /**
         * The scene of one synthetic image; key: image index. Folds no tag (the datasets' formula).
         *
         * @see dev.mqat.synth.SceneSampler#imageRandom
         */
        SCENE(0, 1),
        /**
         * The image order of one training epoch; key: epoch.
         *
         * @see dev.mqat.data.BatchLoader#epochOrder
         */
        EPOCH_ORDER(0xC893FF139C4219F3L, 1),
        /**
         * The augmentation of one image of a training batch; keys: step, position in the batch.
         *
         * @see dev.mqat.data.BatchLoader#build
         */
        AUGMENTATION(0x0E0DFD362B578C67L, 2),
        /**
         * The training windows cut from one batch; key: step.
         *
         * @see dev.mqat.data.Batch#cropped
         */
        CROP(0xFF6231EFCCF19002L, 1),
        /**
         * The positive cells drawn for one image of a training batch; keys: step, position in the batch.
         *
         * @see dev.mqat.train.PoseObjective#targets
         */
        POSITIVES(0x030FE90D06F1B861L, 2),
        /**
         * The shuffle of the training images that batch-norm and depth calibration take the first of; no keys.
         *
         * @see dev.mqat.train.PoseTrainer#calibrationIndices
         */
        CALIBRATION_ORDER(0xFAEE12FCF596E05EL, 0),
        /**
         * The tensors of one convolution gradient check; key: case index.
         *
         * @see dev.mqat.model.ConvGradientCheck#runAll
         */
        GRADIENT_CHECK(0x7AA551229891F0D0L, 1);

        private final long tag;
        private final int keyCount;

        Purpose(long tag, int keyCount) {
            this.tag = tag;
            this.keyCount = keyCount;
        }

        /** The value folded in before the keys; none for {@link #SCENE}. */
        long tag() {
            return tag;
        }

        /** How many keys a stream of this purpose takes. */
        public int keyCount() {
            return keyCount;
        }
    }

    private Seeds() {}

    /**
     * The generator of the stream ({@code root}, {@code purpose}, {@code keys}).
     *
     * @throws IllegalArgumentException when the number of keys is not the purpose's
     */
    public static SplittableRandom random(long root, Purpose purpose, long... keys) {
        return new SplittableRandom(seed(root, purpose, keys));
    }

    /**
     * The seed of the stream ({@code root}, {@code purpose}, {@code keys}), for code that takes a seed rather than a
     * generator.
     *
     * @throws IllegalArgumentException when the number of keys is not the purpose's
     */
    public static long seed(long root, Purpose purpose, long... keys) {
        if (keys.length != purpose.keyCount()) {
            throw new IllegalArgumentException("seeds: " + purpose + " takes " + purpose.keyCount() + " key(s), found "
                    + keys.length);
        }
        long state = purpose == Purpose.SCENE ? root : fold(root, purpose.tag());
        for (long key : keys) {
            state = fold(state, key);
        }
        return state;
    }

    /** SplitMix64's finalizer: a bijection of 64-bit values whose output bits all depend on every input bit. */
    public static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static long fold(long state, long value) {
        return mix64(state + GOLDEN_GAMMA * (value + 1));
    }
}
