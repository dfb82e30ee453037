package dev.mqat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mqat.geometry.CameraIntrinsics;
import dev.mqat.geometry.Mesh;
import dev.mqat.geometry.PlyEncoding;
import dev.mqat.geometry.Pose;
import dev.mqat.data.BopSceneWriter;
import dev.mqat.data.BopWriter;
import dev.mqat.data.GtInstance;
import dev.mqat.data.ObjectInfo;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataCommandTest {

    @TempDir
    Path tmp;

    @BeforeEach
    void dataset() throws Exception {
        float[] v = new float[24];
        for (int i = 0; i < 8; i++) {
            v[3 * i] = (i & 4) != 0 ? 10 : -10;
            v[3 * i + 1] = (i & 2) != 0 ? 10 : -10;
            v[3 * i + 2] = (i & 1) != 0 ? 10 : -10;
        }
        Mesh mesh = new Mesh(v, new int[] {0, 1, 3}, null, null);
        BopWriter w = BopWriter.create(tmp.resolve("ds"));
        w.writeModel(1, mesh, PlyEncoding.ASCII);
        w.writeModelsInfo(List.of(ObjectInfo.fromMesh(1, mesh)));
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB), "png", png);
        CameraIntrinsics cam = new CameraIntrinsics(50, 50, 19.5, 14.5, 40, 30);
        try (BopSceneWriter sw = w.scene("test", 0)) {
            for (int id = 0; id < 4; id++) {
                sw.writeImage(id, cam, png.toByteArray(), List.of(new GtInstance(1, Pose.identityAt(0, 0, 100 + 100 * id))), null, null);
            }
        }
        w.writeImageLists();
    }

    @Test
    void helpExitsZero() {
        for (String[] args : List.of(new String[] {"data", "--help"}, new String[] {"data", "inspect", "--help"},
                new String[] {"data", "show", "--help"})) {
            Object[] r = MainTest.run(args);
            assertThat(r[0]).as("exit code of %s", String.join(" ", args)).isEqualTo(0);
        }
        assertThat((String) MainTest.run("data", "inspect", "--help")[2]).contains("bin_edges_mm").contains("depth_min_mm");
    }

    @Test
    void badPathIsAUsageErrorOnOneLine() {
        Object[] r = MainTest.run("data", "inspect", tmp.resolve("missing").toString());
        assertThat(r[0]).isEqualTo(2);
        assertThat(((String) r[1]).strip()).isEqualTo("mqat: dataset folder not found: " + tmp.resolve("missing"));
        Object[] s = MainTest.run("data", "show", tmp.resolve("missing").toString(), "--split", "test", "--out", tmp.toString());
        assertThat(s[0]).isEqualTo(2);
        Object[] split = MainTest.run("data", "show", tmp.resolve("ds").toString(), "--split", "val", "--out", tmp.toString());
        assertThat(split[0]).isEqualTo(2);
        assertThat(((String) split[1]).strip()).doesNotContain("\n").contains("split \"val\" not found");
        assertThat(MainTest.run("data", "show", tmp.resolve("ds").toString(), "--split", "test", "--count", "x", "--out", "o")[0])
                .isEqualTo(2);
        assertThat(MainTest.run("data")[0]).isEqualTo(2);
    }

    @Test
    void malformedDatasetIsAFailureOnOneLine() throws Exception {
        Files.writeString(tmp.resolve("ds/test/000000/scene_gt.json"), "{\"0\": [{\"obj_id\": 1}]}");
        Object[] r = MainTest.run("data", "inspect", tmp.resolve("ds").toString());
        assertThat(r[0]).isEqualTo(1);
        assertThat(((String) r[1]).strip()).isEqualTo("mqat: test/000000/scene_gt.json: image 0: missing key cam_R_m2c");
    }

    @Test
    void inspectJsonIsOneObjectWithTheDocumentedKeys() throws Exception {
        Object[] r = MainTest.run("data", "inspect", tmp.resolve("ds").toString(), "--json");
        assertThat(r[0]).as("stderr: %s", r[1]).isEqualTo(0);
        String out = ((String) r[2]).strip();
        assertThat(out).doesNotContain("\n");
        JsonNode j = new ObjectMapper().readTree(out);
        assertThat(j.get("objects").get(0).get("obj_id").asInt()).isEqualTo(1);
        assertThat(j.get("objects").get(0).get("diameter_mm").asDouble()).isCloseTo(Math.sqrt(1200), org.assertj.core.data.Offset.offset(1e-9));
        JsonNode test = j.get("splits").get(0);
        assertThat(test.get("name").asText()).isEqualTo("test");
        assertThat(test.get("source").asText()).isEqualTo("testing.txt");
        assertThat(test.get("images").asInt()).isEqualTo(4);
        assertThat(test.get("instances").asInt()).isEqualTo(4);
        assertThat(test.get("depth_min_mm").asDouble()).isEqualTo(100);
        assertThat(test.get("depth_max_mm").asDouble()).isEqualTo(400);
        assertThat(test.get("bin_edges_mm").toString()).isEqualTo("[100.0,200.0,300.0,400.0]");
        assertThat(test.get("bin_counts").toString()).isEqualTo("{\"near\":1,\"medium\":1,\"far\":2}");

        Object[] text = MainTest.run("data", "inspect", tmp.resolve("ds").toString());
        assertThat(text[0]).isEqualTo(0);
        assertThat((String) text[2]).contains("near [100.0, 200.0) 1   medium [200.0, 300.0) 1   far [300.0, 400.0] 2");
    }

    @Test
    void showWritesTheRequestedPngs() {
        Object[] r = MainTest.run("data", "show", tmp.resolve("ds").toString(), "--split", "test", "--count", "2", "--out",
                tmp.resolve("show").toString());
        assertThat(r[0]).as("stderr: %s", r[1]).isEqualTo(0);
        assertThat(tmp.resolve("show/test_000000_000000.png")).isRegularFile();
        assertThat(tmp.resolve("show/test_000000_000003.png")).isRegularFile();
    }
}
