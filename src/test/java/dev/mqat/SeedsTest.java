package dev.mqat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mqat.Seeds.Purpose;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SeedsTest {
    private static final int ROOTS = 21;
    private static final int STEPS = 2001;
    private static final int POSITIONS = 65;
    private static final int IMAGES = 22000;
    /** Draws each stream may take without meeting another: above an epoch order of the default dataset's 20240. */
    private static final long DRAWS = 1 << 15;

    @Test
    void sceneStreamsAreTheDatasetFormula() {
        for (long root : new long[] {0, 1, 42, -7, Long.MAX_VALUE}) {
            for (int index : new int[] {0, 1, 17, 21999, Integer.MAX_VALUE}) {
                assertThat(Seeds.seed(root, Purpose.SCENE, index)).as("scene seed of root %d, image %d", root, index)
                        .isEqualTo(Seeds.mix64(root + Seeds.GOLDEN_GAMMA * (index + 1L)));
            }
        }
        assertThat(Seeds.random(1, Purpose.SCENE, 0).nextLong()).as("first draw of image 0 of the default dataset seed")
                .isEqualTo(0x5E41AB087439611EL);
    }

    @Test
    void equalInputsGiveEqualStreams() {
        SplittableRandom a = Seeds.random(3, Purpose.AUGMENTATION, 120, 5);
        SplittableRandom b = Seeds.random(3, Purpose.AUGMENTATION, 120, 5);
        for (int i = 0; i < 100; i++) {
            assertThat(a.nextLong()).as("draw %d of two generators of the same stream", i).isEqualTo(b.nextLong());
        }
    }

    @Test
    void tagsAreDistinctAndOutsideTheRangeOfImageIndexes() {
        long[] tags = Arrays.stream(Purpose.values()).filter(p -> p != Purpose.SCENE).mapToLong(Purpose::tag).toArray();
        assertThat(tags).as("purpose tags").doesNotHaveDuplicates();
        for (long tag : tags) {
            assertThat(tag < 0 || tag > Integer.MAX_VALUE).as("tag %x beyond any image index", tag).isTrue();
        }
    }

    /**
     * Every stream training and synthesis use, over root seeds 0..20, steps and epochs 0..2000, batch positions
     * 0..64 and images 0..21999: all seeds differ, and no stream runs into another within its first {@link #DRAWS}
     * draws.
     *
     * <p>{@link SplittableRandom} seeded with {@code s} draws {@code mix64(s + GOLDEN_GAMMA * k)} for k = 1, 2, ...,
     * so two streams meet within n draws exactly when their seeds differ by {@code GOLDEN_GAMMA * j} with
     * {@code |j| < n}; multiplying each seed by the inverse of {@code GOLDEN_GAMMA} turns that into a distance.
     */
    @Test
    void streamsOfDifferentPurposesAndKeysDoNotCollide() {
        int perRoot = IMAGES + STEPS + STEPS + 1 + POSITIONS + 2 * STEPS * POSITIONS;
        long[] seeds = new long[ROOTS * perRoot];
        int n = 0;
        for (long root = 0; root < ROOTS; root++) {
            for (int image = 0; image < IMAGES; image++) {
                seeds[n++] = Seeds.seed(root, Purpose.SCENE, image);
            }
            for (int step = 0; step < STEPS; step++) {
                seeds[n++] = Seeds.seed(root, Purpose.EPOCH_ORDER, step);
                seeds[n++] = Seeds.seed(root, Purpose.CROP, step);
                for (int position = 0; position < POSITIONS; position++) {
                    seeds[n++] = Seeds.seed(root, Purpose.AUGMENTATION, step, position);
                    seeds[n++] = Seeds.seed(root, Purpose.POSITIVES, step, position);
                }
            }
            seeds[n++] = Seeds.seed(root, Purpose.CALIBRATION_ORDER);
            for (int check = 0; check < POSITIONS; check++) {
                seeds[n++] = Seeds.seed(root, Purpose.GRADIENT_CHECK, check);
            }
        }
        assertThat(n).isEqualTo(seeds.length);

        long[] sorted = seeds.clone();
        Arrays.sort(sorted);
        int repeated = 0;
        for (int i = 1; i < sorted.length; i++) {
            repeated += sorted[i] == sorted[i - 1] ? 1 : 0;
        }
        assertThat(repeated).as("seeds that appear twice among %d streams", sorted.length).isZero();

        long inverse = inverseOfGamma();
        long[] positions = new long[seeds.length];
        for (int i = 0; i < seeds.length; i++) {
            positions[i] = seeds[i] * inverse;
        }
        Arrays.sort(positions); // signed order; the gap across the wrap is checked below
        long smallest = positions[0] - positions[positions.length - 1]; // wraps around 2^64
        for (int i = 1; i < positions.length; i++) {
            smallest = Long.compareUnsigned(positions[i] - positions[i - 1], smallest) < 0 ? positions[i] - positions[i - 1]
                    : smallest;
        }
        assertThat(Long.compareUnsigned(smallest, DRAWS)).as("closest two of %d streams are %s draws apart, expected at "
                + "least %d", seeds.length, Long.toUnsignedString(smallest), DRAWS).isGreaterThanOrEqualTo(0);
    }

    @Test
    void wrongNumberOfKeysNamesThePurpose() {
        assertThatThrownBy(() -> Seeds.seed(1, Purpose.AUGMENTATION, 5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("AUGMENTATION").hasMessageContaining("2").hasMessageContaining("found 1");
    }

    /** The inverse of the odd {@code GOLDEN_GAMMA} modulo 2^64, by Newton's iteration (each doubles the bits right). */
    private static long inverseOfGamma() {
        long x = Seeds.GOLDEN_GAMMA;
        for (int i = 0; i < 6; i++) {
            x *= 2 - Seeds.GOLDEN_GAMMA * x;
        }
        assertThat(x * Seeds.GOLDEN_GAMMA).as("GOLDEN_GAMMA times its inverse").isEqualTo(1L);
        return x;
    }
}
