package dev.mqat.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.mqat.data.BopDataset;
import dev.mqat.data.BopImage;
import dev.mqat.data.GroundTruth;
import dev.mqat.data.GtInfo;
import dev.mqat.data.ObjectInfo;
import dev.mqat.geometry.Mesh;
import dev.mqat.geometry.Pose;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SynthesizerTest {
    private static final Mesh SATELLITE = CubeSatModel.mesh();
    private static final SynthConfig SMALL = SynthConfig.defaults().withImageCount(20).withSizePx(96).withSeed(7)
            .withSplit(new SplitFractions(0.6, 0.2, 0.2)).withImagesPerScene(5);

    @Test
    void writesABopDatasetWhoseBoxesEncloseTheMasks(@TempDir Path dir) throws IOException {
        List<int[]> progress = new ArrayList<>();
        SynthSummary summary = Synthesizer.generate(SATELLITE, Synthesizer.EMBEDDED_OBJECT_NAME, SMALL, dir, 2,
                (done, total, s) -> progress.add(new int[] {done, total}));
        assertThat(summary.totalImages()).isEqualTo(20);
        assertThat(new int[] {summary.trainImages(), summary.valImages(), summary.testImages()}).containsExactly(12, 4, 4);
        assertThat(progress).isNotEmpty();
        assertThat(progress.get(progress.size() - 1)).containsExactly(20, 20);
        for (String f : List.of("training.txt", "validation.txt", "testing.txt", "synth.json", "models/models_info.json",
                "models/obj_000001.ply", "train/000002/scene_gt_info.json")) {
            assertThat(dir.resolve(f)).as(f).isRegularFile();
        }
        assertThat(Files.readAllLines(dir.resolve("training.txt"))).hasSize(12).startsWith("train/000000/rgb/000000.png");

        BopDataset data = BopDataset.open(dir);
        ObjectInfo info = data.object(1);
        assertThat(info.diameterMm()).isCloseTo(SATELLITE.diameterMm(), offset(1e-9));
        assertThat(data.mesh(1).vertices()).isEqualTo(SATELLITE.vertices());
        double[][] corners = info.bboxCornersMm();
        SceneSampler sampler = new SceneSampler(summary.scene(), new double[3], SMALL.seed());
        int index = 0;
        for (String split : List.of("train", "val", "test")) {
            List<BopImage> images = data.images(split);
            assertThat(images).as("images of %s", split).hasSize(split.equals("train") ? 12 : 4);
            for (BopImage image : images) {
                assertThat(image.sceneId() * 5 + image.imageId()).as("image order").isEqualTo(
                        index - (split.equals("train") ? 0 : split.equals("val") ? 12 : 16));
                GroundTruth gt = image.groundTruths().get(0);
                Pose pose = gt.instance().objectToCamera();
                assertThat(pose).as("written pose of dataset image %d", index).isEqualTo(sampler.sample(index).objectToCamera());
                BufferedImage mask = ImageIO.read(gt.maskVisibPath().orElseThrow().toFile());
                double[][] projected = new double[8][];
                for (int c = 0; c < 8; c++) {
                    projected[c] = image.camera().project(pose.apply(corners[c]));
                }
                double[][] hull = Hull.convexHull(projected);
                int count = 0;
                for (int y = 0; y < 96; y++) {
                    for (int x = 0; x < 96; x++) {
                        if (mask.getRaster().getSample(x, y, 0) != 0) {
                            count++;
                            assertThat(Hull.distanceOutside(hull, x, y)).as("mask pixel (%d, %d) of %s", x, y, image.key())
                                    .isLessThanOrEqualTo(0.5);
                        }
                    }
                }
                GtInfo gi = gt.info().orElseThrow();
                assertThat(gi.pxCountVisib()).as("px_count_visib of %s", image.key()).isEqualTo(count).isPositive();
                assertThat(ImageIO.read(image.rgbPath().toFile()).getWidth()).isEqualTo(96);
                index++;
            }
        }
        assertThat(index).isEqualTo(20);
    }

    @Test
    void sameSeedGivesIdenticalFilesWhateverTheThreadCount(@TempDir Path dir) throws IOException {
        Synthesizer.generate(SATELLITE, "x", SMALL, dir.resolve("a"), 2, null);
        Synthesizer.generate(SATELLITE, "x", SMALL, dir.resolve("b"), 1, null);
        Synthesizer.generate(SATELLITE, "x", SMALL.withSeed(8), dir.resolve("c"), 2, null);
        TreeMap<String, byte[]> a = files(dir.resolve("a"));
        // lists, models + info, synth.json, rgb + mask per image, 3 JSON files in each of 3 + 1 + 1 scenes
        TreeMap<String, byte[]> b = files(dir.resolve("b"));
        assertThat(a.keySet()).hasSize(3 + 2 + 1 + 20 * 2 + 5 * 3).isEqualTo(b.keySet());
        for (String name : a.keySet()) {
            assertThat(b.get(name)).as("bytes of %s", name).isEqualTo(a.get(name));
        }
        TreeMap<String, byte[]> c = files(dir.resolve("c"));
        assertThat(c.get("train/000000/rgb/000000.png")).as("another seed").isNotEqualTo(a.get("train/000000/rgb/000000.png"));
        assertThat(c.get("train/000000/scene_gt.json")).isNotEqualTo(a.get("train/000000/scene_gt.json"));
    }

    private static TreeMap<String, byte[]> files(Path root) throws IOException {
        TreeMap<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                out.put(root.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
            }
        }
        return out;
    }
}
