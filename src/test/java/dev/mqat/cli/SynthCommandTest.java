package dev.mqat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mqat.geometry.Mesh;
import dev.mqat.geometry.PlyEncoding;
import dev.mqat.geometry.PlyFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SynthCommandTest {

    @Test
    void helpExitsZero() {
        Object[] r = MainTest.run("synth", "--help");
        assertThat(r[0]).isEqualTo(0);
        assertThat((String) r[2]).contains("--split-fractions").contains("--mesh").doesNotContain("--threads");
    }

    @Test
    void badSplitIsAUsageErrorNamingTheValue(@TempDir Path dir) {
        Object[] r = MainTest.run("synth", "--out", dir.resolve("x").toString(), "--split-fractions", "train=0.9,val=0.2");
        assertThat(r[0]).isEqualTo(2);
        String err = ((String) r[1]).strip();
        assertThat(err).doesNotContain("\n").contains("train=0.9,val=0.2").contains("sum to 1");
        assertThat(dir.resolve("x")).doesNotExist();
    }

    @Test
    void missingMeshAndNonEmptyOutputAreUsageErrors(@TempDir Path dir) throws Exception {
        Object[] r = MainTest.run("synth", "--out", dir.resolve("x").toString(), "--mesh", dir.resolve("none.ply").toString());
        assertThat(r[0]).isEqualTo(2);
        assertThat(((String) r[1]).strip()).doesNotContain("\n").contains("none.ply");
        Files.writeString(dir.resolve("keep.txt"), "user data");
        r = MainTest.run("synth", "--out", dir.toString(), "--images", "2");
        assertThat(r[0]).isEqualTo(2);
        assertThat(((String) r[1]).strip()).doesNotContain("\n").contains("not an empty folder");
        r = MainTest.run("synth", "--out", dir.resolve("y").toString(), "--input-size", "8");
        assertThat(r[0]).isEqualTo(2);
        assertThat(((String) r[1]).strip()).contains("sizePx").contains("8");
    }

    @Test
    void rendersAUserMeshWithoutColoursAndPrintsJson(@TempDir Path dir) throws Exception {
        // a 60 x 40 x 20 mm box, no colours
        float[] v = new float[24];
        for (int i = 0; i < 8; i++) {
            v[3 * i] = (i & 4) != 0 ? 30 : -30;
            v[3 * i + 1] = (i & 2) != 0 ? 20 : -20;
            v[3 * i + 2] = (i & 1) != 0 ? 10 : -10;
        }
        int[] t = {0, 1, 3, 0, 3, 2, 4, 6, 7, 4, 7, 5, 0, 4, 5, 0, 5, 1, 2, 3, 7, 2, 7, 6, 0, 2, 6, 0, 6, 4, 1, 5, 7, 1, 7, 3};
        Path ply = dir.resolve("box.ply");
        PlyFormat.write(ply, new Mesh(v, t, null, null), PlyEncoding.BINARY_LITTLE_ENDIAN);
        Path out = dir.resolve("ds");
        Object[] r = MainTest.run("synth", "--out", out.toString(), "--mesh", ply.toString(), "--images", "10", "--input-size", "64",
                "--split-fractions", "train=0.8,val=0.1,test=0.1", "--workers", "2", "--json");
        assertThat(r[0]).as("exit code; stderr: %s", r[1]).isEqualTo(0);
        JsonNode json = new ObjectMapper().readTree((String) r[2]);
        assertThat(json.get("images").asInt()).isEqualTo(10);
        assertThat(json.get("train").asInt()).isEqualTo(8);
        assertThat(json.get("diameter_mm").asDouble()).isCloseTo(Math.sqrt(60 * 60 + 40 * 40 + 20 * 20), org.assertj.core.data.Offset.offset(1e-3));
        assertThat((String) r[1]).contains("img/s").contains("ETA");
        assertThat(out.resolve("test/000000/rgb/000000.png")).isRegularFile();
        assertThat(Files.readString(out.resolve("synth.json"))).contains("box.ply (sha256 ");
    }

    @Test
    void oldOptionSpellingsStillWorkWithADeprecationNote(@TempDir Path dir) {
        Object[] r = MainTest.run("synth", "--out", dir.resolve("old").toString(), "--images", "6", "--size", "32",
                "--split", "train=0.5,val=0.25,test=0.25", "--threads", "1", "--json");
        assertThat(r[0]).isEqualTo(0);
        assertThat((String) r[2]).contains("\"size_px\":32");
        assertThat((String) r[1]).contains("synth --size is deprecated").contains("use --input-size")
                .contains("synth --threads is deprecated").contains("use --workers")
                .contains("synth --split is deprecated").contains("use --split-fractions");
    }
}
