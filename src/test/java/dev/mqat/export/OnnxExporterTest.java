package dev.mqat.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.mqat.MqatFormatException;
import dev.mqat.data.BatchLoader;
import dev.mqat.data.InputImage;
import dev.mqat.export.onnx.OnnxProto.ModelProto;
import dev.mqat.export.onnx.OnnxProto.NodeProto;
import dev.mqat.export.onnx.OnnxProto.TensorProto;
import dev.mqat.model.Architecture;
import dev.mqat.model.HostArrays;
import dev.mqat.model.ModelConfig;
import dev.mqat.model.NetModule;
import dev.mqat.model.PoseNet;
import dev.mqat.quant.ActivationQuantMethod;
import dev.mqat.quant.ActivationQuantSpec;
import dev.mqat.quant.BitPlan;
import dev.mqat.quant.Granularity;
import dev.mqat.quant.Quantization;
import dev.mqat.quant.QuantizerKind;
import dev.mqat.run.InferenceSetup;
import dev.mqat.run.QuantizeFixture;
import dev.mqat.run.QuantizeJob;
import dev.mqat.run.QuantizeSettings;
import dev.mqat.run.QuantizedCheckpoints;
import dev.mqat.run.RunConfig;
import dev.mqat.run.RunData;
import dev.mqat.run.RunEvaluation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX Runtime against DJL on the same runs and images: a float run, an INQ 8-2-8 run (per-tensor scales, weights
 * only) and an LSQ 4-4-4 run (per-channel scales) with 8-bit activation quantization, plus in-memory networks for
 * the other activation widths; the exported graphs read back; the .onnx file alone evaluated like its run.
 *
 * <p><b>Tolerance.</b> {@link #TOLERANCE} = 1e-4 on the raw outputs (logits up to about 5, offsets under 1 here).
 * What may differ is float32 rounding only: libtorch (oneDNN) and ONNX Runtime (MLAS) sum each convolution's
 * products in different orders, the folded batch norm is computed once in double instead of per activation, and the
 * group-norm statistics are reduced differently. Each op then differs by a few ulps relative (float32 eps 1.2e-7);
 * through the 20-odd layers of the test network that stays near 1e-5 of the largest output (measured: at most
 * 1.5e-6). The integer weights dequantize to exactly mqat's fake-quantized values ({@code k * s} in float32 on both
 * sides), so they add nothing. An activation rounding that flipped because of those ulps would move one activation
 * by a whole step, in one image; none does on these inputs for the stored runs (that would exceed the tolerance and
 * fail loudly rather than hide). The in-memory networks of {@link #lowBitActivationsMatchMqat} take their 6-bit
 * ranges from one batch and do meet one: a single image off by about 0.02 while every other image agrees within
 * 1e-6, so that test allows at most one image outside the tolerance; an export error moves every image.
 * A real export error, one weight code or one step off, or a missing QDQ pair, moves the outputs by 1e-3 or more:
 * {@link #activationQdqPairsAreWhatMakesTheOutputsMatch} shows the latter.
 */
class OnnxExporterTest {
    static final double TOLERANCE = 1e-4;

    @TempDir
    static Path root;
    static Path floatRun;
    static Path inqRun;
    static Path lsqRun;
    static float[] pixels;
    static int batch;

    @BeforeAll
    static void makeRuns() {
        floatRun = QuantizeFixture.floatRun(root);
        inqRun = quantize("inq-828", "8-2-8", List.of("fpn", "head", "backbone"), QuantizerKind.INQ,
                Granularity.PER_TENSOR, 0);
        lsqRun = quantize("lsq-444", "4-4-4", List.of(), QuantizerKind.LSQ, Granularity.PER_CHANNEL, 8);
        List<InputImage> images = new ArrayList<>(RunData.images(root.resolve("data"), "train", 64));
        images.addAll(RunData.images(root.resolve("data"), "test", 64));
        batch = images.size();
        pixels = BatchLoader.normalize(images);
    }

    static Path quantize(String name, String plan, List<String> flow, QuantizerKind kind, Granularity g, int actBits) {
        QuantizeSettings s = new QuantizeSettings(floatRun.toString(), RunEvaluation.bestCheckpoint(floatRun).toString(),
                BitPlan.parse(plan), flow, kind, g, 0, 4, actBits, 2);
        RunConfig cfg = QuantizeJob.configFor(floatRun, null, s, null, null, null, List.of("mqat", "quantize"));
        Path run = root.resolve(name);
        QuantizeJob.run(cfg, run, false);
        return run;
    }

    /** mqat's own raw outputs of the test batch. */
    static float[][] mqatOutputs(PoseNet net, NDManager m) {
        int s = net.config().inputSizePx();
        NDList out = net.forward(new ParameterStore(m, false),
                new NDList(HostArrays.copyOf(m, pixels, new Shape(batch, 3, s, s))), false);
        return new float[][] {out.get(0).toFloatArray(), out.get(1).toFloatArray()};
    }

    static float[][] mqatOutputs(Path run) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            return mqatOutputs(QuantizedCheckpoints.load(RunEvaluation.bestCheckpoint(run), m), m);
        }
    }

    static float[][] onnxOutputs(Path file) {
        try (OnnxPoseRunner r = OnnxPoseRunner.open(file)) {
            OnnxPoseRunner.RawOutputs o = r.run(pixels, batch);
            assertThat(o.batch()).isEqualTo(batch);
            return new float[][] {o.classLogits(), o.cornerOffsets()};
        }
    }

    static double maxAbsDiff(float[][] a, float[][] b) {
        double max = 0;
        for (int k = 0; k < 2; k++) {
            assertThat(b[k]).as("output %d length", k).hasSameSizeAs(a[k]);
            for (int i = 0; i < a[k].length; i++) {
                max = Math.max(max, Math.abs(a[k][i] - b[k][i]));
            }
        }
        return max;
    }

    /**
     * Indexes of the images on which {@code a} and {@code b} differ by more than {@link #TOLERANCE} anywhere; both hold
     * {@link #batch} images, each output image-major.
     */
    static List<Integer> imagesOutsideTolerance(float[][] a, float[][] b) {
        TreeSet<Integer> images = new TreeSet<>();
        for (int k = 0; k < 2; k++) {
            assertThat(b[k]).as("output %d length", k).hasSameSizeAs(a[k]);
            int perImage = a[k].length / batch;
            for (int i = 0; i < a[k].length; i++) {
                if (Math.abs(a[k][i] - b[k][i]) > TOLERANCE) {
                    images.add(i / perImage);
                }
            }
        }
        return List.copyOf(images);
    }

    static ModelProto read(Path file) {
        try {
            return ModelProto.parseFrom(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path export(Path run, String name, OnnxOptions options) {
        Path file = root.resolve(name + ".onnx");
        OnnxExporter.export(run, file, options);
        return file;
    }

    static long count(ModelProto m, String op) {
        return m.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals(op)).count();
    }

    /** Conv nodes: one per backbone and FPN layer, one per head layer and level. */
    static long convApplications(PoseNet net) {
        return net.layers(NetModule.BACKBONE).size() + net.layers(NetModule.FPN).size()
                + (long) net.layers(NetModule.HEAD).size() * net.config().levels();
    }

    static PoseNet structure(Path run) {
        return PoseNet.build(RunConfig.read(run).model());
    }

    @Test
    void floatRunMatchesMqat() {
        Path file = export(floatRun, "float", OnnxOptions.defaults());
        assertThat(maxAbsDiff(mqatOutputs(floatRun), onnxOutputs(file))).as("max |ONNX Runtime - DJL|, float run")
                .isLessThan(TOLERANCE);
        ModelProto m = read(file);
        assertThat(m.getOpsetImport(0).getVersion()).isEqualTo(OnnxExporter.OPSET);
        assertThat(count(m, "Conv")).isEqualTo(convApplications(structure(floatRun)));
        assertThat(count(m, "DequantizeLinear") + count(m, "QuantizeLinear") + count(m, "BatchNormalization"))
                .as("a float run has no QDQ and its batch norms are folded").isZero();
        assertThat(count(m, "GroupNormalization")).isEqualTo(2L * 2 * 3); // 2 towers x 2 convs x 3 levels
        assertThat(count(m, "Resize")).isEqualTo(2);
    }

    @Test
    void inqRunMatchesMqatWithInt8AndInt4Weights() {
        Path file = export(inqRun, "inq", OnnxOptions.defaults());
        assertThat(maxAbsDiff(mqatOutputs(inqRun), onnxOutputs(file))).as("max |ONNX Runtime - DJL|, INQ 8-2-8")
                .isLessThan(TOLERANCE);
        ModelProto m = read(file);
        PoseNet net = structure(inqRun);
        Map<String, TensorProto> init = initializers(m);
        Map<String, NodeProto> producers = producers(m);
        forEachConv(m, conv -> {
            NodeProto dq = producers.get(conv.getInput(1));
            assertThat(dq).as("producer of %s's weight", conv.getName()).isNotNull();
            assertThat(dq.getOpType()).as("%s's weight", conv.getName()).isEqualTo("DequantizeLinear");
            TensorProto codes = init.get(dq.getInput(0));
            TensorProto.DataType expected = conv.getName().startsWith("fpn.") ? TensorProto.DataType.INT4
                    : TensorProto.DataType.INT8;
            assertThat(codes.getDataType()).as("%s codes type", conv.getName()).isEqualTo(expected.getNumber());
            assertThat(init.get(dq.getInput(1)).getDimsCount()).as("per-tensor scale is a scalar").isZero();
            assertThat(init.get(dq.getInput(2)).getDataType()).as("zero point type").isEqualTo(expected.getNumber());
            assertThat(producers.get(conv.getInput(0))).as("no activation QDQ in a weights-only run")
                    .matches(p -> p == null || !p.getOpType().equals("DequantizeLinear"));
        });
        assertThat(count(m, "DequantizeLinear")).as("one DequantizeLinear per conv node").isEqualTo(convApplications(net));
        assertThat(count(m, "BatchNormalization")).as("quantized backbone layers keep their batch norm")
                .isEqualTo(net.layers(NetModule.BACKBONE).size());
        // the INT4 codes of a 2-bit layer are ternary and pack two to a byte
        TensorProto lateral = init.get("fpn.lateral.0.weight_int4");
        assertThat(lateral.getRawData().size()).isEqualTo((int) ((product(lateral.getDimsList()) + 1) / 2));
        assertThat(unpackInt4(lateral)).isSubsetOf(-1, 0, 1).contains(-1, 1);
    }

    @Test
    void lsqRunWithActivationQuantizationMatchesMqat() {
        Path file = export(lsqRun, "lsq", OnnxOptions.defaults());
        assertThat(maxAbsDiff(mqatOutputs(lsqRun), onnxOutputs(file))).as("max |ONNX Runtime - DJL|, LSQ 4-4-4 + 8-bit activations")
                .isLessThan(TOLERANCE);
        ModelProto m = read(file);
        Map<String, TensorProto> init = initializers(m);
        Map<String, NodeProto> producers = producers(m);
        forEachConv(m, conv -> {
            NodeProto dq = producers.get(conv.getInput(1));
            TensorProto codes = init.get(dq.getInput(0));
            assertThat(codes.getDataType()).as("%s codes type", conv.getName()).isEqualTo(TensorProto.DataType.INT4_VALUE);
            assertThat(init.get(dq.getInput(1)).getDimsList()).as("per-channel scale of %s", conv.getName())
                    .containsExactly(codes.getDims(0));
            assertThat(dq.getAttributeList()).anyMatch(a -> a.getName().equals("axis") && a.getI() == 0);
            NodeProto inputDq = producers.get(conv.getInput(0));
            assertThat(inputDq.getOpType()).as("%s's input", conv.getName()).isEqualTo("DequantizeLinear");
            NodeProto q = producers.get(inputDq.getInput(0));
            assertThat(q.getOpType()).isEqualTo("QuantizeLinear");
            assertThat(init.get(q.getInput(2)).getDataType()).as("8-bit activations are INT8")
                    .isEqualTo(TensorProto.DataType.INT8_VALUE);
        });
        assertThat(count(m, "QuantizeLinear")).isEqualTo(convApplications(structure(lsqRun)));
    }

    @Test
    void activationQdqPairsAreWhatMakesTheOutputsMatch() {
        Path file = export(lsqRun, "lsq-no-act-qdq", new OnnxOptions(true, false, true));
        assertThat(count(read(file), "QuantizeLinear")).isZero();
        assertThat(maxAbsDiff(mqatOutputs(lsqRun), onnxOutputs(file)))
                .as("without the activation QDQ pairs the outputs leave the tolerance").isGreaterThan(10 * TOLERANCE);
    }

    @Test
    void float32ExportOfAQuantizedRunHoldsTheFakeQuantizedWeights() {
        Path file = export(inqRun, "inq-float", OnnxOptions.float32());
        ModelProto m = read(file);
        assertThat(count(m, "DequantizeLinear")).isZero();
        assertThat(maxAbsDiff(mqatOutputs(inqRun), onnxOutputs(file))).isLessThan(TOLERANCE);
    }

    /**
     * STE weights with 4-bit and 6-bit activations (a Clip to the code range before an INT8 QuantizeLinear), quantized
     * in memory: a training forward gives the running min-max ranges. Activations reach the head's shared convs
     * through Relu, the case where INT4 activation QDQ went wrong in ONNX Runtime (see {@link OnnxExporter}).
     */
    @Test
    void lowBitActivationsMatchMqat() {
        for (int bits : new int[] {4, 6}) {
            try (NDManager mgr = NDManager.newBaseManager(Device.cpu())) {
                PoseNet net = QuantizedCheckpoints.load(RunEvaluation.bestCheckpoint(floatRun), mgr);
                Quantization.attach(net, BitPlan.parse("8-4-8"), QuantizerKind.STE, Granularity.PER_TENSOR);
                for (NetModule module : NetModule.values()) {
                    Quantization.attachInputQuantizers(net, module,
                            new ActivationQuantSpec(bits, ActivationQuantMethod.RUNNING_MIN_MAX));
                }
                int s = net.config().inputSizePx();
                net.forward(new ParameterStore(mgr, false),
                        new NDList(HostArrays.copyOf(mgr, pixels, new Shape(batch, 3, s, s))), true);
                Path file = root.resolve("ste-act" + bits + ".onnx");
                OnnxExporter.Result result = OnnxExporter.export(net, InferenceSetup.of(floatRun), file, OnnxOptions.defaults());
                assertThat(result.layers()).allSatisfy(l -> assertThat(l.inputBits()).isEqualTo(bits));
                ModelProto m = read(file);
                assertThat(count(m, "Clip")).as("Clip nodes at %d bits", bits).isEqualTo(convApplications(net));
                Map<String, TensorProto> init = initializers(m);
                Map<String, NodeProto> producers = producers(m);
                m.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("QuantizeLinear")).forEach(q -> {
                    assertThat(init.get(q.getInput(2)).getDataType()).isEqualTo(TensorProto.DataType.INT8_VALUE);
                    NodeProto clip = producers.get(q.getInput(0));
                    assertThat(clip.getOpType()).isEqualTo("Clip");
                    float step = init.get(q.getInput(1)).getRawData().asReadOnlyByteBuffer()
                            .order(java.nio.ByteOrder.LITTLE_ENDIAN).getFloat();
                    float hi = init.get(clip.getInput(2)).getRawData().asReadOnlyByteBuffer()
                            .order(java.nio.ByteOrder.LITTLE_ENDIAN).getFloat();
                    assertThat(hi).as("clip maximum of %s", q.getName()).isEqualTo(((1 << (bits - 1)) - 1) * step);
                });
                assertThat(imagesOutsideTolerance(mqatOutputs(net, mgr), onnxOutputs(file)))
                        .as("images of %d whose outputs differ by more than %s between ONNX Runtime and DJL, STE 8-4-8 "
                                + "with %d-bit activations (one may hold a rounding flip)", batch, TOLERANCE, bits)
                        .hasSizeLessThanOrEqualTo(1);
            }
        }
    }

    /**
     * Five levels: the FPN's extra stride-2 convs (the first on C5, the next on Relu of the previous), random weights;
     * half width so that the 1x1 levels still give the group norm two values per group.
     */
    @Test
    void extraPyramidLevelsMatchMqat() {
        ModelConfig config = new ModelConfig(Architecture.WDR_CPU, 64, 0.5, 1.0, 1, new int[] {8, 16, 32, 64, 128},
                new double[] {16, 32, 64, 128, 256});
        try (NDManager mgr = NDManager.newBaseManager(Device.cpu())) {
            ai.djl.engine.Engine.getInstance().setRandomSeed(5);
            PoseNet net = PoseNet.create(config, mgr);
            InferenceSetup base = InferenceSetup.of(floatRun);
            InferenceSetup setup = new InferenceSetup(config, base.objects(), base.decoder(), base.pnp(),
                    base.depthCorrection(), base.data());
            Path file = root.resolve("five-levels.onnx");
            OnnxExporter.export(net, setup, file, OnnxOptions.defaults());
            assertThat(count(read(file), "Conv")).isEqualTo(convApplications(net));
            assertThat(maxAbsDiff(mqatOutputs(net, mgr), onnxOutputs(file))).as("max |ONNX Runtime - DJL|, 5 levels")
                    .isLessThan(TOLERANCE);
        }
    }

    @Test
    void theModelCarriesItsSetupAndQuantization() {
        Path file = export(inqRun, "inq-meta", OnnxOptions.defaults());
        try (OnnxPoseRunner r = OnnxPoseRunner.open(file)) {
            assertThat(r.setup().toJson()).isEqualTo(InferenceSetup.of(inqRun).toJson());
            assertThat(r.metadata()).containsEntry(OnnxExporter.FORMAT_KEY, OnnxExporter.FORMAT);
            assertThat(r.quantization()).hasValueSatisfying(q -> assertThat(q).contains("\"plan\":\"backbone=8,fpn=2,head=8\"",
                    "\"quantizer\":\"inq\"", "\"activationBits\":0", "\"integerWeights\":true", "\"activationQdq\":false"));
        }
    }

    @Test
    void theOnnxFileAloneScoresLikeItsRun() throws IOException {
        Path file = export(floatRun, "float-eval", OnnxOptions.defaults());
        RunEvaluation.Outcome onnx = OnnxEvaluation.evaluate(file, null, "test");
        RunEvaluation.Outcome djl = RunEvaluation.evaluate(floatRun, null, "test");
        assertThat(onnx.result().toJson()).isEqualTo(djl.result().toJson());
        assertThat(onnx.metricsJson()).isEqualTo(root.resolve("float-eval-metrics-test.json"));
        assertThat(Files.readAllLines(onnx.predictionsCsv())).hasSameSizeAs(Files.readAllLines(djl.predictionsCsv()));
    }

    @Test
    void anInqLayerWithFloatWeightsLeftIsNotWrittenAsIntegers() {
        try (NDManager mgr = NDManager.newBaseManager(Device.cpu())) {
            PoseNet net = QuantizedCheckpoints.load(RunEvaluation.bestCheckpoint(floatRun), mgr);
            Quantization.attach(net, NetModule.BACKBONE, QuantizerKind.INQ, dev.mqat.quant.QuantSpec.perTensor(8));
            assertThatThrownBy(() -> OnnxExporter.export(net, InferenceSetup.of(floatRun), root.resolve("inq0.onnx"),
                    OnnxOptions.defaults())).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("backbone.stem").hasMessageContaining("0.0 % quantized");
            OnnxExporter.Result r = OnnxExporter.export(net, InferenceSetup.of(floatRun), root.resolve("inq0-float.onnx"),
                    OnnxOptions.float32());
            assertThat(r.layers()).extracting(OnnxExporter.Layer::weightType).containsOnly("FLOAT");
        }
    }

    @Test
    void aFileWithoutMqatMetadataIsRejectedNamingIt() throws IOException {
        ModelProto m = read(export(floatRun, "float-nometa", OnnxOptions.defaults())).toBuilder().clearMetadataProps().build();
        Path file = root.resolve("plain.onnx");
        Files.write(file, m.toByteArray());
        assertThatThrownBy(() -> OnnxPoseRunner.open(file)).isInstanceOf(MqatFormatException.class)
                .hasMessageContaining("plain.onnx").hasMessageContaining(OnnxExporter.FORMAT_KEY);
    }

    static Map<String, TensorProto> initializers(ModelProto m) {
        Map<String, TensorProto> out = new HashMap<>();
        for (TensorProto t : m.getGraph().getInitializerList()) {
            out.put(t.getName(), t);
        }
        return out;
    }

    static Map<String, NodeProto> producers(ModelProto m) {
        Map<String, NodeProto> out = new HashMap<>();
        for (NodeProto n : m.getGraph().getNodeList()) {
            for (String o : n.getOutputList()) {
                out.put(o, n);
            }
        }
        return out;
    }

    static void forEachConv(ModelProto m, Consumer<NodeProto> check) {
        m.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Conv")).forEach(check);
    }

    static long product(List<Long> dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }

    static List<Integer> unpackInt4(TensorProto t) {
        byte[] raw = t.getRawData().toByteArray();
        List<Integer> out = new ArrayList<>();
        for (long i = 0; i < product(t.getDimsList()); i++) {
            int nibble = (raw[(int) (i / 2)] >> (i % 2 == 0 ? 0 : 4)) & 0x0f;
            out.add(nibble >= 8 ? nibble - 16 : nibble);
        }
        return out;
    }
}
