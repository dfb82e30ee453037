package dev.mqat.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mqat.data.BopSceneWriter;
import dev.mqat.data.BopWriter;
import dev.mqat.data.GtInstance;
import dev.mqat.data.ObjectInfo;
import dev.mqat.eval.Bop19Csv;
import dev.mqat.eval.PoseEstimate;
import dev.mqat.eval.PoseKey;
import dev.mqat.geometry.CameraIntrinsics;
import dev.mqat.geometry.Mesh;
import dev.mqat.geometry.PlyEncoding;
import dev.mqat.geometry.Pose;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalPosesCommandTest {

    @TempDir
    Path dir;

    private static final CameraIntrinsics CAMERA = new CameraIntrinsics(40, 40, 15.5, 11.5, 32, 24);

    private static byte[] blackPng() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(32, 24, BufferedImage.TYPE_INT_RGB), "png", out);
        return out.toByteArray();
    }

    /** One box object (diameter 10*sqrt(29) mm), test scene 0 with images at depths 300, 600 and 900 mm. */
    private Path dataset() throws Exception {
        Path root = dir.resolve("ds");
        float[] v = new float[24];
        for (int i = 0; i < 8; i++) {
            v[3 * i] = (i & 4) != 0 ? 20 : -20;
            v[3 * i + 1] = (i & 2) != 0 ? 15 : -15;
            v[3 * i + 2] = (i & 1) != 0 ? 10 : -10;
        }
        Mesh box = new Mesh(v, new int[] {0, 1, 3, 0, 3, 2}, null, null);
        BopWriter w = BopWriter.create(root);
        w.writeModel(1, box, PlyEncoding.ASCII);
        w.writeModelsInfo(List.of(ObjectInfo.fromMesh(1, box)));
        try (BopSceneWriter s = w.scene("test", 0)) {
            for (int id = 0; id < 3; id++) {
                s.writeImage(id, CAMERA, blackPng(), List.of(new GtInstance(1, Pose.identityAt(0, 0, 300 * (id + 1)))),
                        null, null);
            }
        }
        return root;
    }

    @Test
    void helpExitsZeroAndSaysAllVertices() {
        Object[] r = MainTest.run("eval-poses", "--help");
        assertThat(r[0]).isEqualTo(0);
        assertThat(((String) r[2]).replaceAll("\\s+", " ")).contains("all model vertices");
    }

    @Test
    void missingResultsFileIsAUsageErrorOnOneLine() throws Exception {
        Path data = dataset();
        Object[] r = MainTest.run("eval-poses", "--data", data.toString(), "--results", dir.resolve("none.csv").toString());
        assertThat(r[0]).isEqualTo(2);
        assertThat(((String) r[1]).strip()).doesNotContain("\n").contains("results file not found").contains("none.csv");
    }

    @Test
    void missingDatasetAndUnknownSplitAreUsageErrors() throws Exception {
        Path csv = dir.resolve("r.csv");
        Bop19Csv.write(csv, List.of());
        assertThat(MainTest.run("eval-poses", "--data", dir.resolve("nope").toString(), "--results", csv.toString())[0])
                .isEqualTo(2);
        Object[] r = MainTest.run("eval-poses", "--data", dataset().toString(), "--split", "val", "--results",
                csv.toString());
        assertThat(r[0]).isEqualTo(2);
        assertThat((String) r[1]).contains("split 'val' not found");
    }

    @Test
    void scoresAResultsFileAsJsonAndAsATable() throws Exception {
        Path data = dataset();
        Path csv = dir.resolve("results.csv");
        Bop19Csv.write(csv, List.of(
                new PoseEstimate(new PoseKey(0, 0, 1), 0.9, Pose.identityAt(0, 0, 300), -1), // exact
                new PoseEstimate(new PoseKey(0, 0, 1), 0.1, Pose.identityAt(0, 0, 900), -1), // lower score
                new PoseEstimate(new PoseKey(0, 1, 1), 0.8, Pose.identityAt(0, 0, 700), 0.2))); // 100 mm off
        // image 2 has no estimate
        Object[] r = MainTest.run("eval-poses", "--data", data.toString(), "--results", csv.toString(), "--json");
        assertThat(r[0]).as("stderr: %s", r[1]).isEqualTo(0);
        String out = ((String) r[2]).strip();
        assertThat(out).doesNotContain("\n");
        JsonNode j = new ObjectMapper().readTree(out);
        assertThat(j.get("count").asInt()).isEqualTo(3);
        assertThat(j.get("overall").get("add_01d").asDouble()).isCloseTo(100.0 / 3, within(1e-9));
        assertThat(j.get("overall").get("mean_trans_err_mm").asDouble()).isCloseTo(50, within(1e-9));
        assertThat(j.get("bins").get("near").get("add_01d").asDouble()).isCloseTo(100, within(1e-9));
        assertThat(j.get("bins").get("medium").get("adi_05d").asDouble()).isZero();
        assertThat(j.get("bins").get("far").get("mean_rot_err_deg").isNull()).as("no estimate in the far bin").isTrue();
        assertThat(j.get("bin_edges_mm").toString()).isEqualTo("[300.0,500.0,700.0,900.0]");

        Object[] t = MainTest.run("eval-poses", "--data", data.toString(), "--results", csv.toString());
        assertThat(t[0]).isEqualTo(0);
        assertThat((String) t[2]).contains("overall", "near", "medium", "far", "ADI-0.1d", "33.3");
    }

    @Test
    void malformedResultsFileFailsWithFileAndLine() throws Exception {
        Path data = dataset();
        Path csv = dir.resolve("bad.csv");
        java.nio.file.Files.writeString(csv, Bop19Csv.HEADER + "\n0,0,1,0.5,1 0 0,0 0 300,-1\n");
        Object[] r = MainTest.run("eval-poses", "--data", data.toString(), "--results", csv.toString());
        assertThat(r[0]).isEqualTo(1);
        assertThat(((String) r[1]).strip()).doesNotContain("\n").contains("bad.csv: line 2: R has 3 values");
    }
}
