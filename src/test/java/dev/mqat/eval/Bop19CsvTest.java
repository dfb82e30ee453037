package dev.mqat.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mqat.MqatFormatException;
import dev.mqat.geometry.Pose;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Bop19CsvTest {

    @TempDir
    Path dir;

    @Test
    void roundTripIsExact() {
        Random rnd = new Random(4);
        List<PoseEstimate> list = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Pose p = new Pose(PoseErrorsTest.randomRotation(rnd),
                    new double[] {rnd.nextGaussian() * 100, rnd.nextGaussian() * 100, 300 + rnd.nextDouble() * 3000});
            list.add(new PoseEstimate(new PoseKey(i / 10, i, 1 + i % 3), rnd.nextDouble(), p,
                    i % 2 == 0 ? -1 : rnd.nextDouble()));
        }
        Path f = dir.resolve("results.csv");
        Bop19Csv.write(f, list);
        assertThat(Bop19Csv.read(f)).isEqualTo(list);
    }

    @Test
    void readsBopToolkitStyleLinesWithAndWithoutHeader() throws IOException {
        String row = "48,0,1,0.75,1 0 0 0 1 0 0 0 1,10.5 -3 800,-1";
        Path withHeader = dir.resolve("a.csv");
        Files.writeString(withHeader, Bop19Csv.HEADER + "\n" + row + "\n\n");
        Path noHeader = dir.resolve("b.csv");
        Files.writeString(noHeader, row + "\n");
        for (Path f : List.of(withHeader, noHeader)) {
            List<PoseEstimate> e = Bop19Csv.read(f);
            assertThat(e).hasSize(1);
            assertThat(e.get(0).key()).isEqualTo(new PoseKey(48, 0, 1));
            assertThat(e.get(0).objectToCamera().translationMm()).containsExactly(10.5, -3, 800);
            assertThat(e.get(0).timeSeconds()).isEqualTo(-1);
        }
    }

    @Test
    void malformedLinesNameFileAndLine() throws IOException {
        String ok = "1,2,3,0.5,1 0 0 0 1 0 0 0 1,0 0 500,-1";
        assertError("fields.csv", Bop19Csv.HEADER + "\n" + ok + "\n1,2,3,0.5,1 0 0 0 1 0 0 0 1,0 0 500\n",
                "fields.csv: line 3: 6 comma-separated fields, expected 7");
        assertError("r.csv", Bop19Csv.HEADER + "\n1,2,3,0.5,1 0 0 0 1 0 0 0,0 0 500,-1\n",
                "r.csv: line 2: R has 8 values, expected 9");
        assertError("t.csv", "1,2,3,0.5,1 0 0 0 1 0 0 0 1,0 0,-1\n", "t.csv: line 1: t has 2 values, expected 3");
        assertError("id.csv", "1,x,3,0.5,1 0 0 0 1 0 0 0 1,0 0 5,-1\n",
                "id.csv: line 1: im_id = 'x', expected a non-negative integer");
        assertError("num.csv", "1,2,3,high,1 0 0 0 1 0 0 0 1,0 0 5,-1\n", "num.csv: line 1: score = 'high'");
        assertError("nan.csv", "1,2,3,0.5,1 0 0 0 1 0 0 0 1,0 NaN 5,-1\n", "nan.csv: line 1: t[1] = NaN");
        assertError("rot.csv", "1,2,3,0.5,2 0 0 0 1 0 0 0 1,0 0 5,-1\n", "rot.csv: line 1: R is not a rotation");
        assertError("refl.csv", "1,2,3,0.5,-1 0 0 0 1 0 0 0 1,0 0 5,-1\n", "a reflection");
        assertError("head.csv", "scene_id,image_id,obj_id,score,R,t,time\n" + ok + "\n",
                "head.csv: line 1: header is");
    }

    private void assertError(String name, String content, String expected) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, content);
        assertThatThrownBy(() -> Bop19Csv.read(f)).isInstanceOf(MqatFormatException.class)
                .hasMessageContaining(expected);
    }

    @Test
    void highestScoreWinsPerKey() {
        PoseKey k = new PoseKey(0, 0, 1);
        PoseEstimate low = new PoseEstimate(k, 0.2, Pose.identityAt(0, 0, 1), -1);
        PoseEstimate high = new PoseEstimate(k, 0.9, Pose.identityAt(0, 0, 2), -1);
        PoseEstimate other = new PoseEstimate(new PoseKey(0, 1, 1), 0.1, Pose.identityAt(0, 0, 3), -1);
        assertThat(Bop19Csv.highestScorePerKey(List.of(low, high, other)).values()).containsExactly(high, other);
    }
}
