package dev.mqat.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.mqat.data.AnnotationOverlay;
import dev.mqat.data.BopDataset;
import dev.mqat.data.DatasetSummary;
import dev.mqat.data.DepthBins;
import dev.mqat.data.ObjectInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mqat data inspect|show}: look at a BOP dataset. */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = "Inspect a BOP / SwissCube-style dataset.",
        subcommands = {DataCommand.Inspect.class, DataCommand.Show.class})
final class DataCommand implements Runnable {
    @Mixin
    CommonOptions common;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: inspect or show; see 'mqat data --help'");
    }

    static BopDataset open(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new UsageException("dataset folder not found: " + dir);
        }
        return BopDataset.open(dir);
    }

    @Command(name = "inspect", mixinStandardHelpOptions = true,
            description = {
                "Summarise a BOP dataset: objects, splits, counts and depth bins. Prints the objects (ids, diameters), the splits (from training/validation/testing.txt lists or split folders),"
                        + " image and instance counts, and per split the ground-truth depth range (t_z, mm) with the"
                        + " near/medium/far bin edges (three equal-width bins).",
                "",
                "--json prints one object: {\"root\": path, \"objects\": [{\"obj_id\", \"diameter_mm\", \"min_mm\": [3],"
                        + " \"size_mm\": [3], \"symmetric\"}], \"splits\": [{\"name\", \"source\" (list file or folder),"
                        + " \"scenes\", \"images\", \"instances\", \"instances_per_object\": {obj_id: n}, \"depth_min_mm\","
                        + " \"depth_max_mm\", \"bin_edges_mm\": [4], \"bin_counts\": {\"near\", \"medium\", \"far\"}}]}"
                        + " (depth keys null for a split without instances)."
            })
    static final class Inspect implements Runnable {
        @Mixin
        CommonOptions common;

        @Parameters(index = "0", paramLabel = "DIR", description = "Dataset root (holds models/ and the split folders).")
        Path dir;

        @Option(names = "--json", description = SharedOptions.JSON)
        boolean json;

        @Override
        public void run() {
            DatasetSummary s = DatasetSummary.of(open(dir));
            if (json) {
                try {
                    System.out.println(new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(s.toJson()));
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalStateException("cannot print the summary as JSON: " + e.getMessage(), e);
                }
                return;
            }
            System.out.println("dataset " + s.root());
            System.out.println("objects " + s.objects().size());
            for (ObjectInfo o : s.objects()) {
                double[] size = o.sizeMm();
                System.out.printf(Locale.ROOT, "  obj %d  diameter %.2f mm  size %.1f x %.1f x %.1f mm%s%n", o.objId(),
                        o.diameterMm(), size[0], size[1], size[2], o.isSymmetric() ? "  symmetric" : "");
            }
            System.out.println("splits " + s.splits().size());
            for (DatasetSummary.Split sp : s.splits()) {
                System.out.printf(Locale.ROOT, "  %-6s from %-15s %d scenes, %d images, %d instances%n", sp.name(), sp.source(),
                        sp.sceneCount(), sp.imageCount(), sp.instanceCount());
                if (sp.depthBins().isPresent()) {
                    DepthBins b = sp.depthBins().get();
                    double[] e = b.edgesMm();
                    int[] c = sp.binCounts();
                    System.out.printf(Locale.ROOT, "         depth %.1f .. %.1f mm%s%n", b.minMm(), b.maxMm(),
                            b.minMm() > 0 ? String.format(Locale.ROOT, " (far/near %.2f)", b.maxMm() / b.minMm()) : "");
                    System.out.printf(Locale.ROOT, "         near [%.1f, %.1f) %d   medium [%.1f, %.1f) %d   far [%.1f, %.1f] %d%n",
                            e[0], e[1], c[0], e[1], e[2], c[1], e[2], e[3], c[2]);
                }
            }
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Draw the ground truth over images of a split, for checking annotations by eye. Writes PNGs "
                    + "with the ground truth drawn over them (tinted visible mask,"
                    + " projected 3D bounding box, the 8 keypoints numbered, object id and depth). Images are spread evenly over the split; small images are enlarged.")
    static final class Show implements Runnable {
        @Mixin
        CommonOptions common;

        @Parameters(index = "0", paramLabel = "DIR", description = "Dataset root.")
        Path dir;

        @Option(names = "--split", defaultValue = "test", paramLabel = "SPLIT", description = SharedOptions.SPLIT)
        String split;

        @Option(names = "--count", defaultValue = "8", paramLabel = "N", description = "Number of images (default: ${DEFAULT-VALUE}).")
        int count;

        @Option(names = "--out", required = true, paramLabel = "DIR2", description = "Output folder for the PNGs (created).")
        Path out;

        @Override
        public void run() {
            if (count <= 0) {
                throw new UsageException("--count must be positive, found " + count);
            }
            BopDataset d = open(dir);
            if (!d.hasSplit(split)) {
                throw new UsageException("split \"" + split + "\" not found in " + dir + "; splits: " + d.splits());
            }
            List<Path> files = AnnotationOverlay.writeSamples(d, split, count, out);
            for (Path f : files) {
                System.out.println(f);
            }
            System.err.println("wrote " + files.size() + " images to " + out);
        }
    }
}
