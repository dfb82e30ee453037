package dev.mqat.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mqat.geometry.CameraIntrinsics;
import dev.mqat.geometry.Mesh;
import dev.mqat.geometry.Pose;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnnotationOverlayTest {

    @TempDir
    Path tmp;

    @Test
    void boxHasTwelveEdgesBetweenCornersDifferingInOneAxis() {
        int[][] edges = AnnotationOverlay.boxEdges();
        assertThat(edges).hasNumberOfRows(12);
        Set<String> unique = new HashSet<>();
        for (int[] e : edges) {
            assertThat(Integer.bitCount(e[0] ^ e[1])).as("edge %d-%d differs in one axis", e[0], e[1]).isEqualTo(1);
            unique.add(Math.min(e[0], e[1]) + "-" + Math.max(e[0], e[1]));
        }
        assertThat(unique).hasSize(12);
    }

    @Test
    void keypointsAreDrawnAtTheProjectedCorners() throws Exception {
        // a black 64x48 image, a box 40 mm wide at 400 mm: corners land well inside the image
        CameraIntrinsics cam = new CameraIntrinsics(200, 200, 31.5, 23.5, 64, 48);
        Mesh mesh = BopFixtures.box(40, 30, 20);
        Pose pose = new Pose(BopFixtures.rotation(new java.util.Random(3)), new double[] {2, -1, 400});
        BopWriter w = BopWriter.create(tmp);
        w.writeModel(1, mesh, dev.mqat.geometry.PlyEncoding.BINARY_LITTLE_ENDIAN);
        w.writeModelsInfo(List.of(ObjectInfo.fromMesh(1, mesh)));
        try (BopSceneWriter sw = w.scene("val", 0)) {
            sw.writeImage(0, cam, BopFixtures.png(new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB)),
                    List.of(new GtInstance(1, pose)), null, null);
        }
        BopDataset d = BopDataset.open(tmp);
        BufferedImage img = AnnotationOverlay.render(d.images("val").get(0), d::mesh);
        int scale = 8; // 512 / 64
        assertThat(img.getWidth()).isEqualTo(64 * scale);
        double[][] uv = AnnotationOverlay.projectedCorners(mesh, pose, cam);
        for (int k = 0; k < 8; k++) {
            int x = (int) Math.floor((uv[k][0] + 0.5) * scale);
            int y = (int) Math.floor((uv[k][1] + 0.5) * scale);
            assertThat(img.getRGB(x, y) & 0xffffff).as("keypoint %d at (%d, %d) is red", k, x, y).isEqualTo(0xff0000);
        }
        assertThat(img.getRGB(2, 2) & 0xffffff).as("background stays black").isZero();

        List<Path> files = AnnotationOverlay.writeSamples(d, "val", 5, tmp.resolve("show"));
        assertThat(files).containsExactly(tmp.resolve("show/val_000000_000000.png"));
        BufferedImage back = ImageIO.read(files.get(0).toFile());
        assertThat(back.getWidth()).isEqualTo(512);
        assertThat(Files.size(files.get(0))).isPositive();
    }

    @Test
    void samplesAreSpreadOverTheSplit() {
        BopFixtures.write(tmp, 9);
        BopDataset d = BopDataset.open(tmp);
        List<Path> files = AnnotationOverlay.writeSamples(d, "train", 3, tmp.resolve("out"));
        assertThat(files).extracting(p -> p.getFileName().toString())
                .containsExactly("train_000000_000000.png", "train_000001_000000.png", "train_000001_000012.png");
    }
}
