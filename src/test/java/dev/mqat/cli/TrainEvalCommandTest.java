package dev.mqat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The train -> eval -> eval-poses -> predict chain on a tiny synthetic dataset, through the CLI. */
class TrainEvalCommandTest {
    @TempDir
    static Path tmp;

    static Path data;
    static Path run;

    @BeforeAll
    static void trainTinyRun() {
        data = tmp.resolve("data");
        run = tmp.resolve("run");
        Object[] s = MainTest.run("synth", "--out", data.toString(), "--images", "48", "--size", "64",
                "--split", "train=0.5,val=0.25,test=0.25", "--threads", "2");
        assertThat(s[0]).as("synth stderr: %s", s[1]).isEqualTo(0);
        Object[] t = MainTest.run("train", "--data", data.toString(), "--out", run.toString(), "--steps", "3",
                "--batch", "4", "--width", "0.25", "--input-size", "64");
        assertThat(t[0]).as("train stderr: %s", t[1]).isEqualTo(0);
    }

    @Test
    void trainWritesARunFolder() throws Exception {
        assertThat(run.resolve("config.json")).isRegularFile();
        assertThat(run.resolve("checkpoints/best.ckpt")).isRegularFile();
        assertThat(run.resolve("checkpoints/last.ckpt")).isRegularFile();
        assertThat(Files.readAllLines(run.resolve("log.jsonl"))).anyMatch(l -> l.contains("\"event\":\"end\""));
        JsonNode config = new ObjectMapper().readTree(run.resolve("config.json").toFile());
        assertThat(config.path("model").path("inputSizePx").asInt()).isEqualTo(64);
        assertThat(config.path("objects").size()).isEqualTo(1);
    }

    @Test
    void evalPosesOnTheWrittenPredictionsGivesTheSameNumbers() throws Exception {
        Object[] e = MainTest.run("eval", "--model", run.toString(), "--split", "test", "--json");
        assertThat(e[0]).as("eval stderr: %s", e[1]).isEqualTo(0);
        Object[] p = MainTest.run("eval-poses", "--data", data.toString(), "--split", "test", "--results",
                run.resolve("predictions-test.csv").toString(), "--json");
        assertThat(p[0]).as("eval-poses stderr: %s", p[1]).isEqualTo(0);
        ObjectMapper json = new ObjectMapper();
        JsonNode fromEval = json.readTree(((String) e[2]).strip());
        JsonNode fromCsv = json.readTree(((String) p[2]).strip());
        assertThat(fromEval.path("count").asInt()).isEqualTo(12);
        // 2D errors differ only in which pixels they are measured in; every accuracy and the bins agree
        for (String key : new String[] {"count", "add_01d", "add_05d", "adi_01d", "adi_05d"}) {
            assertThat(fromEval.path("overall").path(key)).as(key).isEqualTo(fromCsv.path("overall").path(key));
        }
        assertThat(fromEval.path("bin_edges_mm")).isEqualTo(fromCsv.path("bin_edges_mm"));
        assertThat(run.resolve("metrics-test.json")).isRegularFile();
    }

    @Test
    void predictPrintsOneJsonObjectPerCall() throws Exception {
        Path image = Files.list(data.resolve("test")).findFirst().orElseThrow().resolve("rgb/000000.png");
        if (!Files.exists(image)) {
            image = Files.list(Files.list(data.resolve("test")).findFirst().orElseThrow().resolve("rgb")).findFirst()
                    .orElseThrow();
        }
        Object[] r = MainTest.run("predict", "--model", run.toString(), "--camera", "75,75,31.5,31.5", "--json",
                image.toString());
        assertThat(r[0]).as("predict stderr: %s", r[1]).isEqualTo(0);
        JsonNode out = new ObjectMapper().readTree(((String) r[2]).strip());
        assertThat(out.path("images").size()).isEqualTo(1);
    }

    @Test
    void helpExitsZero() {
        for (String cmd : new String[] {"train", "eval", "predict"}) {
            assertThat(MainTest.run(cmd, "--help")[0]).as(cmd).isEqualTo(0);
        }
    }

    @Test
    void badPathsAreUsageErrors() {
        Object[] t = MainTest.run("train", "--data", tmp.resolve("nope").toString(), "--out", tmp.resolve("r2").toString());
        assertThat(t[0]).isEqualTo(2);
        assertThat(((String) t[1]).strip()).doesNotContain("\n").contains("nope");
        Object[] e = MainTest.run("eval", "--model", tmp.resolve("nope").toString());
        assertThat(e[0]).isEqualTo(2);
        assertThat(((String) e[1]).strip()).doesNotContain("\n").contains("nope");
        Object[] p = MainTest.run("predict", "--model", run.toString(), "--camera", "1,2,3", "x.png");
        assertThat(p[0]).isEqualTo(2);
        assertThat(((String) p[1]).strip()).contains("fx,fy,cx,cy");
        Object[] r = MainTest.run("train", "--data", data.toString(), "--out", run.toString(), "--steps", "1");
        assertThat(r[0]).as("non-empty run folder without --resume").isEqualTo(2);
        assertThat(((String) r[1]).strip()).contains("--resume");
    }
}
