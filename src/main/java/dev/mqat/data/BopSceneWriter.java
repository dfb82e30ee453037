package dev.mqat.data;

import dev.mqat.AtomicFiles;
import dev.mqat.geometry.CameraIntrinsics;
import dev.mqat.geometry.Pose;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes one BOP scene folder {@code split/XXXXXX/}: images one by one, then the scene's JSON files on
 * {@link #close()}.
 *
 * <p>{@link #writeImage} writes {@code rgb/IMID.png} and {@code mask_visib/IMID_GTID.png} at once and keeps
 * the annotations; {@link #close()} writes {@code scene_camera.json} ({@code cam_K}, 9 values row-major),
 * {@code scene_gt.json} ({@code cam_R_m2c} 9 values row-major, {@code cam_t_m2c} mm, {@code obj_id}) and, when
 * the images came with infos, {@code scene_gt_info.json} ({@code bbox_obj}, {@code bbox_visib} as
 * x, y, w, h; {@code px_count_all}, {@code px_count_valid}, {@code px_count_visib}, {@code visib_fract}).
 * Image ids are the keys, in ascending numeric order whatever order the images arrived in, so parallel
 * writers give the same bytes as a sequential one.
 *
 * <p>Thread-safe: several threads may write different images of the same scene.
 */
public final class BopSceneWriter implements AutoCloseable {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private final BopWriter owner;
    private final String split;
    private final int sceneId;
    private final Path dir;
    private final TreeMap<Integer, Entry> entries = new TreeMap<>();
    private Boolean withInfos;
    private boolean closed;

    private record Entry(CameraIntrinsics camera, List<GtInstance> instances, List<GtInfo> infos) {}

    BopSceneWriter(BopWriter owner, String split, int sceneId, Path dir) {
        this.owner = owner;
        this.split = split;
        this.sceneId = sceneId;
        this.dir = dir;
    }

    /** The scene folder. */
    public Path folder() {
        return dir;
    }

    String name() {
        return BopLayout.sceneFolderName(split, sceneId);
    }

    synchronized boolean isClosed() {
        return closed;
    }

    /**
     * Writes one image and records its annotations.
     *
     * @param imageId image id (file {@code rgb/IMID.png}, 6 digits)
     * @param camera intrinsics; its width and height must match the PNG
     * @param rgbPng the encoded rgb PNG
     * @param instances ground-truth objects in mask order (may be empty)
     * @param infos one per instance, or null when the scene has no {@code scene_gt_info.json} (all images of a
     *     scene must agree)
     * @param maskVisibPngs one encoded mask PNG per instance (255 = visible), or null to write no masks
     * @throws IllegalArgumentException when the image id was written before, lengths disagree, a PNG is not a
     *     PNG of the camera's size, or a number is not finite
     * @throws IllegalStateException when the scene is closed
     * @throws java.io.UncheckedIOException when a file cannot be written
     */
    public void writeImage(int imageId, CameraIntrinsics camera, byte[] rgbPng, List<GtInstance> instances,
            List<GtInfo> infos, List<byte[]> maskVisibPngs) {
        String at = name() + ": image " + imageId + ": ";
        if (imageId < 0) {
            throw new IllegalArgumentException(at + "image id must be non-negative");
        }
        if (infos != null && infos.size() != instances.size()) {
            throw new IllegalArgumentException(at + infos.size() + " infos for " + instances.size() + " instances");
        }
        if (maskVisibPngs != null && maskVisibPngs.size() != instances.size()) {
            throw new IllegalArgumentException(at + maskVisibPngs.size() + " masks for " + instances.size() + " instances");
        }
        checkPng(at + "rgb", rgbPng, camera);
        if (maskVisibPngs != null) {
            for (int i = 0; i < maskVisibPngs.size(); i++) {
                checkPng(at + "mask " + i, maskVisibPngs.get(i), camera);
            }
        }
        try {
            BopJson.finite("cam_K", camera.matrix());
            for (GtInstance g : instances) {
                BopJson.finite("cam_R_m2c", g.objectToCamera().rotation());
                BopJson.finite("cam_t_m2c", g.objectToCamera().translationMm());
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(at + e.getMessage(), e);
        }
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("scene " + name() + " is closed; open scenes with BopWriter.scene(...) and close them last");
            }
            if (withInfos != null && withInfos != (infos != null)) {
                throw new IllegalArgumentException(at + (infos == null ? "has no infos but earlier images had"
                        : "has infos but earlier images had none") + "; give infos for every image of a scene or for none");
            }
            if (entries.containsKey(imageId)) {
                throw new IllegalArgumentException(at + "image id written twice");
            }
            withInfos = infos != null;
            // reserve the id before the slow file writes so that a second writer of the same id fails fast
            entries.put(imageId, new Entry(camera, List.copyOf(instances), infos == null ? null : List.copyOf(infos)));
        }
        String id = BopLayout.sixDigits(imageId);
        AtomicFiles.write(dir.resolve(BopLayout.RGB).resolve(id + ".png"), rgbPng);
        if (maskVisibPngs != null) {
            for (int i = 0; i < maskVisibPngs.size(); i++) {
                AtomicFiles.write(dir.resolve(BopLayout.MASK_VISIB).resolve(BopLayout.maskFileName(imageId, i)),
                        maskVisibPngs.get(i));
            }
        }
    }

    private static void checkPng(String what, byte[] png, CameraIntrinsics camera) {
        if (png.length < 24) {
            throw new IllegalArgumentException(what + " is " + png.length + " bytes, too short for a PNG");
        }
        for (int i = 0; i < PNG_SIGNATURE.length; i++) {
            if (png[i] != PNG_SIGNATURE[i]) {
                throw new IllegalArgumentException(what + " is not a PNG (bad signature)");
            }
        }
        int w = readInt(png, 16);
        int h = readInt(png, 20);
        if (w != camera.width() || h != camera.height()) {
            throw new IllegalArgumentException(what + " is " + w + "x" + h + " px, camera is " + camera.width() + "x"
                    + camera.height());
        }
    }

    private static int readInt(byte[] b, int off) {
        return (b[off] & 0xff) << 24 | (b[off + 1] & 0xff) << 16 | (b[off + 2] & 0xff) << 8 | (b[off + 3] & 0xff);
    }

    /**
     * Writes the scene's JSON files (once; later calls do nothing).
     *
     * @throws java.io.UncheckedIOException when a file cannot be written
     */
    @Override
    public void close() {
        TreeMap<Integer, Entry> snapshot;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            snapshot = new TreeMap<>(entries);
        }
        TreeMap<Integer, Object> cameras = new TreeMap<>();
        TreeMap<Integer, Object> gts = new TreeMap<>();
        TreeMap<Integer, Object> infos = new TreeMap<>();
        List<ImageKey> keys = new ArrayList<>();
        for (Map.Entry<Integer, Entry> e : snapshot.entrySet()) {
            Entry en = e.getValue();
            Map<String, Object> cam = new LinkedHashMap<>();
            cam.put("cam_K", en.camera().matrix());
            cameras.put(e.getKey(), cam);
            List<Object> list = new ArrayList<>();
            for (GtInstance g : en.instances()) {
                Pose p = g.objectToCamera();
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("cam_R_m2c", p.rotation());
                m.put("cam_t_m2c", p.translationMm());
                m.put("obj_id", g.objId());
                list.add(m);
            }
            gts.put(e.getKey(), list);
            if (en.infos() != null) {
                List<Object> il = new ArrayList<>();
                for (GtInfo gi : en.infos()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("bbox_obj", gi.bboxObj().toArray());
                    m.put("bbox_visib", gi.bboxVisib().toArray());
                    m.put("px_count_all", gi.pxCountAll());
                    m.put("px_count_valid", gi.pxCountValid());
                    m.put("px_count_visib", gi.pxCountVisib());
                    m.put("visib_fract", gi.visibFract());
                    il.add(m);
                }
                infos.put(e.getKey(), il);
            }
            keys.add(new ImageKey(split, sceneId, e.getKey()));
        }
        AtomicFiles.write(dir.resolve(BopLayout.SCENE_CAMERA), BopJson.idMap(cameras));
        AtomicFiles.write(dir.resolve(BopLayout.SCENE_GT), BopJson.idMap(gts));
        if (!infos.isEmpty()) {
            AtomicFiles.write(dir.resolve(BopLayout.SCENE_GT_INFO), BopJson.idMap(infos));
        }
        owner.sceneClosed(keys);
    }
}
