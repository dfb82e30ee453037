package dev.mqat.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mqat.MqatFormatException;
import dev.mqat.geometry.CameraIntrinsics;
import dev.mqat.geometry.Pose;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;

/** The parsed annotation files of one BOP scene folder. */
final class SceneFiles {
    /** How far R Rᵀ may be from the identity (max abs element) before a rotation is rejected. */
    static final double ROTATION_TOLERANCE = 1e-2;

    private record CameraEntry(double[] k, OptionalDouble depthScale) {}

    private final Path dir;
    private final String display;
    private final TreeMap<Integer, CameraEntry> cameras = new TreeMap<>();
    private final TreeMap<Integer, List<GtInstance>> gts = new TreeMap<>();
    private final TreeMap<Integer, List<GtInfo>> infos;
    private final Set<String> maskFiles;
    private final Map<Integer, Path> imageFiles = new HashMap<>();
    private final Path imageFolder;

    /**
     * Loads a scene.
     *
     * @param dir the scene folder
     * @param display the folder as shown in messages (relative to the dataset root, '/' separated)
     */
    SceneFiles(Path dir, String display) {
        this.dir = dir;
        this.display = display;
        String camFile = display + "/" + BopLayout.SCENE_CAMERA;
        for (Map.Entry<Integer, JsonNode> e : JsonFields.readIdMap(required(BopLayout.SCENE_CAMERA), camFile, "image").entrySet()) {
            JsonFields f = JsonFields.at(camFile, "image", e.getKey());
            JsonNode v = e.getValue();
            if (!v.isObject()) {
                throw f.error("expected an object with cam_K, found " + JsonFields.describe(v));
            }
            double[] k = f.numbers(v, "cam_K", 9);
            OptionalDouble depthScale = v.has("depth_scale") ? OptionalDouble.of(f.number(v, "depth_scale")) : OptionalDouble.empty();
            cameras.put(e.getKey(), new CameraEntry(k, depthScale));
        }
        String gtFile = display + "/" + BopLayout.SCENE_GT;
        for (Map.Entry<Integer, JsonNode> e : JsonFields.readIdMap(required(BopLayout.SCENE_GT), gtFile, "image").entrySet()) {
            JsonFields f = JsonFields.at(gtFile, "image", e.getKey());
            JsonNode v = e.getValue();
            if (!v.isArray()) {
                throw f.error("expected a list of {obj_id, cam_R_m2c, cam_t_m2c}, found " + JsonFields.describe(v));
            }
            List<GtInstance> list = new ArrayList<>(v.size());
            for (int i = 0; i < v.size(); i++) {
                JsonFields fi = f.instance(i, v.size());
                JsonNode g = v.get(i);
                if (!g.isObject()) {
                    throw fi.error("expected an object {obj_id, cam_R_m2c, cam_t_m2c}, found " + JsonFields.describe(g));
                }
                double[] r = fi.numbers(g, "cam_R_m2c", 9);
                double[] t = fi.numbers(g, "cam_t_m2c", 3);
                int objId = fi.integer(g, "obj_id");
                if (objId <= 0) {
                    throw fi.error("obj_id is " + objId + ", expected a positive integer");
                }
                double off = rotationError(r);
                if (!(off <= ROTATION_TOLERANCE)) {
                    throw fi.error("cam_R_m2c is not a rotation matrix (R R^T - I reaches " + off + ", det "
                            + det(r) + "); expected 9 values of an orthonormal matrix, row-major");
                }
                list.add(new GtInstance(objId, new Pose(r, t)));
            }
            gts.put(e.getKey(), List.copyOf(list));
        }
        for (Integer id : gts.keySet()) {
            if (!cameras.containsKey(id)) {
                throw JsonFields.at(camFile, "image", id).error("missing (" + gtFile + " has this image)");
            }
        }
        Path infoPath = dir.resolve(BopLayout.SCENE_GT_INFO);
        if (Files.isRegularFile(infoPath)) {
            infos = new TreeMap<>();
            String infoFile = display + "/" + BopLayout.SCENE_GT_INFO;
            for (Map.Entry<Integer, JsonNode> e : JsonFields.readIdMap(infoPath, infoFile, "image").entrySet()) {
                JsonFields f = JsonFields.at(infoFile, "image", e.getKey());
                JsonNode v = e.getValue();
                if (!v.isArray()) {
                    throw f.error("expected a list of {bbox_obj, bbox_visib, px_count_*, visib_fract}, found "
                            + JsonFields.describe(v));
                }
                List<GtInstance> instances = gts.get(e.getKey());
                if (instances != null && instances.size() != v.size()) {
                    throw f.error("has " + v.size() + " entries, expected " + instances.size() + " as in " + gtFile);
                }
                List<GtInfo> list = new ArrayList<>(v.size());
                for (int i = 0; i < v.size(); i++) {
                    JsonFields fi = f.instance(i, v.size());
                    JsonNode g = v.get(i);
                    if (!g.isObject()) {
                        throw fi.error("expected an object, found " + JsonFields.describe(g));
                    }
                    int[] bo = fi.integers(g, "bbox_obj", 4);
                    int[] bv = fi.integers(g, "bbox_visib", 4);
                    int all = fi.integer(g, "px_count_all");
                    int valid = fi.integer(g, "px_count_valid");
                    int visib = fi.integer(g, "px_count_visib");
                    double fract = fi.number(g, "visib_fract");
                    try {
                        list.add(new GtInfo(new PixelBox(bo[0], bo[1], bo[2], bo[3]), new PixelBox(bv[0], bv[1], bv[2], bv[3]),
                                all, valid, visib, fract));
                    } catch (IllegalArgumentException ex) {
                        throw fi.error(ex.getMessage(), ex);
                    }
                }
                infos.put(e.getKey(), List.copyOf(list));
            }
        } else {
            infos = null;
        }
        maskFiles = listNames(dir.resolve(BopLayout.MASK_VISIB));
        Path folder = dir.resolve(BopLayout.RGB);
        if (!Files.isDirectory(folder) && Files.isDirectory(dir.resolve("gray"))) {
            folder = dir.resolve("gray");
        }
        imageFolder = folder;
        for (String name : listNames(folder)) {
            int dot = name.lastIndexOf('.');
            if (dot <= 0 || !name.substring(0, dot).chars().allMatch(c -> c >= '0' && c <= '9') || dot > 10) {
                continue;
            }
            String ext = name.substring(dot + 1).toLowerCase(java.util.Locale.ROOT);
            if (ext.equals("png") || ext.equals("jpg") || ext.equals("jpeg") || ext.equals("tif") || ext.equals("tiff")) {
                int id = Integer.parseInt(name.substring(0, dot));
                Path before = imageFiles.get(id);
                // a PNG wins over other formats of the same id, deterministically
                if (before == null || ext.equals("png")) {
                    imageFiles.put(id, folder.resolve(name));
                }
            }
        }
    }

    private Path required(String name) {
        Path p = dir.resolve(name);
        if (!Files.isRegularFile(p)) {
            throw new UncheckedIOException("missing required file " + p,
                    new NoSuchFileException(p.toString(), null, "required BOP scene file"));
        }
        return p;
    }

    private static Set<String> listNames(Path folder) {
        Set<String> out = new HashSet<>();
        if (!Files.isDirectory(folder)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(folder)) {
            for (Path p : ds) {
                out.add(p.getFileName().toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder + ": " + e, e);
        }
        return out;
    }

    static double rotationError(double[] r) {
        double worst = 0;
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double s = r[3 * i] * r[3 * j] + r[3 * i + 1] * r[3 * j + 1] + r[3 * i + 2] * r[3 * j + 2];
                worst = Math.max(worst, Math.abs(s - (i == j ? 1 : 0)));
            }
        }
        return det(r) > 0 ? worst : Double.POSITIVE_INFINITY;
    }

    private static double det(double[] r) {
        return r[0] * (r[4] * r[8] - r[5] * r[7]) - r[1] * (r[3] * r[8] - r[5] * r[6]) + r[2] * (r[3] * r[7] - r[4] * r[6]);
    }

    String display() {
        return display;
    }

    /** Ids of the annotated images (keys of scene_gt.json), ascending. */
    List<Integer> imageIds() {
        return new ArrayList<>(gts.keySet());
    }

    boolean hasImage(int imageId) {
        return gts.containsKey(imageId);
    }

    /** The rgb file of an image in this scene's rgb/ (or gray/) folder, or the expected PNG path when absent. */
    Path imageFile(int imageId) {
        Path p = imageFiles.get(imageId);
        return p != null ? p : imageFolder.resolve(BopLayout.sixDigits(imageId) + ".png");
    }

    /**
     * Builds the record of one annotated image; reads the rgb header for the image size.
     *
     * @param rgb the image file (from a list file), or null to use the scene's rgb/ folder
     * @throws UncheckedIOException when the image file is missing
     */
    BopImage image(String split, int sceneId, int imageId, Path rgb, String rootDisplayOfRgb) {
        List<GtInstance> instances = gts.get(imageId);
        if (instances == null) {
            throw JsonFields.at(display + "/" + BopLayout.SCENE_GT, "image", imageId).error("missing");
        }
        Path file = rgb != null ? rgb : imageFile(imageId);
        if (!Files.isRegularFile(file)) {
            throw new UncheckedIOException("missing image " + file,
                    new NoSuchFileException(file.toString(), null, "image of " + display + " image " + imageId));
        }
        int[] size = ImageHeaders.size(file, rootDisplayOfRgb);
        CameraEntry cam = cameras.get(imageId);
        CameraIntrinsics camera;
        try {
            camera = CameraIntrinsics.fromMatrix(cam.k(), size[0], size[1]);
        } catch (IllegalArgumentException e) {
            throw JsonFields.at(display + "/" + BopLayout.SCENE_CAMERA, "image", imageId).error("cam_K: " + e.getMessage(), e);
        }
        List<GtInfo> info = infos == null ? null : infos.get(imageId);
        List<GroundTruth> out = new ArrayList<>(instances.size());
        for (int i = 0; i < instances.size(); i++) {
            String mask = BopLayout.maskFileName(imageId, i);
            Optional<Path> maskPath = maskFiles.contains(mask)
                    ? Optional.of(dir.resolve(BopLayout.MASK_VISIB).resolve(mask)) : Optional.empty();
            out.add(new GroundTruth(i, instances.get(i), info == null ? Optional.empty() : Optional.of(info.get(i)), maskPath));
        }
        return new BopImage(split, sceneId, imageId, camera, cam.depthScale(), file.toAbsolutePath(), out);
    }

    static MqatFormatException listError(String list, int line, String detail) {
        return new MqatFormatException(list + ": line " + line + ": " + detail);
    }
}
