package dev.mqat.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.mqat.MqatFormatException;
import dev.mqat.data.BatchLoader;
import dev.mqat.data.BopDataset;
import dev.mqat.data.ImageStore;
import dev.mqat.data.InputImage;
import dev.mqat.model.HostArrays;
import dev.mqat.model.NetModule;
import dev.mqat.model.PoseNet;
import dev.mqat.quant.BitPlan;
import dev.mqat.quant.Granularity;
import dev.mqat.quant.Quantization;
import dev.mqat.quant.QuantizerKind;
import dev.mqat.run.ModelSource;
import dev.mqat.run.QuantizeFixture;
import dev.mqat.run.QuantizeJob;
import dev.mqat.run.QuantizeSettings;
import dev.mqat.run.QuantizedCheckpoints;
import dev.mqat.run.RunConfig;
import dev.mqat.run.RunEvaluation;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packed model file against the runs it was exported from: raw network outputs equal bit for bit (float run,
 * INQ 8-2-8, LSQ 4-4-4 per channel with 4-bit activations), sizes equal to size accounting plus the stated
 * overhead, inspection equal, and damaged files refused with a message naming the file and the fault.
 */
class PackedModelTest {
    @TempDir
    static Path root;
    static Path floatRun;
    static Path inqRun;
    static Path lsqRun;

    @BeforeAll
    static void makeRuns() {
        floatRun = QuantizeFixture.floatRun(root);
        inqRun = quantize("inq-828", "8-2-8", QuantizerKind.INQ, Granularity.PER_TENSOR, 0);
        lsqRun = quantize("lsq-444", "4-4-4", QuantizerKind.LSQ, Granularity.PER_CHANNEL, 4);
    }

    /** All modules in one stage of 3 steps (INQ freezes every weight by the stage's end); no test-split scoring. */
    static Path quantize(String name, String plan, QuantizerKind kind, Granularity granularity, int actBits) {
        QuantizeSettings s = new QuantizeSettings(floatRun.toString(), RunEvaluation.bestCheckpoint(floatRun).toString(),
                BitPlan.parse(plan), List.of(), kind, granularity, 0, 3, actBits, 0);
        Path out = root.resolve(name);
        QuantizeJob.run(QuantizeJob.configFor(floatRun, null, s, null, null, null, List.of("test")), out, false, false);
        return out;
    }

    static ExportReport export(Path run, String file) {
        return Exports.write(ExportFormat.MQAT, run, root.resolve(file));
    }

    /** Raw outputs (class logits, corner offsets) of a model on the first test images, as float bit patterns. */
    static List<int[]> rawOutputs(ModelSource model) {
        BopDataset dataset = BopDataset.open(root.resolve("data"));
        int size = model.model().inputSizePx();
        List<InputImage> images = ImageStore.load(dataset, "test", size, 1, 4);
        List<int[]> out = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            PoseNet net = model.load(m);
            NDList y = net.forward(new ParameterStore(m, false), new NDList(HostArrays.copyOf(m,
                    BatchLoader.normalize(images), new Shape(images.size(), 3, size, size))), false);
            for (int i = 0; i < y.size(); i++) {
                float[] v = y.get(i).toFloatArray();
                int[] bits = new int[v.length];
                for (int j = 0; j < v.length; j++) {
                    bits[j] = Float.floatToRawIntBits(v[j]);
                }
                out.add(bits);
            }
        }
        return out;
    }

    static void assertSameOutputs(Path run, Path file) {
        List<int[]> expected = rawOutputs(ModelSource.ofRun(run));
        List<int[]> found = rawOutputs(PackedModel.read(file));
        assertThat(found).hasSize(2);
        assertThat(found.get(0)).as("class logits of %s against %s, bit for bit", file, run).isEqualTo(expected.get(0));
        assertThat(found.get(1)).as("corner offsets of %s against %s, bit for bit", file, run).isEqualTo(expected.get(1));
    }

    @Test
    void floatRunLoadsWithBitIdenticalOutputs() {
        ExportReport r = export(floatRun, "float.mqat");
        assertThat(r.plan()).isEqualTo(BitPlan.FULL_PRECISION);
        assertThat(PackedModel.read(r.file()).manifest().tensors()).allSatisfy(t -> assertThat(t.dtype()).isEqualTo("float32"));
        assertSameOutputs(floatRun, r.file());
    }

    @Test
    void inq828LoadsWithBitIdenticalOutputsFromPackedCodes() {
        ExportReport r = export(inqRun, "inq.mqat");
        PackedManifest m = PackedModel.read(r.file()).manifest();
        assertThat(m.plan()).isEqualTo("backbone=8,fpn=2,head=8");
        assertThat(m.quantizer()).isEqualTo("inq");
        for (PackedManifest.Layer l : m.layers()) {
            String dtype = m.tensors().stream().filter(t -> t.name().equals(l.name() + ".weight")).findFirst().orElseThrow()
                    .dtype();
            assertThat(dtype).as("weight of %s", l.name()).isEqualTo(l.module().equals("fpn") ? "int2" : "int8");
        }
        assertSameOutputs(inqRun, r.file());
        assertThat(rawOutputs(ModelSource.ofRun(inqRun)).get(1)).as("the quantized network computes something else")
                .isNotEqualTo(rawOutputs(ModelSource.ofRun(floatRun)).get(1));
    }

    @Test
    void lsq444WithActivationQuantizationLoadsWithBitIdenticalOutputs() {
        ExportReport r = export(lsqRun, "lsq.mqat");
        PackedManifest m = PackedModel.read(r.file()).manifest();
        assertThat(m.granularity()).isEqualTo("per_channel");
        assertThat(m.layers()).allSatisfy(l -> {
            assertThat(l.bits()).isEqualTo(4);
            assertThat(l.activation()).as("activation of %s", l.name()).isNotNull();
            assertThat(l.activation().bits()).isEqualTo(4);
            assertThat(l.activation().method()).isEqualTo("lsq");
        });
        PackedManifest.Tensor scale = m.tensors().stream().filter(t -> t.name().equals("backbone.stem.weight_scale"))
                .findFirst().orElseThrow();
        assertThat(scale.shape()).as("one scale per output channel").containsExactly(m.layers().get(0).outChannels());
        assertSameOutputs(lsqRun, r.file());
    }

    @Test
    void fileSizeIsSizeAccountingPlusManifestPlusRunningStatistics() throws IOException {
        for (Path run : List.of(floatRun, inqRun, lsqRun)) {
            ExportReport r = export(run, run.getFileName() + "-size.mqat");
            assertThat(Files.size(r.file())).isEqualTo(r.bytes());
            // size accounting of the run, computed independently of the exporter
            RunConfig cfg = RunConfig.read(run);
            String plan = QuantizedCheckpoints.inspect(run).plan();
            long quantized = Quantization.size(cfg.model(), plan.isEmpty() ? BitPlan.fullPrecision() : BitPlan.parse(plan),
                    cfg.quantization() == null ? Granularity.PER_TENSOR : cfg.quantization().granularity()).quantizedBytes();
            assertThat(r.quantizedBytes()).isEqualTo(quantized);
            long statistics = 0;
            long steps = 0;
            for (Map.Entry<String, Parameter> e : PoseNet.build(cfg.model()).namedParameters().entrySet()) {
                Parameter.Type type = e.getValue().getType();
                if (type == Parameter.Type.RUNNING_MEAN || type == Parameter.Type.RUNNING_VAR) {
                    statistics += 4 * e.getValue().getShape().size();
                }
            }
            PackedModel model = PackedModel.read(r.file());
            for (PackedManifest.Layer l : model.manifest().layers()) {
                steps += l.activation() == null ? 0 : 4;
            }
            assertThat(r.uncountedBytes()).isEqualTo(statistics + steps);
            assertThat(model.manifestBytes()).isEqualTo(r.manifestBytes());
            // the weights section is exactly size accounting's bytes plus the statistics: well within 1 %
            long weights = r.bytes() - r.manifestBytes() - r.uncountedBytes();
            assertThat(weights).as("weights section of %s less statistics", run).isEqualTo(quantized);
            assertThat((double) Math.abs(weights - quantized) / quantized).isLessThan(0.01);
            assertThat(r.manifestBytes() % 8).as("weights start 8-byte aligned").isZero();
        }
    }

    @Test
    void inspectionOfTheFileEqualsInspectionOfTheRun() {
        for (Path run : List.of(floatRun, inqRun, lsqRun)) {
            ExportReport r = export(run, run.getFileName() + "-inspect.mqat");
            QuantizedCheckpoints.Inspection expected = QuantizedCheckpoints.inspect(run);
            assertThat(PackedModel.read(r.file()).inspect()).as("inspection of %s", r.file()).isEqualTo(expected);
        }
    }

    @Test
    void aPartlyFrozenInqCheckpointIsRefusedNamingTheLayer() throws IOException {
        Path half = root.resolve("inq-half");
        Files.createDirectories(half.resolve("checkpoints"));
        Files.copy(RunConfig.file(floatRun), RunConfig.file(half));
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            PoseNet net = QuantizedCheckpoints.load(RunEvaluation.bestCheckpoint(floatRun), m);
            Quantization.attach(net, BitPlan.parse("backbone=8"), QuantizerKind.INQ, Granularity.PER_TENSOR);
            Quantization.freezeInq(net, NetModule.BACKBONE, 0.5);
            QuantizedCheckpoints.save(net, RunEvaluation.bestCheckpoint(half), 0, Map.of());
        }
        Path out = root.resolve("half.mqat");
        assertThatThrownBy(() -> Exports.write(ExportFormat.MQAT, half, out)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("backbone.stem").hasMessageContaining("50.0 %");
        assertThat(out).doesNotExist();
    }

    @Test
    void damagedFilesAreRefusedWithOneLineNamingTheFileAndTheFault() throws IOException {
        byte[] good = Files.readAllBytes(export(inqRun, "good.mqat").file());
        int manifestEnd = (int) PackedModel.read(root.resolve("good.mqat")).manifestBytes();

        assertRefused("truncated.mqat", java.util.Arrays.copyOf(good, good.length - 7), "truncated", "bytes of weights");
        assertRefused("cut-manifest.mqat", java.util.Arrays.copyOf(good, manifestEnd - 100), "truncated", "manifest");
        assertRefused("cut-header.mqat", java.util.Arrays.copyOf(good, 10), "truncated", "16-byte header");
        byte[] longer = java.util.Arrays.copyOf(good, good.length + 3);
        assertRefused("longer.mqat", longer, "3 bytes follow");

        byte[] flipped = good.clone();
        flipped[good.length - 1] ^= 0x10;
        assertRefused("flipped.mqat", flipped, "corrupted", "CRC-32");

        String json = new String(good, 16, manifestEnd - 16, StandardCharsets.UTF_8);
        byte[] badKey = good.clone();
        byte[] replaced = json.replace("\"payloadCrc32\"", "\"payloadCrc99\"").getBytes(StandardCharsets.UTF_8);
        System.arraycopy(replaced, 0, badKey, 16, replaced.length);
        assertRefused("bad-key.mqat", badKey, "manifest is not valid", "payloadCrc99");

        byte[] notJson = good.clone();
        notJson[16] = 'X';
        assertRefused("not-json.mqat", notJson, "manifest is not valid");

        byte[] magic = good.clone();
        magic[0] = 'X';
        assertRefused("magic.mqat", magic, "not a packed mqat model");

        byte[] version = good.clone();
        ByteBuffer.wrap(version, 8, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(2);
        assertRefused("version.mqat", version, "version 2", "versions 1..1");

        byte[] otherShape = good.clone();
        byte[] shaped = Pattern.compile("\"shape\":\\[(\\d)").matcher(json)
                .replaceFirst(d -> "\"shape\":[" + (d.group(1).equals("9") ? "8" : "9")).getBytes(StandardCharsets.UTF_8);
        assertThat(shaped.length).isEqualTo(replaced.length);
        System.arraycopy(shaped, 0, otherShape, 16, shaped.length);
        assertRefused("shape.mqat", otherShape, "tensor ");
    }

    private static void assertRefused(String name, byte[] bytes, String... fragments) throws IOException {
        Path file = root.resolve(name);
        Files.write(file, bytes);
        assertThatThrownBy(() -> PackedModel.read(file)).as("reading %s", name).isInstanceOf(MqatFormatException.class)
                .hasMessageStartingWith(file.toString()).hasMessageNotContaining("\n")
                .satisfies(e -> {
                    for (String f : fragments) {
                        assertThat(e.getMessage()).contains(f);
                    }
                });
    }
}
