package dev.mqat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mqat.run.QuantizeFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mqat export --format mqat} through the CLI, and the exported file in {@code eval}, {@code predict} and
 * {@code model inspect}: the same numbers as the run it came from.
 */
class ExportCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static Path qrun;
    static Path file;
    static JsonNode exported;

    @BeforeAll
    static void quantizeAndExport() throws IOException {
        Path floatRun = QuantizeFixture.floatRun(tmp);
        qrun = tmp.resolve("q828");
        Object[] q = MainTest.run("quantize", "--model", floatRun.toString(), "--out", qrun.toString(), "--plan", "8-2-8",
                "--stage-steps", "2");
        assertThat(q[0]).as("quantize stderr: %s", q[1]).isEqualTo(0);
        TrainEvalCommandTest.acceptEveryCell(qrun); // every test image gets a pose, so the metrics compare something
        file = tmp.resolve("q828.mqat");
        Object[] e = MainTest.run("export", "--model", qrun.toString(), "--format", "mqat", "--out", file.toString(),
                "--json");
        assertThat(e[0]).as("export stderr: %s", e[1]).isEqualTo(0);
        exported = JSON.readTree((String) e[2]);
    }

    @Test
    void jsonNamesTheFileItsSizeAndSizeAccountingsBytes() throws IOException {
        List<String> keys = new ArrayList<>();
        exported.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("file", "format", "bytes", "plan", "manifest_bytes", "quantized_bytes",
                "uncounted_bytes", "fp32_bytes");
        assertThat(exported.get("file").asText()).isEqualTo(file.toString());
        assertThat(exported.get("bytes").asLong()).isEqualTo(Files.size(file));
        assertThat(exported.get("plan").asText()).isEqualTo("backbone=8,fpn=2,head=8");
        Object[] size = MainTest.run("size", "--model", qrun.toString(), "--json");
        assertThat(size[0]).as("size stderr: %s", size[1]).isEqualTo(0);
        JsonNode s = JSON.readTree((String) size[2]);
        assertThat(exported.get("quantized_bytes").asLong()).isEqualTo(s.get("quantized_bytes").asLong());
        assertThat(exported.get("fp32_bytes").asLong()).isEqualTo(s.get("fp32_bytes").asLong());
        assertThat(exported.get("bytes").asLong()).isEqualTo(exported.get("quantized_bytes").asLong()
                + exported.get("uncounted_bytes").asLong() + exported.get("manifest_bytes").asLong());
    }

    @Test
    void evalPredictAndInspectOfTheFileEqualThoseOfTheRun() throws IOException {
        Object[] fromRun = MainTest.run("eval", "--model", qrun.toString(), "--split", "test", "--json");
        Object[] fromFile = MainTest.run("eval", "--model", file.toString(), "--split", "test", "--json");
        assertThat(fromFile[0]).as("eval of the file, stderr: %s", fromFile[1]).isEqualTo(0);
        JsonNode metrics = JSON.readTree((String) fromFile[2]);
        assertThat(metrics.get("count").asInt()).isPositive();
        assertThat(metrics).as("eval metrics of the file and of the run").isEqualTo(JSON.readTree((String) fromRun[2]));
        Path beside = tmp.resolve("q828-metrics-test.json");
        assertThat(JSON.readTree(beside.toFile())).isEqualTo(metrics);
        assertSameCsvButTime(qrun.resolve("predictions-test.csv"), tmp.resolve("q828-predictions-test.csv"));

        List<String> images;
        try (Stream<Path> files = Files.walk(tmp.resolve("data/test"))) {
            images = files.filter(p -> p.toString().endsWith(".png") && p.getParent().getFileName().toString().equals("rgb"))
                    .map(Path::toString).sorted().limit(2).toList();
        }
        List<String> args = new ArrayList<>(List.of("predict", "--camera", "75,75,31.5,31.5", "--json", "--model"));
        Object[] predictRun = runWith(args, qrun.toString(), images);
        Object[] predictFile = runWith(args, file.toString(), images);
        assertThat(predictFile[0]).as("predict of the file, stderr: %s", predictFile[1]).isEqualTo(0);
        assertThat(JSON.readTree((String) predictFile[2])).isEqualTo(JSON.readTree((String) predictRun[2]));
        assertThat(JSON.readTree((String) predictFile[2]).get("images").get(0).get("objects")).isNotEmpty();

        Object[] inspectRun = MainTest.run("model", "inspect", "--model", qrun.toString(), "--json");
        Object[] inspectFile = MainTest.run("model", "inspect", "--model", file.toString(), "--json");
        assertThat(inspectFile[0]).as("inspect of the file, stderr: %s", inspectFile[1]).isEqualTo(0);
        assertThat(JSON.readTree((String) inspectFile[2])).isEqualTo(JSON.readTree((String) inspectRun[2]));
    }

    private static Object[] runWith(List<String> args, String model, List<String> images) {
        List<String> all = new ArrayList<>(args);
        all.add(model);
        all.addAll(images);
        return MainTest.run(all.toArray(String[]::new));
    }

    /** BOP19 rows equal except the last column, the wall time per image. */
    private static void assertSameCsvButTime(Path expected, Path found) throws IOException {
        List<String> a = Files.readAllLines(expected).stream().map(l -> l.replaceAll(",[^,]*$", ",")).toList();
        List<String> b = Files.readAllLines(found).stream().map(l -> l.replaceAll(",[^,]*$", ",")).toList();
        assertThat(b).as("predictions of %s against %s", found, expected).hasSizeGreaterThan(1).isEqualTo(a);
    }

    @Test
    void aTruncatedFileFailsWithOneLineNamingItAndExit1() throws IOException {
        byte[] good = Files.readAllBytes(file);
        Path cut = tmp.resolve("cut.mqat");
        Files.write(cut, Arrays.copyOf(good, good.length / 2));
        for (String[] command : List.of(new String[] {"eval", "--model", cut.toString()},
                new String[] {"model", "inspect", "--model", cut.toString()},
                new String[] {"predict", "--model", cut.toString(), "--camera", "1,1,1,1", "x.png"})) {
            Object[] r = MainTest.run(command);
            assertThat(r[0]).as("%s exit code", command[0]).isEqualTo(1);
            String err = ((String) r[1]).strip();
            assertThat(err).as("%s stderr", command[0]).doesNotContain("\n").startsWith("mqat: " + cut)
                    .contains("truncated");
        }
    }

    @Test
    void onnxExportIsScoredByEvalThroughOnnxRuntimeLikeTheRun() throws IOException {
        Path onnx = tmp.resolve("q828.onnx");
        Object[] e = MainTest.run("export", "--model", qrun.toString(), "--format", "onnx", "--out", onnx.toString(),
                "--json");
        assertThat(e[0]).as("export stderr: %s", e[1]).isEqualTo(0);
        JsonNode r = JSON.readTree((String) e[2]);
        assertThat(r.get("format").asText()).isEqualTo("onnx");
        assertThat(r.get("bytes").asLong()).isEqualTo(Files.size(onnx));
        assertThat(r.get("plan").asText()).isEqualTo("backbone=8,fpn=2,head=8");
        Object[] viaOrt = MainTest.run("eval", "--model", onnx.toString(), "--json");
        assertThat(viaOrt[0]).as("eval of the .onnx stderr: %s", viaOrt[1]).isEqualTo(0);
        Object[] own = MainTest.run("eval", "--model", qrun.toString(), "--json");
        assertThat(own[0]).as("eval of the run stderr: %s", own[1]).isEqualTo(0);
        JsonNode a = JSON.readTree((String) viaOrt[2]).path("overall");
        JsonNode b = JSON.readTree((String) own[2]).path("overall");
        assertThat(a.path("adi_01d").asDouble()).as("ADI-0.1d through ONNX Runtime against the run's own")
                .isCloseTo(b.path("adi_01d").asDouble(), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(a.path("count").asInt()).isEqualTo(b.path("count").asInt()).isPositive();
    }

    @Test
    void usageErrorsExit2() {
        Object[] tflite = MainTest.run("export", "--model", qrun.toString(), "--format", "tflite", "--out", "x.tflite");
        assertThat(tflite[0]).isEqualTo(2);
        assertThat((String) tflite[1]).contains("tflite").contains("mqat, onnx");
        Object[] notRun = MainTest.run("export", "--model", tmp.resolve("nothing").toString(), "--format", "mqat",
                "--out", tmp.resolve("n.mqat").toString());
        assertThat(notRun[0]).isEqualTo(2);
        assertThat((String) notRun[1]).contains("not a run folder");
        Object[] neither = MainTest.run("eval", "--model", tmp.resolve("nothing").toString());
        assertThat(neither[0]).isEqualTo(2);
        assertThat((String) neither[1]).contains("neither a run folder").contains(".mqat");
        Object[] help = MainTest.run("export", "--help");
        assertThat(help[0]).isEqualTo(0);
        assertThat((String) help[2]).contains("--format").contains("docs/export-format.md");
    }
}
