package dev.mqat.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.mqat.data.InputImage;
import dev.mqat.geometry.CameraIntrinsics;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ZoomViewTest {
    private static final int N = 64;
    private static final CameraIntrinsics CAMERA = new CameraIntrinsics(75, 76, 30.2, 33.7, N, N);

    private static InputImage image() {
        byte[] rgb = new byte[N * N * 3];
        new Random(5).nextBytes(rgb);
        return new InputImage(rgb, N, CAMERA, List.of());
    }

    @Test
    void theChosenPointLandsAtTheCentreWithItsPixelValue() {
        InputImage source = image();
        ZoomView view = ZoomView.centredOn(source, 20, 41, 2.0);
        // the centre is (31.5, 31.5): the zoomed pixel (x, y) samples the source at (20 + (x - 31.5) / 2, 41 + (y - 31.5) / 2)
        int c = (N - 1) / 2;
        InputImage z = view.image();
        int x = c + 1, y = c - 1; // source (20.25, 40.25)
        double expected = 0.75 * 0.75 * px(source, 20, 40) + 0.25 * 0.75 * px(source, 21, 40)
                + 0.75 * 0.25 * px(source, 20, 41) + 0.25 * 0.25 * px(source, 21, 41);
        assertThat(px(z, x, y)).isCloseTo((int) Math.round(expected), within(1));
        double[] back = {x, y};
        view.toSource(back);
        assertThat(back).containsExactly(new double[] {20.25, 40.25}, within(1e-12));
    }

    @Test
    void pointsSeenByTheZoomedCameraMapBackToWhereTheSourceCameraSeesThem() {
        ZoomView view = ZoomView.centredOn(image(), 12.5, 50, 2.0);
        CameraIntrinsics zoomed = view.image().camera();
        assertThat(zoomed.fx()).isEqualTo(150);
        Random r = new Random(9);
        for (int i = 0; i < 20; i++) {
            double[] p = {r.nextGaussian() * 200, r.nextGaussian() * 200, 800 + r.nextDouble() * 2000};
            double[] uv = zoomed.project(p);
            view.toSource(uv);
            assertThat(uv).containsExactly(CAMERA.project(p), within(1e-9));
        }
    }

    private static int px(InputImage im, int x, int y) {
        return im.rgb()[(y * N + x) * 3] & 0xff;
    }
}
