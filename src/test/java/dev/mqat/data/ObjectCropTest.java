package dev.mqat.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mqat.geometry.CameraIntrinsics;
import dev.mqat.geometry.Pose;
import dev.mqat.geometry.Projection;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ObjectCropTest {
    private static final int N = 128;
    private static final CameraIntrinsics CAMERA = new CameraIntrinsics(150, 151, 63.5, 62.0, N, N);
    private static final double[][] CUBE = cube(40);

    /** An image of random pixels and masks with one 80 mm cube at {@code (x, y, z)} mm. */
    private static InputImage image(double x, double y, double z) {
        byte[] rgb = new byte[N * N * 3];
        byte[] mask = new byte[N * N];
        Random r = new Random(3);
        r.nextBytes(rgb);
        r.nextBytes(mask);
        Pose pose = new Pose(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, new double[] {x, y, z});
        return new InputImage(rgb, N, CAMERA, List.of(new InputImage.InputObject(0, pose, mask, CUBE, 139)));
    }

    @Test
    void aWindowKeepsItsPixelsAndMaskAndEveryRayWithItsPixel() {
        InputImage source = image(10, -5, 600);
        InputImage w = source.cropped(17, 40, 64);
        assertThat(w.sizePx()).isEqualTo(64);
        for (int[] p : new int[][] {{0, 0}, {63, 0}, {5, 63}, {31, 17}}) {
            int sx = p[0] + 17, sy = p[1] + 40;
            for (int c = 0; c < 3; c++) {
                assertThat(w.rgb()[(p[1] * 64 + p[0]) * 3 + c]).isEqualTo(source.rgb()[(sy * N + sx) * 3 + c]);
            }
            assertThat(w.objects().get(0).visibleMask()[p[1] * 64 + p[0]])
                    .isEqualTo(source.objects().get(0).visibleMask()[sy * N + sx]);
        }
        double[] point = {30, -20, 700};
        double[] inWindow = w.camera().project(point);
        double[] inSource = CAMERA.project(point);
        assertThat(inWindow).containsExactly(new double[] {inSource[0] - 17, inSource[1] - 40}, within(1e-12));
        assertThat(w.objects().get(0).objectToCamera()).isSameAs(source.objects().get(0).objectToCamera());
    }

    @Test
    void aWindowOutsideTheImageIsRefusedNamingIt() {
        assertThatThrownBy(() -> image(0, 0, 600).cropped(70, 0, 64))
                .hasMessage("crop 64 px at (70, 0) leaves the 128 px image");
    }

    @Test
    void windowsHoldTheWholeObjectAndVaryInPosition() {
        for (double[] at : new double[][] {{0, 0, 700}, {-150, 120, 900}, {160, -150, 1000}, {0, 0, 350}}) {
            InputImage source = image(at[0], at[1], at[2]);
            double[] box = clippedBox(source);
            SplittableRandom random = new SplittableRandom(11);
            Set<List<Double>> origins = new HashSet<>();
            for (int i = 0; i < 40; i++) {
                InputImage w = ObjectCrop.around(source, 96, random);
                double x0 = CAMERA.cx() - w.camera().cx(), y0 = CAMERA.cy() - w.camera().cy();
                origins.add(List.of(x0, y0));
                assertThat(w.sizePx()).isEqualTo(96);
                for (double c : new double[] {box[0] - x0, box[1] - y0, box[2] - x0, box[3] - y0}) {
                    assertThat(c).as("object box in the window, object at %s", Arrays.toString(at)).isBetween(0.0, 95.0);
                }
            }
            assertThat(origins.size()).as("window positions, object at %s", Arrays.toString(at)).isGreaterThan(3);
        }
    }

    @Test
    void anObjectLargerThanTheWindowGetsTheWindowCentredOnIt() {
        // 80 mm at 200 mm: about 75 px across, more than a 32 px window
        InputImage source = image(0, 0, 200);
        double[] box = clippedBox(source);
        InputImage w = ObjectCrop.around(source, 32, new SplittableRandom(1));
        double x0 = CAMERA.cx() - w.camera().cx(), y0 = CAMERA.cy() - w.camera().cy();
        assertThat(box[2] - box[0]).isGreaterThan(64);
        assertThat(x0 + 15.5).isCloseTo((box[0] + box[2]) / 2, within(0.5));
        assertThat(y0 + 15.5).isCloseTo((box[1] + box[3]) / 2, within(0.5));
    }

    /** Box of the projected corners clipped to the image: {min u, min v, max u, max v}. */
    private static double[] clippedBox(InputImage image) {
        double[] box = {N, N, 0, 0};
        for (double[] uv : Projection.project(image.objects().get(0).objectToCamera(), CAMERA, CUBE)) {
            box[0] = Math.min(box[0], Math.max(0, uv[0]));
            box[1] = Math.min(box[1], Math.max(0, uv[1]));
            box[2] = Math.max(box[2], Math.min(N - 1, uv[0]));
            box[3] = Math.max(box[3], Math.min(N - 1, uv[1]));
        }
        return box;
    }

    @Test
    void aWindowAsLargeAsTheImageIsTheImage() {
        InputImage source = image(0, 0, 600);
        assertThat(ObjectCrop.around(source, N, new SplittableRandom(1))).isSameAs(source);
    }

    private static double[][] cube(double h) {
        double[][] c = new double[8][];
        for (int i = 0; i < 8; i++) {
            c[i] = new double[] {(i & 4) == 0 ? -h : h, (i & 2) == 0 ? -h : h, (i & 1) == 0 ? -h : h};
        }
        return c;
    }
}
