package dev.mqat.data;

import dev.mqat.Progress;
import dev.mqat.geometry.CameraIntrinsics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;

/**
 * Loads the images of a dataset split into memory at network resolution.
 *
 * <p>Each image is scaled so that its longer side equals the network input and padded with black at the
 * right/bottom; the camera is adjusted accordingly, so poses stay valid. Masks are resized with nearest
 * neighbour. 16-bit and grey images are converted to 8-bit RGB by ImageIO's colour conversion.
 */
public final class ImageStore {

    private ImageStore() {}

    /** Network class index of each object id: position in the dataset's sorted object ids (as WDR). */
    public static int classIndex(BopDataset dataset, int objId) {
        List<ObjectInfo> objects = dataset.objects();
        for (int i = 0; i < objects.size(); i++) {
            if (objects.get(i).objId() == objId) {
                return i;
            }
        }
        throw new IllegalArgumentException("object id " + objId + " is not in " + dataset.root() + "/models/models_info.json");
    }

    /**
     * Loads every image of {@code split}, in the dataset's order, using {@code threads} threads.
     *
     * @param limit load at most this many images (first ones), or all when {@code <= 0}
     */
    public static List<InputImage> load(BopDataset dataset, String split, int sizePx, int threads, int limit) {
        List<BopImage> images = dataset.images(split);
        if (limit > 0 && images.size() > limit) {
            images = images.subList(0, limit);
        }
        return load(dataset, split, images, sizePx, threads);
    }

    /** Loads the given images of {@code split}, in that order, using {@code threads} threads. */
    public static List<InputImage> load(BopDataset dataset, String split, List<BopImage> images, int sizePx, int threads) {
        InputImage[] out = new InputImage[images.size()];
        Progress progress = new Progress("load " + split, images.size(), "img");
        AtomicInteger done = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        try {
            List<Future<?>> futures = new ArrayList<>();
            List<BopImage> all = images;
            for (int i = 0; i < all.size(); i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    out[index] = load(dataset, all.get(index), sizePx);
                    progress.update(done.incrementAndGet(), "");
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while loading " + split, e);
        } finally {
            pool.shutdownNow();
        }
        return List.of(out);
    }

    /**
     * Loads any image file at network resolution, for prediction on new data.
     *
     * @param camera intrinsics of the image as stored on disk (width and height are taken from the file)
     */
    public static InputImage load(Path rgbPath, double fx, double fy, double cx, double cy, int sizePx) {
        BufferedImage src = read(rgbPath);
        CameraIntrinsics camera = new CameraIntrinsics(fx, fy, cx, cy, src.getWidth(), src.getHeight());
        return resized(src, camera, sizePx, List.of());
    }

    private static InputImage resized(BufferedImage src, CameraIntrinsics original, int sizePx,
            List<InputImage.InputObject> objects) {
        int[] fitted = fittedSize(src, sizePx);
        int w = fitted[0];
        int h = fitted[1];
        byte[] rgb = new byte[sizePx * sizePx * 3];
        if (isPlainRgb(src) && src.getWidth() == w && src.getHeight() == h) {
            copyPlainRgb(src, rgb, sizePx);
        } else {
            BufferedImage resized = resize(src, w, h, true);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int p = resized.getRGB(x, y);
                    int o = (y * sizePx + x) * 3;
                    rgb[o] = (byte) (p >> 16);
                    rgb[o + 1] = (byte) (p >> 8);
                    rgb[o + 2] = (byte) p;
                }
            }
        }
        CameraIntrinsics camera = original.scaled((double) w / src.getWidth(), (double) h / src.getHeight(), sizePx, sizePx);
        return new InputImage(rgb, sizePx, camera, objects);
    }

    /** Loads one image and its objects at network resolution. */
    public static InputImage load(BopDataset dataset, BopImage image, int sizePx) {
        BufferedImage src = read(image.rgbPath());
        int[] fitted = fittedSize(src, sizePx);
        int w = fitted[0];
        int h = fitted[1];
        List<InputImage.InputObject> objects = new ArrayList<>();
        for (GroundTruth gt : image.groundTruths()) {
            int objId = gt.instance().objId();
            ObjectInfo info = dataset.object(objId);
            byte[] mask = null;
            if (gt.maskVisibPath().isPresent()) {
                mask = readMask(gt.maskVisibPath().get(), w, h, sizePx);
            }
            objects.add(new InputImage.InputObject(classIndex(dataset, objId), gt.instance().objectToCamera(), mask,
                    info.bboxCornersMm(), info.diameterMm()));
        }
        return resized(src, image.camera(), sizePx, objects);
    }

    /** Visible-pixel mask at network resolution: 1 where the (resized) mask image is brighter than 127. */
    private static byte[] readMask(Path maskPath, int w, int h, int sizePx) {
        BufferedImage src = read(maskPath);
        byte[] mask = new byte[sizePx * sizePx];
        if (src.getType() == BufferedImage.TYPE_BYTE_GRAY && src.getWidth() == w && src.getHeight() == h) {
            // BOP masks are 0/255 grey PNGs: read the samples, skipping the per-pixel colour conversion
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                src.getRaster().getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    mask[y * sizePx + x] = (byte) (row[x] > 127 ? 1 : 0);
                }
            }
            return mask;
        }
        BufferedImage m = resize(src, w, h, false);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                mask[y * sizePx + x] = (byte) ((m.getRGB(x, y) & 0xff) > 127 ? 1 : 0);
            }
        }
        return mask;
    }

    /** True for 8-bit sRGB images without alpha, whose raster samples are already the RGB bytes we keep. */
    private static boolean isPlainRgb(BufferedImage src) {
        return src.getType() == BufferedImage.TYPE_3BYTE_BGR || src.getType() == BufferedImage.TYPE_INT_RGB;
    }

    /** Copies the samples of a plain RGB image row by row: what getRGB gives, without its per-pixel conversion. */
    private static void copyPlainRgb(BufferedImage src, byte[] rgb, int sizePx) {
        int w = src.getWidth();
        int[] row = new int[w * 3];
        for (int y = 0; y < src.getHeight(); y++) {
            src.getRaster().getPixels(0, y, w, 1, row);
            int o = y * sizePx * 3;
            for (int i = 0; i < row.length; i++) {
                rgb[o + i] = (byte) row[i];
            }
        }
    }

    /** Width and height of {@code src} scaled so that its longer side is {@code sizePx}. */
    private static int[] fittedSize(BufferedImage src, int sizePx) {
        double scale = (double) sizePx / Math.max(src.getWidth(), src.getHeight());
        return new int[] {(int) Math.round(src.getWidth() * scale), (int) Math.round(src.getHeight() * scale)};
    }

    private static BufferedImage read(Path path) {
        try {
            BufferedImage img = ImageIO.read(path.toFile());
            if (img == null) {
                throw new UncheckedIOException(new IOException(path + ": not a readable image"));
            }
            return img;
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": " + e.getMessage(), e);
        }
    }

    private static BufferedImage resize(BufferedImage src, int w, int h, boolean smooth) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        if (src.getWidth() == w && src.getHeight() == h) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    out.setRGB(x, y, src.getRGB(x, y));
                }
            }
            return out;
        }
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, smooth
                ? RenderingHints.VALUE_INTERPOLATION_BILINEAR : RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        g.drawImage(src, 0, 0, w, h, null);
        g.dispose();
        return out;
    }
}
