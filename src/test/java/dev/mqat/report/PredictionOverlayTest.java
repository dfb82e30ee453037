package dev.mqat.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqat.data.InputImage;
import dev.mqat.eval.EvaluationResult;
import dev.mqat.eval.PosePredictor;
import dev.mqat.geometry.CameraIntrinsics;
import dev.mqat.geometry.Pose;
import dev.mqat.run.RunEvaluation;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictionOverlayTest {
    private static final int SIZE = 64;
    private static final int SCALE = 8;
    private static final CameraIntrinsics CAMERA = new CameraIntrinsics(64, 64, 31.5, 31.5, SIZE, SIZE);
    private static final double[][] CUBE = cube(20);

    @TempDir
    Path tmp;

    @Test
    void skipsImagesWithoutObjectsAndDrawsEveryInstance() throws Exception {
        Pose left = Pose.identityAt(-40, 0, 200);
        Pose right = Pose.identityAt(40, 0, 200);
        Pose predicted = Pose.identityAt(0, -60, 200);
        InputImage empty = new InputImage(new byte[SIZE * SIZE * 3], SIZE, CAMERA, List.of());
        InputImage two = new InputImage(new byte[SIZE * SIZE * 3], SIZE, CAMERA, List.of(object(left), object(right)));
        InputImage one = new InputImage(new byte[SIZE * SIZE * 3], SIZE, CAMERA, List.of(object(left)));
        List<List<PosePredictor.Prediction>> predictions = List.of(List.of(),
                List.of(new PosePredictor.Prediction(0, 0.9, predicted, 8, 8)), List.of());
        RunEvaluation.Outcome outcome = new RunEvaluation.Outcome(EvaluationResult.of(List.of()), tmp.resolve("p.csv"),
                tmp.resolve("m.json"), 0, List.of(empty, two, one), predictions, new double[][][] {CUBE});

        List<Path> files = PredictionOverlay.writeAll(outcome, tmp.resolve("overlays"), 5);

        // five asked, two images have objects: both are written, the empty one is not
        assertThat(files).extracting(f -> f.getFileName().toString())
                .containsExactly("overlay_00001.png", "overlay_00002.png");
        BufferedImage image = ImageIO.read(files.get(0).toFile());
        assertThat(image.getWidth()).isEqualTo(SIZE * SCALE);
        assertThat(image.getHeight()).isEqualTo(SIZE * SCALE);
        assertThat(colourAtCorner(image, left)).as("first instance").isEqualTo(PredictionOverlay.TRUTH);
        assertThat(colourAtCorner(image, right)).as("second instance").isEqualTo(PredictionOverlay.TRUTH);
        assertThat(colourAtCorner(image, predicted)).as("prediction").isEqualTo(PredictionOverlay.PREDICTION);
        assertThat(PredictionOverlay.writeAll(outcome, tmp.resolve("one"), 1)).hasSize(1);
    }

    private static InputImage.InputObject object(Pose pose) {
        return new InputImage.InputObject(0, pose, null, CUBE, 40 * Math.sqrt(3));
    }

    /** The colour at the centre of the keypoint dot of the box's first corner. */
    private static Color colourAtCorner(BufferedImage image, Pose pose) {
        double[] uv = CAMERA.project(pose.apply(CUBE[0]));
        int x = (int) Math.round((uv[0] + 0.5) * SCALE - 0.5);
        int y = (int) Math.round((uv[1] + 0.5) * SCALE - 0.5);
        return new Color(image.getRGB(x, y));
    }

    private static double[][] cube(double half) {
        double[][] c = new double[8][];
        for (int k = 0; k < 8; k++) {
            c[k] = new double[] {(k & 4) == 0 ? -half : half, (k & 2) == 0 ? -half : half, (k & 1) == 0 ? -half : half};
        }
        return c;
    }
}
