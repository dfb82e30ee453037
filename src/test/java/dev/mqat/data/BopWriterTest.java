package dev.mqat.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mqat.geometry.CameraIntrinsics;
import dev.mqat.geometry.Pose;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BopWriterTest {
    private static final CameraIntrinsics CAM = new CameraIntrinsics(40, 41, 15.5, 11.5, BopFixtures.WIDTH, BopFixtures.HEIGHT);

    @TempDir
    Path tmp;

    /** Every file under root, relative path -> bytes, sorted by path. */
    private static List<String> listing(Path root) throws Exception {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                out.add(root.relativize(p) + " " + java.util.Arrays.hashCode(Files.readAllBytes(p)) + " " + Files.size(p));
            }
        }
        return out;
    }

    @Test
    void sameInputGivesByteIdenticalFiles() throws Exception {
        BopFixtures.write(tmp.resolve("a"), 11);
        BopFixtures.write(tmp.resolve("b"), 11);
        List<String> a = listing(tmp.resolve("a"));
        assertThat(a).as("files written").hasSize(3 + 9 + 10 + 7 + 2);
        assertThat(listing(tmp.resolve("b"))).as("same seed, same files and bytes").isEqualTo(a);
        for (String name : List.of("models/models_info.json", "train/000001/scene_gt.json", "train/000001/scene_camera.json",
                "train/000001/scene_gt_info.json", "training.txt")) {
            assertThat(Files.readAllBytes(tmp.resolve("b").resolve(name))).as(name)
                    .isEqualTo(Files.readAllBytes(tmp.resolve("a").resolve(name)));
        }
        BopFixtures.write(tmp.resolve("c"), 12);
        assertThat(Files.readAllBytes(tmp.resolve("c/train/000001/scene_gt.json"))).as("another seed differs")
                .isNotEqualTo(Files.readAllBytes(tmp.resolve("a/train/000001/scene_gt.json")));
    }

    @Test
    void sceneJsonIsKeyedByUnpaddedIdsInNumericOrder() throws Exception {
        BopFixtures.write(tmp, 1);
        List<String> lines = Files.readAllLines(tmp.resolve("train/000000/scene_gt.json"));
        assertThat(lines.get(0)).isEqualTo("{");
        assertThat(lines.get(1)).startsWith("  \"0\": [{\"cam_R_m2c\":[");
        assertThat(lines.get(2)).startsWith("  \"5\": [");
        assertThat(lines.get(3)).startsWith("  \"12\": [");
        assertThat(lines.get(4)).isEqualTo("}");
        assertThat(Files.readString(tmp.resolve("train/000000/scene_camera.json")))
                .contains("\"12\": {\"cam_K\":[").doesNotContain("000012");
    }

    @Test
    void parallelWritersGiveTheSameBytesAsASequentialOne() throws Exception {
        writeScene(tmp.resolve("seq"), 1, false);
        writeScene(tmp.resolve("par"), 4, true);
        assertThat(listing(tmp.resolve("par"))).isEqualTo(listing(tmp.resolve("seq")));
        assertThat(BopDataset.open(tmp.resolve("par")).images("val")).hasSize(40);
    }

    private static void writeScene(Path root, int threads, boolean shuffle) throws Exception {
        BopWriter w = BopWriter.create(root);
        w.writeModelsInfo(List.of(ObjectInfo.fromMesh(1, BopFixtures.box(10, 20, 30))));
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ids.add(i);
        }
        if (shuffle) {
            Collections.shuffle(ids, new Random(5));
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (BopSceneWriter sw = w.scene("val", 2)) {
            List<Future<?>> jobs = new ArrayList<>();
            for (int id : ids) {
                jobs.add(pool.submit(() -> {
                    Random r = new Random(id);
                    Pose p = new Pose(BopFixtures.rotation(r), new double[] {r.nextGaussian(), r.nextGaussian(), 100 + id});
                    sw.writeImage(id, CAM, BopFixtures.rgbPng(CAM.width(), CAM.height(), id), List.of(new GtInstance(1, p)),
                            List.of(new GtInfo(new PixelBox(1, 2, 3, 4), new PixelBox(1, 2, 3, 3), 12, 12, 9, 0.75)),
                            List.of(BopFixtures.maskPng(CAM.width(), CAM.height(), 1, 2, 4, 5)));
                }));
            }
            for (Future<?> f : jobs) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        w.writeImageLists();
    }

    @Test
    void misuseIsRejectedWithTheImageNamed() {
        BopWriter w = BopWriter.create(tmp);
        byte[] rgb = BopFixtures.rgbPng(CAM.width(), CAM.height(), 1);
        BopSceneWriter sw = w.scene("train", 0);
        sw.writeImage(3, CAM, rgb, List.of(), null, null);
        assertThatThrownBy(() -> sw.writeImage(3, CAM, rgb, List.of(), null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("train/000000: image 3: image id written twice");
        assertThatThrownBy(() -> sw.writeImage(4, CAM, BopFixtures.rgbPng(8, 8, 1), List.of(), null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("train/000000: image 4: rgb is 8x8 px, camera is 32x24");
        assertThatThrownBy(() -> sw.writeImage(4, CAM, new byte[40], List.of(), null, null))
                .hasMessage("train/000000: image 4: rgb is not a PNG (bad signature)");
        GtInstance g = new GtInstance(1, Pose.identityAt(0, 0, 100));
        assertThatThrownBy(() -> sw.writeImage(4, CAM, rgb, List.of(g), List.of(), null))
                .hasMessage("train/000000: image 4: 0 infos for 1 instances");
        GtInfo info = new GtInfo(new PixelBox(0, 0, 1, 1), new PixelBox(0, 0, 1, 1), 1, 1, 1, 1);
        assertThatThrownBy(() -> sw.writeImage(4, CAM, rgb, List.of(g), List.of(info), null))
                .hasMessageContaining("has infos but earlier images had none");
        assertThatThrownBy(() -> sw.writeImage(4, CAM, rgb, List.of(new GtInstance(1, Pose.identityAt(0, 0, Double.NaN))), null, null))
                .hasMessage("train/000000: image 4: cam_t_m2c[2] is NaN, expected a finite number");
        assertThatThrownBy(() -> w.scene("train", 0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(w::writeImageLists).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("train/000000 is still open");
        sw.close();
        assertThatThrownBy(() -> sw.writeImage(5, CAM, rgb, List.of(), null, null)).isInstanceOf(IllegalStateException.class);
        assertThat(w.writeImageLists()).containsExactly("train");
        assertThatThrownBy(() -> w.writeImageList("extra", List.of())).hasMessageContaining("[train, val, test]");
        assertThatThrownBy(() -> w.scene("../x", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> w.writeModelsInfo(List.of(ObjectInfo.fromMesh(1, BopFixtures.box(1, 1, 1)),
                ObjectInfo.fromMesh(1, BopFixtures.box(2, 2, 2))))).hasMessage("models_info.json: object 1: object id given twice");
    }

    @Test
    void imageWithoutInstancesIsWrittenAsAnEmptyList() throws Exception {
        BopWriter w = BopWriter.create(tmp);
        w.writeModelsInfo(List.of(ObjectInfo.fromMesh(1, BopFixtures.box(1, 1, 1))));
        try (BopSceneWriter sw = w.scene("test", 0)) {
            sw.writeImage(0, CAM, BopFixtures.rgbPng(CAM.width(), CAM.height(), 1), List.of(), null, null);
        }
        assertThat(Files.readString(tmp.resolve("test/000000/scene_gt.json"))).isEqualTo("{\n  \"0\": []\n}\n");
        assertThat(tmp.resolve("test/000000/scene_gt_info.json")).doesNotExist();
        BopImage im = BopDataset.open(tmp).images("test").get(0);
        assertThat(im.groundTruths()).isEmpty();
        assertThat(DatasetSummary.of(BopDataset.open(tmp)).splits().get(0).depthBins()).isEmpty();
    }
}
