package dev.mqat.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqat.Seeds;
import dev.mqat.geometry.CameraIntrinsics;
import dev.mqat.geometry.Pose;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BatchLoaderTest {
    private static final int N = 128;
    private static final long SEED = 5;
    private static final CameraIntrinsics CAMERA = new CameraIntrinsics(150, 151, 63.5, 62.0, N, N);

    /** Six images of random pixels, each with one 80 mm cube at its own place. */
    private static List<InputImage> images() {
        List<InputImage> images = new ArrayList<>();
        Random r = new Random(3);
        for (int i = 0; i < 6; i++) {
            byte[] rgb = new byte[N * N * 3];
            byte[] mask = new byte[N * N];
            r.nextBytes(rgb);
            r.nextBytes(mask);
            Pose pose = new Pose(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, new double[] {-120 + 50 * i, 40 - 20 * i, 700});
            images.add(new InputImage(rgb, N, CAMERA, List.of(new InputImage.InputObject(0, pose, mask, cube(40), 139))));
        }
        return images;
    }

    @Test
    void theLoaderCutsEachStepsWindowsWithThatStepsCropStream() {
        List<InputImage> images = images();
        BatchLoader.WindowSides sides = step -> step < 2 ? 64 : step == 2 ? 96 : 0;
        try (BatchLoader windows = new BatchLoader(images, 2, SEED, AugmentationConfig.none(), 0, 4, 2, sides);
                BatchLoader whole = new BatchLoader(images, 2, SEED, AugmentationConfig.none(), 0, 4, 1,
                        BatchLoader.WHOLE_IMAGES)) {
            for (long step = 0; step < 4; step++) {
                Batch got = windows.next();
                Batch full = whole.next();
                int side = sides.sideAt(step);
                Batch expected = new Batch(step, full.epoch(), null, full.images())
                        .cropped(side, Seeds.random(SEED, Seeds.Purpose.CROP, step));
                assertThat(got.step()).isEqualTo(step);
                assertThat(got.sizePx()).as("step %d", step).isEqualTo(side == 0 ? N : side);
                assertThat(got.pixels()).as("step %d", step).containsExactly(expected.pixels());
                assertThat(full.pixels()).containsExactly(BatchLoader.normalize(full.images()));
            }
        }
    }

    @Test
    void aLoaderStartedLaterGivesThatStepsBatchesAsAnUninterruptedOne() {
        List<InputImage> images = images();
        BatchLoader.WindowSides sides = step -> step % 2 == 0 ? 64 : 96;
        List<float[]> uninterrupted = new ArrayList<>();
        try (BatchLoader loader = new BatchLoader(images, 2, SEED, AugmentationConfig.none(), 0, 5, 2, sides)) {
            for (int step = 0; step < 5; step++) {
                uninterrupted.add(loader.next().pixels());
            }
        }
        try (BatchLoader resumed = new BatchLoader(images, 2, SEED, AugmentationConfig.none(), 3, 5, 2, sides)) {
            assertThat(resumed.next().pixels()).containsExactly(uninterrupted.get(3));
            assertThat(resumed.next().pixels()).containsExactly(uninterrupted.get(4));
        }
        assertThat(uninterrupted.get(1)).isNotEqualTo(uninterrupted.get(4)); // same side, other windows and images
    }

    private static double[][] cube(double h) {
        double[][] c = new double[8][];
        for (int i = 0; i < 8; i++) {
            c[i] = new double[] {(i & 4) == 0 ? -h : h, (i & 2) == 0 ? -h : h, (i & 1) == 0 ? -h : h};
        }
        return c;
    }
}
