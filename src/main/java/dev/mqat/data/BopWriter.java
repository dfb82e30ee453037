package dev.mqat.data;

import dev.mqat.AtomicFiles;
import dev.mqat.geometry.Mesh;
import dev.mqat.geometry.PlyEncoding;
import dev.mqat.geometry.PlyFormat;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Writes a BOP dataset: {@code models/models_info.json}, the meshes, split folders of scenes (through
 * {@link BopSceneWriter}) and the SwissCube list files.
 *
 * <p>Every file is written atomically ({@link AtomicFiles}); JSON output is deterministic (see
 * {@link #writeModelsInfo(List)} and {@link BopSceneWriter}), so the same input gives the same bytes. Scene
 * writers may be fed from several threads; this class is thread-safe.
 *
 * <p>Example: {@code BopDatasetRoundTripTest} in the tests writes a two-scene dataset and reads it back.
 */
public final class BopWriter {
    private final Path root;
    private final Map<String, BopSceneWriter> scenes = new TreeMap<>();
    private final TreeSet<ImageKey> closedImages = new TreeSet<>();

    private BopWriter(Path root) {
        this.root = Objects.requireNonNull(root, "root");
    }

    /** A writer into {@code root} (created on the first write; existing files of the same name are replaced). */
    public static BopWriter create(Path root) {
        return new BopWriter(root);
    }

    /** The dataset root folder. */
    public Path root() {
        return root;
    }

    /**
     * Writes {@code models/obj_XXXXXX.ply} (mm).
     *
     * @param encoding {@link PlyEncoding#ASCII} as BOP ships, or binary little-endian (smaller, faster to read)
     * @return the file written
     */
    public Path writeModel(int objId, Mesh mesh, PlyEncoding encoding) {
        if (objId <= 0) {
            throw new IllegalArgumentException("obj_id must be positive, found " + objId);
        }
        Path file = root.resolve(BopLayout.MODELS).resolve(BopLayout.modelFileName(objId));
        PlyFormat.write(file, mesh, encoding);
        return file;
    }

    /**
     * Writes {@code models/models_info.json}: one line per object in ascending id order with keys
     * {@code diameter, min_x, min_y, min_z, size_x, size_y, size_z} and, when non-empty,
     * {@code symmetries_discrete} (lists of 16 numbers) and {@code symmetries_continuous}
     * ({@code {"axis": [3], "offset": [3]}}).
     *
     * @throws IllegalArgumentException when two objects share an id or a value is not finite
     */
    public void writeModelsInfo(List<ObjectInfo> objects) {
        TreeMap<Integer, Object> entries = new TreeMap<>();
        for (ObjectInfo o : objects) {
            String at = "models_info.json: object " + o.objId() + ": ";
            Map<String, Object> m = new LinkedHashMap<>();
            try {
                m.put("diameter", BopJson.finite("diameter", o.diameterMm()));
                double[] min = BopJson.finite("min", o.minMm());
                double[] size = BopJson.finite("size", o.sizeMm());
                m.put("min_x", min[0]);
                m.put("min_y", min[1]);
                m.put("min_z", min[2]);
                m.put("size_x", size[0]);
                m.put("size_y", size[1]);
                m.put("size_z", size[2]);
                if (!o.symmetriesDiscrete().isEmpty()) {
                    List<double[]> sym = new ArrayList<>();
                    for (double[] s : o.symmetriesDiscrete()) {
                        sym.add(BopJson.finite("symmetries_discrete", s));
                    }
                    m.put("symmetries_discrete", sym);
                }
                if (!o.symmetriesContinuous().isEmpty()) {
                    List<Object> sym = new ArrayList<>();
                    for (ContinuousSymmetry s : o.symmetriesContinuous()) {
                        Map<String, Object> c = new LinkedHashMap<>();
                        c.put("axis", BopJson.finite("axis", s.axis()));
                        c.put("offset", BopJson.finite("offset", s.offsetMm()));
                        sym.add(c);
                    }
                    m.put("symmetries_continuous", sym);
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(at + e.getMessage(), e);
            }
            if (entries.put(o.objId(), m) != null) {
                throw new IllegalArgumentException(at + "object id given twice");
            }
        }
        AtomicFiles.write(root.resolve(BopLayout.MODELS).resolve(BopLayout.MODELS_INFO), BopJson.idMap(entries));
    }

    /**
     * Opens the writer of scene {@code split/XXXXXX}; its JSON files are written when it is closed.
     *
     * @throws IllegalStateException when the scene was opened before through this writer
     */
    public synchronized BopSceneWriter scene(String split, int sceneId) {
        BopLayout.checkSplitName(split);
        if (sceneId < 0) {
            throw new IllegalArgumentException("scene id must be non-negative, found " + sceneId);
        }
        String name = BopLayout.sceneFolderName(split, sceneId);
        if (scenes.containsKey(name)) {
            throw new IllegalStateException("scene " + name + " was already opened by this writer; reuse its BopSceneWriter");
        }
        BopSceneWriter w = new BopSceneWriter(this, split, sceneId, root.resolve(split).resolve(BopLayout.sixDigits(sceneId)));
        scenes.put(name, w);
        return w;
    }

    /** Called by a scene writer once its JSON files are written. */
    synchronized void sceneClosed(List<ImageKey> images) {
        closedImages.addAll(images);
    }

    /**
     * Writes one SwissCube list file ({@code training.txt} for train, {@code validation.txt} for val,
     * {@code testing.txt} for test): one rgb path per line relative to the dataset root, e.g.
     * {@code train/000000/rgb/000012.png}, in the given order.
     *
     * @throws IllegalArgumentException when the split is not train, val or test, or an image belongs to
     *     another split
     */
    public void writeImageList(String split, List<ImageKey> images) {
        String file = BopLayout.listFileOf(split);
        if (file == null) {
            throw new IllegalArgumentException("split \"" + split + "\" has no SwissCube list file; expected one of "
                    + BopLayout.LIST_SPLITS);
        }
        StringBuilder sb = new StringBuilder(images.size() * 32);
        for (ImageKey k : images) {
            if (!k.split().equals(split)) {
                throw new IllegalArgumentException(file + ": image " + k + " belongs to split " + k.split()
                        + ", expected " + split);
            }
            sb.append(k.rgbRelativePath()).append('\n');
        }
        AtomicFiles.writeString(root.resolve(file), sb.toString());
    }

    /**
     * Writes the list file of each of train, val and test that has images in a closed scene of this writer,
     * images sorted by scene id then image id.
     *
     * @return the splits for which a list was written
     * @throws IllegalStateException when a scene of this writer is still open (close it first)
     */
    public List<String> writeImageLists() {
        Map<String, List<ImageKey>> bySplit = new TreeMap<>();
        synchronized (this) {
            for (BopSceneWriter w : scenes.values()) {
                if (!w.isClosed()) {
                    throw new IllegalStateException("scene " + w.name() + " is still open; close it before writeImageLists()");
                }
            }
            for (ImageKey k : closedImages) {
                bySplit.computeIfAbsent(k.split(), s -> new ArrayList<>()).add(k);
            }
        }
        List<String> written = new ArrayList<>();
        for (String split : BopLayout.LIST_SPLITS) {
            List<ImageKey> keys = bySplit.get(split);
            if (keys != null) {
                writeImageList(split, keys);
                written.add(split);
            }
        }
        return written;
    }
}
