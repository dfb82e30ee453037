package dev.mqat.data;

import dev.mqat.geometry.CameraIntrinsics;
import dev.mqat.geometry.Mesh;
import dev.mqat.geometry.PlyEncoding;
import dev.mqat.geometry.Pose;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import javax.imageio.ImageIO;

/** A small seeded BOP dataset written with {@link BopWriter}, and the values it was written from. */
final class BopFixtures {
    static final int WIDTH = 32;
    static final int HEIGHT = 24;

    /** What one written image holds. */
    record Written(ImageKey key, CameraIntrinsics camera, List<GtInstance> instances, List<GtInfo> infos) {}

    final Path root;
    final List<ObjectInfo> objects = new ArrayList<>();
    final Map<ImageKey, Written> images = new TreeMap<>();
    final Mesh mesh = box(40, 30, 20);

    private BopFixtures(Path root) {
        this.root = root;
    }

    /** A box mesh centred on the origin, mm. */
    static Mesh box(float sx, float sy, float sz) {
        float[] v = new float[24];
        for (int i = 0; i < 8; i++) {
            v[3 * i] = (i & 4) != 0 ? sx / 2 : -sx / 2;
            v[3 * i + 1] = (i & 2) != 0 ? sy / 2 : -sy / 2;
            v[3 * i + 2] = (i & 1) != 0 ? sz / 2 : -sz / 2;
        }
        int[] t = {0, 1, 3, 0, 3, 2, 4, 6, 7, 4, 7, 5, 0, 4, 5, 0, 5, 1, 2, 3, 7, 2, 7, 6, 0, 2, 6, 0, 6, 4, 1, 5, 7, 1, 7, 3};
        return new Mesh(v, t, null, null);
    }

    static byte[] png(BufferedImage img) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] rgbPng(int width, int height, int seed) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random r = new Random(seed);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                img.setRGB(x, y, r.nextInt(1 << 24));
            }
        }
        return png(img);
    }

    static byte[] maskPng(int width, int height, int x0, int y0, int x1, int y1) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                img.getRaster().setSample(x, y, 0, 255);
            }
        }
        return png(img);
    }

    /** A random rotation (row-major) from a random unit quaternion. */
    static double[] rotation(Random r) {
        double a = r.nextGaussian(), b = r.nextGaussian(), c = r.nextGaussian(), d = r.nextGaussian();
        double n = Math.sqrt(a * a + b * b + c * c + d * d);
        a /= n; b /= n; c /= n; d /= n;
        return new double[] {
            a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c),
            2 * (b * c + a * d), a * a - b * b + c * c - d * d, 2 * (c * d - a * b),
            2 * (b * d - a * c), 2 * (c * d + a * b), a * a - b * b - c * c + d * d
        };
    }

    /**
     * Writes: two objects (one symmetric), train scenes 0 and 1 with 3 images each (ids 0, 5, 12), test scene 3
     * with 2 images, one image with two instances; infos and masks everywhere; list files.
     */
    static BopFixtures write(Path root, long seed) {
        BopFixtures f = new BopFixtures(root);
        Random r = new Random(seed);
        BopWriter w = BopWriter.create(root);
        w.writeModel(1, f.mesh, PlyEncoding.ASCII);
        w.writeModel(2, box(10, 10, 50), PlyEncoding.BINARY_LITTLE_ENDIAN);
        f.objects.add(ObjectInfo.fromMesh(1, f.mesh));
        double[] flip = {-1, 0, 0, 0, 0, -1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
        f.objects.add(new ObjectInfo(2, 51.96152422706632, new double[] {-5, -5, -25}, new double[] {10, 10, 50},
                List.of(flip), List.of(new ContinuousSymmetry(new double[] {0, 0, 1}, new double[] {0, 0, 0}))));
        w.writeModelsInfo(f.objects);
        int[][] scenes = {{0, 0, 5, 12}, {1, 0, 5, 12}, {3, 7, 8}};
        String[] splits = {"train", "train", "test"};
        for (int s = 0; s < scenes.length; s++) {
            try (BopSceneWriter sw = w.scene(splits[s], scenes[s][0])) {
                for (int k = 1; k < scenes[s].length; k++) {
                    int id = scenes[s][k];
                    CameraIntrinsics cam = new CameraIntrinsics(30 + r.nextDouble() * 10, 31 + r.nextDouble() * 10,
                            15.5 + r.nextDouble(), 11.5 + r.nextDouble(), WIDTH, HEIGHT);
                    int n = (s == 1 && id == 5) ? 2 : 1;
                    List<GtInstance> inst = new ArrayList<>();
                    List<GtInfo> infos = new ArrayList<>();
                    List<byte[]> masks = new ArrayList<>();
                    for (int g = 0; g < n; g++) {
                        double z = 200 + r.nextDouble() * 800;
                        inst.add(new GtInstance(1 + g, new Pose(rotation(r), new double[] {r.nextGaussian() * 10,
                                r.nextGaussian() * 10, z})));
                        int visib = r.nextInt(50);
                        infos.add(new GtInfo(new PixelBox(2, 3, 10, 8), new PixelBox(4, 5, 6, 4), 80, 80, visib, visib / 80.0));
                        masks.add(maskPng(WIDTH, HEIGHT, 4, 5, 10, 9));
                    }
                    sw.writeImage(id, cam, rgbPng(WIDTH, HEIGHT, id * 31 + s), inst, infos, masks);
                    ImageKey key = new ImageKey(splits[s], scenes[s][0], id);
                    f.images.put(key, new Written(key, cam, inst, infos));
                }
            }
        }
        w.writeImageLists();
        return f;
    }
}
