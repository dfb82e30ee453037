package dev.mqat.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mqat.MqatFormatException;
import dev.mqat.geometry.Mesh;
import dev.mqat.geometry.PlyFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A BOP dataset on disk, read lazily: objects at {@link #open(Path)}, a split's scenes when its images are
 * first asked for.
 *
 * <p>Splits are the SwissCube list files present ({@code training.txt} gives {@code train},
 * {@code validation.txt} {@code val}, {@code testing.txt} {@code test}) and the split folders (folders of
 * 6-digit scene folders, e.g. {@code train}, {@code test}, {@code test_primesense}). The images of a split are
 * those of its list file when there is one (paths relative to the dataset root), otherwise every image of
 * {@code scene_gt.json} in every scene of its folder; {@code test} also finds a lone {@code test_*} folder.
 *
 * <p>Errors: malformed files throw {@link MqatFormatException} naming the file relative to the dataset root,
 * the image id and the key, e.g. {@code train/000000/scene_gt.json: image 12: cam_t_m2c has 2 values,
 * expected 3}; missing required files ({@code models/models_info.json}, {@code scene_gt.json},
 * {@code scene_camera.json}, a listed or annotated image) throw {@link UncheckedIOException} whose cause is a
 * {@link NoSuchFileException} naming the path. Missing optional files ({@code scene_gt_info.json},
 * {@code mask_visib/}) give empty {@link GroundTruth#info()} and {@link GroundTruth#maskVisibPath()}.
 *
 * <p>Thread-safe.
 */
public final class BopDataset {
    private final Path root;
    private final TreeMap<Integer, ObjectInfo> objects;
    private final List<String> splits;
    private final Map<String, List<BopImage>> images = new ConcurrentHashMap<>();
    private final Map<Path, SceneFiles> scenes = new ConcurrentHashMap<>();
    private final Map<Integer, Mesh> meshes = new ConcurrentHashMap<>();

    private BopDataset(Path root, TreeMap<Integer, ObjectInfo> objects, List<String> splits) {
        this.root = root;
        this.objects = objects;
        this.splits = splits;
    }

    /**
     * Opens a dataset: reads {@code models/models_info.json} and finds the splits.
     *
     * @throws UncheckedIOException (cause {@link NoSuchFileException}) when the folder or models_info.json
     *     is missing
     * @throws MqatFormatException when models_info.json is malformed
     */
    public static BopDataset open(Path root) {
        if (!Files.isDirectory(root)) {
            throw new UncheckedIOException("dataset folder not found: " + root,
                    new NoSuchFileException(root.toString(), null, "dataset folder"));
        }
        Path info = root.resolve(BopLayout.MODELS).resolve(BopLayout.MODELS_INFO);
        if (!Files.isRegularFile(info)) {
            throw new UncheckedIOException("missing required file " + info,
                    new NoSuchFileException(info.toString(), null, "required BOP file"));
        }
        return new BopDataset(root, readModelsInfo(info), findSplits(root));
    }

    private static TreeMap<Integer, ObjectInfo> readModelsInfo(Path file) {
        String display = BopLayout.MODELS + "/" + BopLayout.MODELS_INFO;
        TreeMap<Integer, ObjectInfo> out = new TreeMap<>();
        for (Map.Entry<Integer, JsonNode> e : JsonFields.readIdMap(file, display, "object").entrySet()) {
            JsonFields f = JsonFields.at(display, "object", e.getKey());
            JsonNode v = e.getValue();
            if (!v.isObject()) {
                throw f.error("expected an object with diameter, min_x.., size_x.., found " + JsonFields.describe(v));
            }
            double diameter = f.number(v, "diameter");
            double[] min = {f.number(v, "min_x"), f.number(v, "min_y"), f.number(v, "min_z")};
            double[] size = {f.number(v, "size_x"), f.number(v, "size_y"), f.number(v, "size_z")};
            List<double[]> discrete = new ArrayList<>();
            JsonNode d = v.get("symmetries_discrete");
            if (d != null) {
                if (!d.isArray()) {
                    throw f.error("symmetries_discrete is " + JsonFields.describe(d) + ", expected a list of 16-number lists");
                }
                for (int i = 0; i < d.size(); i++) {
                    discrete.add(f.numbersValue(d.get(i), "symmetries_discrete[" + i + "]", 16));
                }
            }
            List<ContinuousSymmetry> continuous = new ArrayList<>();
            JsonNode c = v.get("symmetries_continuous");
            if (c != null) {
                if (!c.isArray()) {
                    throw f.error("symmetries_continuous is " + JsonFields.describe(c) + ", expected a list of {axis, offset}");
                }
                for (int i = 0; i < c.size(); i++) {
                    JsonNode s = c.get(i);
                    String key = "symmetries_continuous[" + i + "]";
                    if (!s.isObject()) {
                        throw f.error(key + " is " + JsonFields.describe(s) + ", expected {axis, offset}");
                    }
                    double[] axis = f.numbersValue(f.member(s, "axis"), key + ".axis", 3);
                    double[] offset = f.numbersValue(f.member(s, "offset"), key + ".offset", 3);
                    continuous.add(new ContinuousSymmetry(axis, offset));
                }
            }
            try {
                out.put(e.getKey(), new ObjectInfo(e.getKey(), diameter, min, size, discrete, continuous));
            } catch (IllegalArgumentException ex) {
                throw f.error(ex.getMessage(), ex);
            }
        }
        return out;
    }

    private static List<String> findSplits(Path root) {
        TreeSet<String> found = new TreeSet<>();
        for (int i = 0; i < BopLayout.LIST_FILES.size(); i++) {
            if (Files.isRegularFile(root.resolve(BopLayout.LIST_FILES.get(i)))) {
                found.add(BopLayout.LIST_SPLITS.get(i));
            }
        }
        for (Path d : children(root)) {
            String name = d.getFileName().toString();
            if (Files.isDirectory(d) && !name.startsWith(".") && !name.startsWith(BopLayout.MODELS) && !sceneFolders(d).isEmpty()) {
                found.add(name);
            }
        }
        List<String> out = new ArrayList<>();
        for (String s : BopLayout.LIST_SPLITS) {
            if (found.remove(s)) {
                out.add(s);
            }
        }
        out.addAll(found);
        return List.copyOf(out);
    }

    private static List<Path> children(Path dir) {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                out.add(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e, e);
        }
        Collections.sort(out);
        return out;
    }

    /** Scene folders (all-digit names) of a split folder, by ascending scene id. */
    private static TreeMap<Integer, Path> sceneFolders(Path splitDir) {
        TreeMap<Integer, Path> out = new TreeMap<>();
        for (Path p : children(splitDir)) {
            String n = p.getFileName().toString();
            if (!n.isEmpty() && n.length() <= 9 && n.chars().allMatch(ch -> ch >= '0' && ch <= '9') && Files.isDirectory(p)) {
                out.put(Integer.parseInt(n), p);
            }
        }
        return out;
    }

    /** The dataset root folder. */
    public Path root() {
        return root;
    }

    /** The objects of models_info.json, by ascending id. */
    public List<ObjectInfo> objects() {
        return List.copyOf(objects.values());
    }

    /**
     * The object with the given id.
     *
     * @throws IllegalArgumentException when models_info.json has no such object (names the ids it has)
     */
    public ObjectInfo object(int objId) {
        ObjectInfo o = objects.get(objId);
        if (o == null) {
            throw new IllegalArgumentException("object " + objId + " is not in models/models_info.json; objects: " + objects.keySet());
        }
        return o;
    }

    /** The mesh file of an object, {@code models/obj_XXXXXX.ply} (it may not exist). */
    public Path meshPath(int objId) {
        return root.resolve(BopLayout.MODELS).resolve(BopLayout.modelFileName(objId));
    }

    /**
     * The mesh of an object, read from {@link #meshPath(int)} on first use and cached.
     *
     * @throws IllegalArgumentException when models_info.json has no such object
     * @throws UncheckedIOException when the PLY file is missing (cause {@link NoSuchFileException})
     * @throws MqatFormatException when it is malformed
     */
    public Mesh mesh(int objId) {
        object(objId);
        return meshes.computeIfAbsent(objId, id -> {
            Path p = meshPath(id);
            if (!Files.isRegularFile(p)) {
                throw new UncheckedIOException("missing mesh of object " + id + ": " + p,
                        new NoSuchFileException(p.toString(), null, "mesh of object " + id));
            }
            return PlyFormat.read(p);
        });
    }

    /** The split names found: train, val, test first (those present), then other split folders by name. */
    public List<String> splits() {
        return splits;
    }

    /** True when the split's images come from a SwissCube list file. */
    public boolean hasImageList(String split) {
        String list = BopLayout.listFileOf(split);
        return list != null && Files.isRegularFile(root.resolve(list));
    }

    /**
     * The images of a split, in list order (list file) or by scene id then image id (split folder). Parsed on the
     * first call, cached after.
     *
     * @throws IllegalArgumentException when the split does not exist (names the splits found)
     * @throws MqatFormatException when a scene file or the list is malformed
     * @throws UncheckedIOException when a required file or a listed image is missing
     */
    public List<BopImage> images(String split) {
        List<BopImage> cached = images.get(split);
        if (cached != null) {
            return cached;
        }
        List<BopImage> loaded = hasImageList(split) ? fromList(split) : fromFolder(split);
        images.putIfAbsent(split, loaded);
        return images.get(split);
    }

    /**
     * One image of a split.
     *
     * @param imageId {@code "12"} or {@code "000012"}
     * @throws IllegalArgumentException when the split has no such image
     */
    public BopImage image(String split, int sceneId, String imageId) {
        int id;
        try {
            id = ImageKey.parseImageId(imageId);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("image id \"" + imageId + "\" is not a number such as \"12\" or \"000012\"", e);
        }
        for (BopImage im : images(split)) {
            if (im.sceneId() == sceneId && im.imageId() == id) {
                return im;
            }
        }
        throw new IllegalArgumentException("split " + split + " has no image " + id + " in scene " + sceneId);
    }

    private List<BopImage> fromFolder(String split) {
        Path dir = root.resolve(BopLayout.checkSplitName(split));
        if (!Files.isDirectory(dir)) {
            List<String> variants = new ArrayList<>();
            for (String s : splits) {
                if (s.startsWith(split + "_")) {
                    variants.add(s);
                }
            }
            if (variants.size() != 1) {
                throw new IllegalArgumentException("split \"" + split + "\" not found in " + root
                        + (variants.isEmpty() ? "" : " (ambiguous: " + variants + ")") + "; splits: " + splits);
            }
            dir = root.resolve(variants.get(0));
        }
        List<BopImage> out = new ArrayList<>();
        for (Map.Entry<Integer, Path> e : sceneFolders(dir).entrySet()) {
            SceneFiles scene = scene(e.getValue());
            for (int id : scene.imageIds()) {
                Path file = scene.imageFile(id);
                out.add(scene.image(split, e.getKey(), id, file, display(file)));
            }
        }
        return List.copyOf(out);
    }

    private List<BopImage> fromList(String split) {
        String list = BopLayout.listFileOf(split);
        List<String> lines;
        try {
            lines = Files.readAllLines(root.resolve(list), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + root.resolve(list) + ": " + e, e);
        }
        List<BopImage> out = new ArrayList<>(lines.size());
        Map<Path, Integer> seen = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            int lineNo = i + 1;
            if (line.isEmpty()) {
                continue;
            }
            Path p = Paths.get(line);
            Path file = (p.isAbsolute() ? p : root.resolve(p)).normalize();
            Integer before = seen.put(file, lineNo);
            if (before != null) {
                throw SceneFiles.listError(list, lineNo, "\"" + line + "\" repeats line " + before);
            }
            Path folder = file.getParent();
            Path sceneDir = folder == null ? null : folder.getParent();
            if (sceneDir == null) {
                throw SceneFiles.listError(list, lineNo, "\"" + line + "\" is not a path like <scene>/rgb/000012.png");
            }
            int imageId;
            try {
                imageId = ImageKey.parseImageId(file.getFileName().toString());
            } catch (IllegalArgumentException e) {
                throw SceneFiles.listError(list, lineNo, "image file name \"" + file.getFileName()
                        + "\" is not a number such as 000012.png");
            }
            String sceneName = sceneDir.getFileName() == null ? "" : sceneDir.getFileName().toString();
            if (sceneName.isEmpty() || sceneName.length() > 9 || !sceneName.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw SceneFiles.listError(list, lineNo, "scene folder \"" + sceneName + "\" of \"" + line
                        + "\" is not a scene id such as 000000");
            }
            SceneFiles scene = scene(sceneDir);
            if (!scene.hasImage(imageId)) {
                throw JsonFields.at(scene.display() + "/" + BopLayout.SCENE_GT, "image", imageId)
                        .error("missing (" + list + " line " + lineNo + " lists it)");
            }
            out.add(scene.image(split, Integer.parseInt(sceneName), imageId, file, display(file)));
        }
        return List.copyOf(out);
    }

    private SceneFiles scene(Path dir) {
        Path key = dir.toAbsolutePath().normalize();
        SceneFiles s = scenes.get(key);
        if (s == null) {
            s = new SceneFiles(dir, display(dir));
            scenes.putIfAbsent(key, s);
        }
        return s;
    }

    /** A path as shown in messages: relative to the root with '/' separators, or absolute when outside it. */
    private String display(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        Path r = root.toAbsolutePath().normalize();
        if (!abs.startsWith(r)) {
            return abs.toString();
        }
        List<String> parts = new ArrayList<>();
        for (Path part : r.relativize(abs)) {
            parts.add(part.toString());
        }
        return String.join("/", parts);
    }
}
