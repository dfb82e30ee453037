package dev.mqat.synth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.mqat.AtomicFiles;
import dev.mqat.data.BopSceneWriter;
import dev.mqat.data.BopWriter;
import dev.mqat.data.GtInfo;
import dev.mqat.data.GtInstance;
import dev.mqat.data.ObjectInfo;
import dev.mqat.data.PixelBox;
import dev.mqat.geometry.Mesh;
import dev.mqat.geometry.PlyEncoding;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes a synthetic BOP dataset of one object: the entry point of {@code mqat synth}.
 *
 * <p>Output under the root folder: {@code models/obj_000001.ply} (ASCII, mm), {@code models/models_info.json}
 * (diameter and extents), split folders {@code train/}, {@code val/}, {@code test/} of 6-digit scenes of
 * {@link SynthConfig#imagesPerScene()} images each ({@code rgb/*.png}, {@code mask_visib/*_000000.png},
 * {@code scene_camera.json}, {@code scene_gt.json}, {@code scene_gt_info.json}), SwissCube's
 * {@code training.txt} / {@code validation.txt} / {@code testing.txt}, and {@code synth.json} with the
 * parameters that made it (seed, counts, camera, depth range, object).
 *
 * <p>Images are numbered 0..N-1 over the dataset: the first ones train, then val, then test; image
 * {@code i} is drawn by {@link SceneSampler#sample}{@code (i)}, so its content depends only on the seed and
 * its index, never on which thread renders it or when. Rendering runs on worker threads, each with
 * its own {@link SceneRenderer} and {@link PngEncoder}; the data writer orders every JSON file by image id,
 * so any thread count gives the same bytes. Every file is written atomically; a scene's JSON files are
 * written as soon as its last image is, so an interrupted run leaves complete scenes plus image files, never
 * a truncated file.
 */
public final class Synthesizer {
    /** BOP object id of the synthesized object. */
    public static final int OBJ_ID = 1;
    /** Name of the file recording the generator's parameters. */
    public static final String PARAMETERS_FILE = "synth.json";
    /** Version of {@value #PARAMETERS_FILE}. */
    public static final int PARAMETERS_VERSION = 1;

    private static final String[] SPLITS = {"train", "val", "test"};

    /** Receives progress from the calling thread about twice a second and once at the end. */
    @FunctionalInterface
    public interface Progress {
        void update(int imagesDone, int imagesTotal, double elapsedSeconds);
    }

    private Synthesizer() {}

    /**
     * Renders and writes the dataset.
     *
     * @param mesh the object, mm (vertex colours optional: grey without)
     * @param objectName how {@value #PARAMETERS_FILE} names the object (e.g. the PLY file name and its SHA-256)
     * @param config counts, size, seed, split
     * @param root dataset root folder (created; files of the same name are replaced)
     * @param threads worker threads, >= 1
     * @param progress called from this thread; may be null
     * @return counts, object diameter, scene parameters and time
     * @throws UncheckedIOException when a file cannot be written
     */
    public static SynthSummary generate(Mesh mesh, String objectName, SynthConfig config, Path root, int threads,
            Progress progress) {
        if (threads < 1) {
            throw new IllegalArgumentException("synth: threads must be >= 1, found " + threads);
        }
        if (mesh.triangleCount() == 0) {
            throw new IllegalArgumentException("synth: mesh " + objectName + " has no triangles");
        }
        long start = System.nanoTime();
        double diameter = mesh.diameterMm();
        if (!(diameter > 0)) {
            throw new IllegalArgumentException("synth: mesh " + objectName + " has zero diameter (all vertices coincide)");
        }
        SceneConfig sceneConfig = SceneConfig.forObject(diameter, config.sizePx(), config.depthSampling());
        double[] lo = mesh.boundsMin();
        double[] hi = mesh.boundsMax();
        double[] center = {(lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2, (lo[2] + hi[2]) / 2};
        SceneSampler sampler = new SceneSampler(sceneConfig, center, config.seed());

        BopWriter writer = BopWriter.create(root);
        writer.writeModel(OBJ_ID, mesh, PlyEncoding.ASCII);
        writer.writeModelsInfo(List.of(new ObjectInfo(OBJ_ID, diameter, lo,
                new double[] {hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]}, List.of(), List.of())));

        int total = config.imageCount();
        int[] counts = config.split().counts(total);
        int perScene = config.imagesPerScene();
        // scene writers per split, with the number of images still to come in each
        List<BopSceneWriter[]> sceneWriters = new ArrayList<>();
        List<AtomicInteger[]> remaining = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            int scenes = (counts[s] + perScene - 1) / perScene;
            BopSceneWriter[] w = new BopSceneWriter[scenes];
            AtomicInteger[] r = new AtomicInteger[scenes];
            for (int k = 0; k < scenes; k++) {
                w[k] = writer.scene(SPLITS[s], k);
                r[k] = new AtomicInteger(Math.min(perScene, counts[s] - k * perScene));
            }
            sceneWriters.add(w);
            remaining.add(r);
        }

        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch finished = new CountDownLatch(threads);
        Runnable worker = () -> {
            try (PngEncoder png = new PngEncoder()) {
                SceneRenderer renderer = new SceneRenderer(mesh);
                int i;
                while (failure.get() == null && (i = next.getAndIncrement()) < total) {
                    int split = i < counts[0] ? 0 : i < counts[0] + counts[1] ? 1 : 2;
                    int local = i - (split == 0 ? 0 : split == 1 ? counts[0] : counts[0] + counts[1]);
                    int sceneId = local / perScene;
                    int imageId = local % perScene;
                    Scene scene = sampler.sample(i);
                    RenderedImage image = renderer.render(scene);
                    byte[] rgbPng = png.rgb(image.width(), image.height(), image.rgb());
                    byte[] maskPng = png.gray(image.width(), image.height(), image.maskVisib());
                    BopSceneWriter sw = sceneWriters.get(split)[sceneId];
                    sw.writeImage(imageId, scene.camera(), rgbPng, List.of(new GtInstance(OBJ_ID, scene.objectToCamera())),
                            List.of(gtInfo(image.visibility())), List.of(maskPng));
                    if (remaining.get(split)[sceneId].decrementAndGet() == 0) {
                        sw.close();
                    }
                    done.incrementAndGet();
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            } finally {
                finished.countDown();
            }
        };
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(worker, "mqat-synth-" + t);
            thread.setDaemon(true);
            workers.add(thread);
            thread.start();
        }
        try {
            while (!finished.await(500, TimeUnit.MILLISECONDS)) {
                if (progress != null) {
                    progress.update(done.get(), total, (System.nanoTime() - start) / 1e9);
                }
            }
        } catch (InterruptedException e) {
            failure.compareAndSet(null, e);
            Thread.currentThread().interrupt();
            for (Thread t : workers) {
                try {
                    t.join();
                } catch (InterruptedException again) {
                    break;
                }
            }
        }
        Throwable error = failure.get();
        if (error instanceof RuntimeException re) {
            throw re;
        }
        if (error instanceof Error err) {
            throw err;
        }
        if (error != null) {
            throw new IllegalStateException("synth: interrupted after " + done.get() + " of " + total + " images", error);
        }
        writer.writeImageLists();
        AtomicFiles.write(root.resolve(PARAMETERS_FILE), parametersJson(objectName, config, counts, diameter, sceneConfig));
        double seconds = (System.nanoTime() - start) / 1e9;
        if (progress != null) {
            progress.update(total, total, seconds);
        }
        return new SynthSummary(counts[0], counts[1], counts[2], diameter, sceneConfig, seconds);
    }

    /**
     * How {@value #PARAMETERS_FILE} names a mesh read from a file: its file name and the SHA-256 of its bytes.
     *
     * @throws UncheckedIOException carrying the path when the file cannot be read
     */
    public static String fileObjectName(Path meshFile) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(meshFile));
            return meshFile.getFileName() + " (sha256 " + HexFormat.of().formatHex(digest) + ")";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + meshFile + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    /** How {@value #PARAMETERS_FILE} names the embedded default object. */
    public static final String EMBEDDED_OBJECT_NAME = "embedded CubeSat-like satellite (mqat CubeSatModel)";

    static GtInfo gtInfo(VisibilityInfo v) {
        int[] o = v.bboxObj();
        int[] b = v.bboxVisib();
        // no depth images, so every silhouette pixel counts as valid (BOP's px_count_valid)
        return new GtInfo(new PixelBox(o[0], o[1], o[2], o[3]), new PixelBox(b[0], b[1], b[2], b[3]), v.pxCountAll(),
                v.pxCountAll(), v.pxCountVisib(), v.visibFract());
    }

    private static byte[] parametersJson(String objectName, SynthConfig config, int[] counts, double diameter,
            SceneConfig scene) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format_version", PARAMETERS_VERSION);
        m.put("generator", "mqat synth");
        m.put("object", objectName);
        m.put("obj_id", OBJ_ID);
        m.put("diameter_mm", diameter);
        m.put("seed", config.seed());
        m.put("images", config.imageCount());
        Map<String, Object> split = new LinkedHashMap<>();
        split.put("train", counts[0]);
        split.put("val", counts[1]);
        split.put("test", counts[2]);
        m.put("split_images", split);
        m.put("images_per_scene", config.imagesPerScene());
        m.put("size_px", scene.sizePx());
        m.put("focal_px", scene.focalPx());
        m.put("depth_mm", new double[] {scene.nearestDepthMm(), scene.farthestDepthMm()});
        m.put("depth_sampling", scene.depthSampling().name().toLowerCase(Locale.ROOT));
        m.put("center_margin_px", scene.marginPx());
        m.put("planet_probability", scene.planetProbability());
        m.put("noise_sigma", scene.noiseSigma());
        m.put("supersampling", scene.supersampling());
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("synth: cannot encode " + PARAMETERS_FILE + ": " + e.getMessage(), e);
        }
    }
}
