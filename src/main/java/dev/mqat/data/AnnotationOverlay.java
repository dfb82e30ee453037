package dev.mqat.data;

import dev.mqat.AtomicFiles;
import dev.mqat.MqatFormatException;
import dev.mqat.geometry.CameraIntrinsics;
import dev.mqat.geometry.Mesh;
import dev.mqat.geometry.Pose;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;
import javax.imageio.ImageIO;

/**
 * Draws the ground truth over an image so that a person can check annotations by eye: the visible mask
 * tinted, the 12 edges of the projected 3D bounding box, the 8 keypoints (the box corners of
 * {@link Mesh#bboxCorners()}, numbered in that order) and a label with the object id and depth.
 *
 * <p>Small images are enlarged by an integer factor (nearest neighbour) so that the longer side is at least
 * {@value #MIN_OUTPUT_SIDE} px; projected points are mapped with pixel centres at integer coordinates.
 */
public final class AnnotationOverlay {
    /** Longer side the output is enlarged to at least, px. */
    public static final int MIN_OUTPUT_SIDE = 512;

    private static final Color[] INSTANCE_COLORS = {
        new Color(0, 255, 0), new Color(255, 0, 255), new Color(0, 200, 255), new Color(255, 200, 0), new Color(255, 80, 80)
    };

    private AnnotationOverlay() {}

    /** The 12 edges of a box whose 8 corners are indexed as in {@link Mesh#bboxCorners()} (corners differing in one bit). */
    public static int[][] boxEdges() {
        List<int[]> edges = new ArrayList<>(12);
        for (int i = 0; i < 8; i++) {
            for (int bit = 1; bit <= 4; bit <<= 1) {
                if ((i & bit) == 0) {
                    edges.add(new int[] {i, i | bit});
                }
            }
        }
        return edges.toArray(new int[0][]);
    }

    /**
     * Projects the 8 box corners of a mesh with a pose and camera.
     *
     * @return 8 rows of {u, v} in px (NaN for corners at or behind the camera plane)
     */
    public static double[][] projectedCorners(Mesh mesh, Pose objectToCamera, CameraIntrinsics camera) {
        double[][] corners = mesh.bboxCorners();
        double[][] out = new double[8][];
        for (int i = 0; i < 8; i++) {
            out[i] = camera.project(objectToCamera.apply(corners[i]));
        }
        return out;
    }

    /**
     * Renders one image with its annotations.
     *
     * @param meshes the mesh of an object id (e.g. {@code dataset::mesh})
     * @throws UncheckedIOException when the image or a mask cannot be read
     * @throws MqatFormatException when the image or a mask is not a readable image of the camera's size
     */
    public static BufferedImage render(BopImage image, IntFunction<Mesh> meshes) {
        BufferedImage src = readImage(image.rgbPath());
        CameraIntrinsics cam = image.camera();
        if (src.getWidth() != cam.width() || src.getHeight() != cam.height()) {
            throw new MqatFormatException(image.rgbPath() + ": image is " + src.getWidth() + "x" + src.getHeight()
                    + " px, its header said " + cam.width() + "x" + cam.height());
        }
        int longer = Math.max(cam.width(), cam.height());
        int scale = Math.max(1, (MIN_OUTPUT_SIDE + longer - 1) / longer);
        BufferedImage out = new BufferedImage(cam.width() * scale, cam.height() * scale, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            g.drawImage(src, 0, 0, out.getWidth(), out.getHeight(), null);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            for (GroundTruth gt : image.groundTruths()) {
                Color c = INSTANCE_COLORS[gt.gtIndex() % INSTANCE_COLORS.length];
                if (gt.maskVisibPath().isPresent()) {
                    tintMask(out, readImage(gt.maskVisibPath().get()), scale, c, gt.maskVisibPath().get());
                }
            }
            float stroke = 2f;
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
            for (GroundTruth gt : image.groundTruths()) {
                Color c = INSTANCE_COLORS[gt.gtIndex() % INSTANCE_COLORS.length];
                Mesh mesh = meshes.apply(gt.instance().objId());
                double[][] uv = projectedCorners(mesh, gt.instance().objectToCamera(), cam);
                g.setColor(c);
                g.setStroke(new BasicStroke(stroke));
                for (int[] e : boxEdges()) {
                    double[] a = uv[e[0]];
                    double[] b = uv[e[1]];
                    if (Double.isFinite(a[0]) && Double.isFinite(b[0])) {
                        g.draw(new Line2D.Double(x(a[0], scale), x(a[1], scale), x(b[0], scale), x(b[1], scale)));
                    }
                }
                double r = 3.5;
                for (int k = 0; k < 8; k++) {
                    if (!Double.isFinite(uv[k][0])) {
                        continue;
                    }
                    double px = x(uv[k][0], scale);
                    double py = x(uv[k][1], scale);
                    g.setColor(Color.RED);
                    g.fill(new Ellipse2D.Double(px - r, py - r, 2 * r, 2 * r));
                    outlinedText(g, Integer.toString(k), (float) (px + r + 1), (float) (py - r - 1), Color.WHITE);
                }
                // label above the highest projected corner, kept inside the image
                double top = Double.POSITIVE_INFINITY;
                double left = Double.POSITIVE_INFINITY;
                for (double[] p : uv) {
                    if (Double.isFinite(p[0])) {
                        top = Math.min(top, x(p[1], scale));
                        left = Math.min(left, x(p[0], scale));
                    }
                }
                String label = String.format(Locale.ROOT, "obj %d  z=%.0f mm", gt.instance().objId(), gt.instance().depthMm());
                float ly = Double.isFinite(top) ? (float) Math.min(out.getHeight() - 20, Math.max(14, top - 8)) : 14f + 16f * gt.gtIndex();
                float lx = Double.isFinite(left) ? (float) Math.min(out.getWidth() - 130, Math.max(2, left)) : 2f;
                outlinedText(g, label, lx, ly, c);
            }
            outlinedText(g, image.key().toString(), 4, out.getHeight() - 6, Color.WHITE);
        } finally {
            g.dispose();
        }
        return out;
    }

    /** Text with a one-pixel black outline, readable over any background. */
    private static void outlinedText(Graphics2D g, String text, float x, float y, Color c) {
        g.setColor(Color.BLACK);
        for (int dx = -1; dx <= 1; dx++) {
            for (int dy = -1; dy <= 1; dy++) {
                if (dx != 0 || dy != 0) {
                    g.drawString(text, x + dx, y + dy);
                }
            }
        }
        g.setColor(c);
        g.drawString(text, x, y);
    }

    /** Maps a source pixel coordinate (centres at integers) into the enlarged image. */
    private static double x(double u, int scale) {
        return (u + 0.5) * scale;
    }

    private static void tintMask(BufferedImage out, BufferedImage mask, int scale, Color c, Path file) {
        if (mask.getWidth() * scale != out.getWidth() || mask.getHeight() * scale != out.getHeight()) {
            throw new MqatFormatException(file + ": mask is " + mask.getWidth() + "x" + mask.getHeight()
                    + " px, image is " + out.getWidth() / scale + "x" + out.getHeight() / scale);
        }
        for (int y = 0; y < mask.getHeight(); y++) {
            for (int x = 0; x < mask.getWidth(); x++) {
                if (mask.getRaster().getSample(x, y, 0) == 0) {
                    continue;
                }
                for (int dy = 0; dy < scale; dy++) {
                    for (int dx = 0; dx < scale; dx++) {
                        int px = x * scale + dx;
                        int py = y * scale + dy;
                        int rgb = out.getRGB(px, py);
                        // 35 % tint: the image stays visible under the mask
                        int r = ((rgb >> 16 & 0xff) * 65 + c.getRed() * 35) / 100;
                        int gr = ((rgb >> 8 & 0xff) * 65 + c.getGreen() * 35) / 100;
                        int b = ((rgb & 0xff) * 65 + c.getBlue() * 35) / 100;
                        out.setRGB(px, py, r << 16 | gr << 8 | b);
                    }
                }
            }
        }
    }

    private static BufferedImage readImage(Path file) {
        ImageIO.setUseCache(false);
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (img == null) {
            throw new MqatFormatException(file + ": not an image format mqat can read (expected PNG or JPEG)");
        }
        return img;
    }

    /**
     * Renders {@code count} images of a split spread evenly over it (first, ..., last) and writes them as
     * {@code <split>_<scene>_<image>.png} into {@code outDir}.
     *
     * @return the files written, in split order
     * @throws IllegalArgumentException when count is not positive
     */
    public static List<Path> writeSamples(BopDataset dataset, String split, int count, Path outDir) {
        if (count <= 0) {
            throw new IllegalArgumentException("count must be positive, found " + count);
        }
        List<BopImage> images = dataset.images(split);
        int n = Math.min(count, images.size());
        List<Path> written = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int index = n == 1 ? 0 : (int) Math.round((double) i * (images.size() - 1) / (n - 1));
            BopImage im = images.get(index);
            BufferedImage img = render(im, dataset::mesh);
            Path file = outDir.resolve(String.format(Locale.ROOT, "%s_%06d_%06d.png", split, im.sceneId(), im.imageId()));
            AtomicFiles.write(file, out -> ImageIO.write(img, "png", out));
            written.add(file);
        }
        return written;
    }
}
