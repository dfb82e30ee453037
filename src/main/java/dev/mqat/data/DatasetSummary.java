package dev.mqat.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a dataset holds: its objects and, per split, scene, image and instance counts and the ground-truth
 * depth range with its near / medium / far bins (what {@code mqat data inspect} prints).
 *
 * @param root the dataset folder
 * @param objects the objects of models_info.json, by id
 * @param splits one summary per split, in {@link BopDataset#splits()} order
 */
public record DatasetSummary(Path root, List<ObjectInfo> objects, List<Split> splits) {

    /**
     * One split.
     *
     * @param name split name
     * @param source {@code training.txt} / {@code validation.txt} / {@code testing.txt} when a list file
     *     selects the images, else the split folder name
     * @param sceneCount scenes with at least one image in the split
     * @param imageCount images
     * @param instanceCount ground-truth instances over all images
     * @param instancesPerObject instance count per object id, ascending ids
     * @param depthBins bins over the instances' depths (t_z, mm); empty when the split has no instance
     * @param binCounts instances per bin, nearest first (3 values; zeros when there is no instance)
     */
    public record Split(String name, String source, int sceneCount, int imageCount, int instanceCount,
            Map<Integer, Integer> instancesPerObject, Optional<DepthBins> depthBins, int[] binCounts) {

        public Split {
            Objects.requireNonNull(name, "name");
            instancesPerObject = Map.copyOf(instancesPerObject);
            if (binCounts.length != 3) {
                throw new IllegalArgumentException("binCounts has " + binCounts.length + " values, expected 3");
            }
            binCounts = binCounts.clone();
        }

        @Override
        public int[] binCounts() {
            return binCounts.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Split s && name.equals(s.name) && source.equals(s.source) && sceneCount == s.sceneCount
                    && imageCount == s.imageCount && instanceCount == s.instanceCount
                    && instancesPerObject.equals(s.instancesPerObject) && depthBins.equals(s.depthBins)
                    && Arrays.equals(binCounts, s.binCounts);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, source, sceneCount, imageCount, instanceCount, depthBins) * 31 + Arrays.hashCode(binCounts);
        }
    }

    public DatasetSummary {
        objects = List.copyOf(objects);
        splits = List.copyOf(splits);
    }

    /** Summarises every split of a dataset (reads all its scenes). */
    public static DatasetSummary of(BopDataset dataset) {
        List<Split> out = new ArrayList<>();
        for (String name : dataset.splits()) {
            out.add(split(dataset, name));
        }
        return new DatasetSummary(dataset.root(), dataset.objects(), out);
    }

    /** Summarises one split. */
    public static Split split(BopDataset dataset, String name) {
        List<BopImage> images = dataset.images(name);
        TreeSet<Integer> scenes = new TreeSet<>();
        Map<Integer, Integer> perObject = new TreeMap<>();
        int instances = 0;
        for (BopImage im : images) {
            scenes.add(im.sceneId());
            for (GroundTruth gt : im.groundTruths()) {
                perObject.merge(gt.instance().objId(), 1, Integer::sum);
                instances++;
            }
        }
        int[] counts = new int[3];
        Optional<DepthBins> bins = Optional.empty();
        if (instances > 0) {
            DepthBins b = DepthBins.over(images);
            for (BopImage im : images) {
                for (GroundTruth gt : im.groundTruths()) {
                    counts[b.binOf(gt.instance().depthMm()).ordinal()]++;
                }
            }
            bins = Optional.of(b);
        }
        String source = dataset.hasImageList(name) ? BopLayout.listFileOf(name) : name;
        return new Split(name, source, scenes.size(), images.size(), instances, perObject, bins, counts);
    }

    /**
     * The summary as a JSON-ready map (what {@code mqat data inspect --json} prints).
     *
     * <p>Keys: {@code root} (string); {@code objects}: list of {@code {obj_id, diameter_mm, min_mm [3],
     * size_mm [3], symmetric}}; {@code splits}: list of {@code {name, source, scenes, images, instances,
     * instances_per_object {obj_id: count}, depth_min_mm, depth_max_mm, bin_edges_mm [4], bin_counts {near,
     * medium, far}}}; the depth keys are null for a split without instances.
     */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("root", root.toString());
        List<Object> objs = new ArrayList<>();
        for (ObjectInfo o : objects) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("obj_id", o.objId());
            j.put("diameter_mm", o.diameterMm());
            j.put("min_mm", o.minMm());
            j.put("size_mm", o.sizeMm());
            j.put("symmetric", o.isSymmetric());
            objs.add(j);
        }
        m.put("objects", objs);
        List<Object> sp = new ArrayList<>();
        for (Split s : splits) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("name", s.name());
            j.put("source", s.source());
            j.put("scenes", s.sceneCount());
            j.put("images", s.imageCount());
            j.put("instances", s.instanceCount());
            Map<String, Integer> per = new LinkedHashMap<>();
            new TreeMap<>(s.instancesPerObject()).forEach((k, v) -> per.put(String.valueOf(k), v));
            j.put("instances_per_object", per);
            j.put("depth_min_mm", s.depthBins().map(DepthBins::minMm).orElse(null));
            j.put("depth_max_mm", s.depthBins().map(DepthBins::maxMm).orElse(null));
            j.put("bin_edges_mm", s.depthBins().map(DepthBins::edgesMm).orElse(null));
            Map<String, Integer> bc = new LinkedHashMap<>();
            for (DepthBin b : DepthBin.values()) {
                bc.put(b.key(), s.binCounts()[b.ordinal()]);
            }
            j.put("bin_counts", s.depthBins().isPresent() ? bc : null);
            sp.add(j);
        }
        m.put("splits", sp);
        return m;
    }
}
