package dev.mqat.report;

import dev.mqat.AtomicFiles;
import dev.mqat.geometry.CameraIntrinsics;
import dev.mqat.geometry.Pose;
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
import javax.imageio.ImageIO;

/**
 * Draws the ground-truth box (green) and the predicted box (magenta) with their 8 keypoints over an image,
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
     * Writes the overlay PNG.
     *
     * @param rgb interleaved RGB bytes of a {@code sizePx} square image
     * @param camera intrinsics of that image
     * @param cornersMm the 8 box corners, object frame, mm (order of {@code Mesh.bboxCorners()})
     * @param truth ground-truth pose, or null
     * @param prediction predicted pose, or null when nothing was detected
     */
    public static void write(Path file, byte[] rgb, int sizePx, CameraIntrinsics camera, double[][] cornersMm, Pose truth,
            Pose prediction) {
        int scale = Math.max(1, (MIN_SIDE + sizePx - 1) / sizePx);
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
            if (truth != null) {
                drawBox(g, camera, cornersMm, truth, scale, TRUTH);
            }
            if (prediction != null) {
                drawBox(g, camera, cornersMm, prediction, scale, PREDICTION);
            } else {
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
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
        AtomicFiles.write(file, bytes.toByteArray());
    }

    /**
     * Writes overlays for {@code count} images spread evenly over an evaluation, as
     * {@code <dir>/overlay_<index>.png}, showing each image's first object and the prediction of its class.
     *
     * @return the files written
     */
    public static java.util.List<Path> writeAll(dev.mqat.mqat.RunEvaluation.Outcome outcome, Path dir, int count) {
        java.util.List<Path> files = new java.util.ArrayList<>();
        int n = outcome.images().size();
        for (int j = 0; j < Math.min(count, n); j++) {
            int i = (int) ((long) j * n / Math.min(count, n));
            dev.mqat.data.InputImage image = outcome.images().get(i);
            if (image.objects().isEmpty()) {
                continue;
            }
            dev.mqat.data.InputImage.InputObject truth = image.objects().get(0);
            Pose predicted = null;
            for (dev.mqat.eval.PosePredictor.Prediction p : outcome.predictions().get(i)) {
                if (p.classIndex() == truth.classIndex()) {
                    predicted = p.objectToCamera();
                    break;
                }
            }
            Path file = dir.resolve(String.format("overlay_%05d.png", i));
            write(file, image.rgb(), image.sizePx(), image.camera(), truth.cornersMm(), truth.objectToCamera(), predicted);
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
