package dev.mqat.report;

import dev.mqat.AtomicFiles;
import dev.mqat.data.InputImage;
import dev.mqat.eval.PosePredictor;
import dev.mqat.geometry.CameraIntrinsics;
import dev.mqat.geometry.Pose;
import dev.mqat.run.RunEvaluation;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Draws the ground-truth boxes (green) and the predicted boxes (magenta) with their 8 keypoints over an image,
 * enlarged to at least 512 px so that small objects can be checked by eye.
 */
public final class PredictionOverlay {
    public static final Color TRUTH = new Color(60, 220, 90);
    public static final Color PREDICTION = new Color(235, 60, 220);
    private static final int MIN_SIDE = 512;
    private static final int[][] EDGES = {
        {0, 1}, {2, 3}, {4, 5}, {6, 7}, {0, 2}, {1, 3}, {4, 6}, {5, 7}, {0, 4}, {1, 5}, {2, 6}, {3, 7}
    };

    private PredictionOverlay() {}

    /**
     * One box to draw.
     *
     * @param cornersMm the 8 box corners, object frame, mm (order of {@code Mesh.bboxCorners()})
     * @param objectToCamera pose of the object
     */
    public record Box(double[][] cornersMm, Pose objectToCamera) {}

    /**
     * Writes the overlay PNG.
     *
     * @param rgb interleaved RGB bytes of a {@code sizePx} square image
     * @param camera intrinsics of that image
     * @param truths ground-truth boxes, drawn green
     * @param predictions predicted boxes, drawn magenta over the truths; none prints "no detection"
     */
    public static void write(Path file, byte[] rgb, int sizePx, CameraIntrinsics camera, List<Box> truths,
            List<Box> predictions) {
        AtomicFiles.write(file, png(rgb, sizePx, camera, truths, predictions, MIN_SIDE));
    }

    /**
     * The overlay as PNG bytes, enlarged by a whole factor to at least {@code minSidePx} (reports embed them).
     *
     * @see #write
     */
    public static byte[] png(byte[] rgb, int sizePx, CameraIntrinsics camera, List<Box> truths,
            List<Box> predictions, int minSidePx) {
        int scale = Math.max(1, (minSidePx + sizePx - 1) / sizePx);
        BufferedImage src = new BufferedImage(sizePx, sizePx, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < sizePx; y++) {
            for (int x = 0; x < sizePx; x++) {
                int o = (y * sizePx + x) * 3;
                src.setRGB(x, y, ((rgb[o] & 0xff) << 16) | ((rgb[o + 1] & 0xff) << 8) | (rgb[o + 2] & 0xff));
            }
        }
        BufferedImage out = new BufferedImage(sizePx * scale, sizePx * scale, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            g.drawImage(src, 0, 0, out.getWidth(), out.getHeight(), null);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            for (Box b : truths) {
                drawBox(g, camera, b.cornersMm(), b.objectToCamera(), scale, TRUTH);
            }
            for (Box b : predictions) {
                drawBox(g, camera, b.cornersMm(), b.objectToCamera(), scale, PREDICTION);
            }
            if (predictions.isEmpty()) {
                g.setColor(PREDICTION);
                g.drawString("no detection", 6, 16);
            }
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ImageIO.write(out, "png", bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("overlay PNG: " + e.getMessage(), e);
        }
        return bytes.toByteArray();
    }

    /**
     * Writes overlays for {@code min(count, images with an object)} images spread evenly over the evaluated
     * images that have at least one ground-truth object, as {@code <dir>/overlay_<index>.png} (index in the
     * evaluation), each with every ground-truth instance and every prediction of the image.
     *
     * @return the files written
     */
    public static List<Path> writeAll(RunEvaluation.Outcome outcome, Path dir, int count) {
        // images without objects show nothing to check, so they are never picked
        List<Integer> withObjects = new ArrayList<>();
        for (int i = 0; i < outcome.images().size(); i++) {
            if (!outcome.images().get(i).objects().isEmpty()) {
                withObjects.add(i);
            }
        }
        int n = Math.min(count, withObjects.size());
        List<Path> files = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            int i = withObjects.get((int) ((long) j * withObjects.size() / n));
            InputImage image = outcome.images().get(i);
            List<Box> truths = new ArrayList<>();
            for (InputImage.InputObject o : image.objects()) {
                truths.add(new Box(o.cornersMm(), o.objectToCamera()));
            }
            List<Box> predictions = new ArrayList<>();
            for (PosePredictor.Prediction p : outcome.predictions().get(i)) {
                predictions.add(new Box(outcome.classCornersMm()[p.classIndex()], p.objectToCamera()));
            }
            Path file = dir.resolve(String.format("overlay_%05d.png", i));
            write(file, image.rgb(), image.sizePx(), image.camera(), truths, predictions);
            files.add(file);
        }
        return files;
    }

    private static void drawBox(Graphics2D g, CameraIntrinsics camera, double[][] cornersMm, Pose pose, int scale, Color c) {
        double[][] uv = new double[8][];
        for (int k = 0; k < 8; k++) {
            uv[k] = camera.project(pose.apply(cornersMm[k]));
        }
        g.setColor(c);
        g.setStroke(new BasicStroke(2f));
        for (int[] e : EDGES) {
            double[] a = uv[e[0]];
            double[] b = uv[e[1]];
            if (Double.isFinite(a[0]) && Double.isFinite(b[0])) {
                g.draw(new Line2D.Double(px(a[0], scale), px(a[1], scale), px(b[0], scale), px(b[1], scale)));
            }
        }
        for (double[] p : uv) {
            if (Double.isFinite(p[0])) {
                g.fill(new Ellipse2D.Double(px(p[0], scale) - 3, px(p[1], scale) - 3, 6, 6));
            }
        }
    }

    private static double px(double u, int scale) {
        return (u + 0.5) * scale - 0.5;
    }
}
