package dev.mqat.export;

import static dev.mqat.export.OnnxGraph.floatAttr;
import static dev.mqat.export.OnnxGraph.intAttr;
import static dev.mqat.export.OnnxGraph.intsAttr;
import static dev.mqat.export.OnnxGraph.stringAttr;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mqat.AtomicFiles;
import dev.mqat.export.onnx.OnnxProto.ModelProto;
import dev.mqat.export.onnx.OnnxProto.OperatorSetIdProto;
import dev.mqat.export.onnx.OnnxProto.StringStringEntryProto;
import dev.mqat.model.ActivationQuantizer;
import dev.mqat.model.AnchorGrid;
import dev.mqat.model.Backbone;
import dev.mqat.model.Head;
import dev.mqat.model.ModelConfig;
import dev.mqat.model.NetModule;
import dev.mqat.model.PoseConv2d;
import dev.mqat.model.PoseNet;
import dev.mqat.quant.ActivationQuantMethod;
import dev.mqat.quant.ActivationQuantSpec;
import dev.mqat.quant.Granularity;
import dev.mqat.quant.Levels;
import dev.mqat.quant.QuantSetup;
import dev.mqat.quant.Quantization;
import dev.mqat.quant.UniformActivationQuantizer;
import dev.mqat.quant.UniformWeightQuantizer;
import dev.mqat.run.InferenceSetup;
import dev.mqat.run.QuantizedCheckpoints;
import dev.mqat.run.RunEvaluation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a pose network as an ONNX model of standard operators (opset {@value #OPSET}, IR version {@value #IR_VERSION})
 * whose outputs are {@link PoseNet}'s raw outputs; docs/export-onnx.md tells a deployer how to decode them.
 *
 * <p>Graph: input {@value #INPUT} {@code [N, 3, S, S]} (normalised RGB, N free); outputs {@value #LOGITS}
 * {@code [N, A, C]} and {@value #OFFSETS} {@code [N, A, 16 C]}, A cells in {@link AnchorGrid} order. Backbone:
 * Conv (+ BatchNormalization) + LeakyRelu, Add for the residual units. FPN: Conv with bias, Resize (nearest,
 * asymmetric, floor: exactly libtorch's x2 nearest upsampling at sizes that are multiples of 32) and Add top-down,
 * Relu between extra levels. Head, once per level with shared initializers: Conv + GroupNormalization + Relu towers,
 * the logits conv, the offsets conv times the level's scale (Mul); Transpose, Reshape and Concat flatten the cells.
 *
 * <p>Quantized layers ({@link OnnxOptions#integerWeights()}): the integer codes {@code k} of the fake-quantized
 * weight {@code k * s} are an INT4 (layers of 4 bits or fewer, opset 21) or INT8 initializer with one scale per
 * tensor or per output channel (axis 0) as the quantizer has it and zero point 0; a DequantizeLinear node before
 * each use computes {@code k * s} in float32, exactly the weight mqat convolves with. Their batch norm stays a
 * BatchNormalization node: folding it would change the codes. Layers whose input mqat fake-quantizes get a
 * QuantizeLinear/DequantizeLinear pair on that input with the quantizer's step as scale and zero point 0, INT8 at
 * every width, below 8 bits after a Clip to the code range {@code [-2^(b-1) s, (2^(b-1) - 1) s]}.
 *
 * <p>Why not INT4 activations at 4 bits: ONNX Runtime 1.23's graph optimisations (level extended and above)
 * mishandle an INT4 QuantizeLinear on activations. Before a Relu -> QuantizeLinear(INT4) in the head they changed
 * the logits by 0.49 (0 with optimisations at basic), and a Clip -> QuantizeLinear(INT4) failed to load
 * ("Unexpected data type for QuantizeLinear input y_zero_point of 22"). INT8 after a Clip computes the same codes.
 *
 * <p>The model's {@code metadata_props} hold {@value #FORMAT_KEY}, the {@link InferenceSetup} as JSON under
 * {@value #SETUP_KEY} (so the file alone can be evaluated, {@link OnnxEvaluation}) and, for a quantized network, the
 * plan, quantizer, granularity and activation bits it was trained with and whether this file holds integer weights
 * and activation QDQ pairs, under {@value #QUANTIZATION_KEY}.
 *
 * <p>Pitfalls: an INQ layer whose schedule has not reached fraction 1 still has float weights; it cannot be written
 * as integers and the export fails naming it (export it with {@link OnnxOptions#float32()}).
 */
public final class OnnxExporter {
    /** Operator set of the default domain: the first with INT4 DequantizeLinear and GroupNormalization's per-channel affine. */
    public static final int OPSET = 21;
    /** IR version of opset 21 (INT4 types). */
    public static final long IR_VERSION = 10;
    /** Name of the graph input. */
    public static final String INPUT = "image";
    /** Name of the class-logit output. */
    public static final String LOGITS = "class_logits";
    /** Name of the corner-offset output. */
    public static final String OFFSETS = "corner_offsets";
    /** Metadata key of the format and its version. */
    public static final String FORMAT_KEY = "mqat.format";
    /** The format this exporter writes; readers accept it and name it when they find another. */
    public static final String FORMAT = "mqat-pose-onnx 1";
    /** Metadata key of the {@link InferenceSetup} JSON. */
    public static final String SETUP_KEY = "mqat.inference_setup";
    /** Metadata key of the quantization summary JSON (quantized networks only). */
    public static final String QUANTIZATION_KEY = "mqat.quantization";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern BACKBONE_LAYER =
            Pattern.compile("backbone\\.(stem|stage\\.(\\d+)\\.(down|res\\.\\d+\\.(reduce|expand)))");

    /**
     * How one conv layer was written.
     *
     * @param name the layer's dotted name
     * @param weightType {@code FLOAT}, {@code INT8} or {@code INT4}
     * @param bits the layer's weight bits, 32 for float
     * @param scales weight scales (1 per tensor, C per channel; 0 for float)
     * @param inputBits bits of the QuantizeLinear/DequantizeLinear pair on its input, 0 for none
     */
    public record Layer(String name, String weightType, int bits, int scales, int inputBits) {}

    /**
     * What an export wrote.
     *
     * @param file the .onnx file
     * @param bytes its size
     * @param nodes nodes in the graph
     * @param layers per conv, in forward order
     */
    public record Result(Path file, long bytes, int nodes, List<Layer> layers) {
        public Result {
            layers = List.copyOf(layers);
        }
    }

    private OnnxExporter() {}

    /** Exports the best checkpoint of a run folder (float or quantized) with the run's inference setup. */
    public static Result export(Path runDir, Path out, OnnxOptions options) {
        InferenceSetup setup = InferenceSetup.of(runDir);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            PoseNet net = QuantizedCheckpoints.load(RunEvaluation.bestCheckpoint(runDir), manager);
            return export(net, setup, out, options);
        }
    }

    /** Exports a loaded network; {@code setup} goes into the metadata. Writes {@code out} atomically. */
    public static Result export(PoseNet net, InferenceSetup setup, Path out, OnnxOptions options) {
        List<Layer> layers = new ArrayList<>();
        ModelProto model = toModel(net, setup, options, layers);
        byte[] bytes = model.toByteArray();
        AtomicFiles.write(out, bytes);
        return new Result(out, bytes.length, model.getGraph().getNodeCount(), layers);
    }

    /**
     * The ONNX model of a loaded network.
     *
     * @param layers receives how each conv was written, in forward order
     */
    static ModelProto toModel(PoseNet net, InferenceSetup setup, OnnxOptions options, List<Layer> layers) {
        if (!setup.model().equals(net.config())) {
            throw new IllegalArgumentException("export: the inference setup describes " + setup.model()
                    + " but the network is " + net.config());
        }
        Writer w = new Writer(net, options);
        w.write();
        layers.addAll(w.layerSummaries());
        ModelProto.Builder m = ModelProto.newBuilder().setIrVersion(IR_VERSION).setProducerName("mqat")
                .setProducerVersion(producerVersion()).setDomain("dev.mqat").setModelVersion(1)
                .setDocString("mqat pose network " + net.config().arch() + ", " + net.config().inputSizePx()
                        + " px; outputs are raw class logits and corner offsets (see mqat docs/export-onnx.md)")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(w.graph.build());
        m.addMetadataProps(entry(FORMAT_KEY, FORMAT));
        m.addMetadataProps(entry(SETUP_KEY, setup.toJson()));
        quantizationJson(net, options).ifPresent(q -> m.addMetadataProps(entry(QUANTIZATION_KEY, q)));
        return m.build();
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    private static String producerVersion() {
        String v = OnnxExporter.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /**
     * Plan, quantizer, granularity and activation bits of a quantized network, and how this file holds them
     * ({@code integerWeights}, {@code activationQdq}); empty for a float network.
     */
    private static Optional<String> quantizationJson(PoseNet net, OnnxOptions options) {
        Optional<QuantSetup> setup = QuantSetup.of(net);
        int actBits = 0;
        for (PoseConv2d l : net.layers()) {
            if (l.inputQuantizer().orElse(null) instanceof UniformActivationQuantizer q) {
                actBits = q.spec().bits();
            }
        }
        if (setup.isEmpty() && actBits == 0) {
            return Optional.empty();
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("plan", Quantization.planOf(net).toString());
        setup.ifPresent(s -> {
            m.put("quantizer", s.kind().name().toLowerCase(java.util.Locale.ROOT));
            m.put("granularity", s.granularity().name().toLowerCase(java.util.Locale.ROOT));
        });
        m.put("activationBits", actBits);
        m.put("integerWeights", options.integerWeights() && setup.isPresent());
        m.put("activationQdq", options.activationQdq() && actBits > 0);
        try {
            return Optional.of(JSON.writeValueAsString(m));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("export: cannot write the quantization summary: " + e.getOriginalMessage(), e);
        }
    }

    /** Walks the network in forward order and emits its nodes. */
    private static final class Writer {
        final PoseNet net;
        final OnnxOptions options;
        final ModelConfig config;
        final OnnxGraph graph = new OnnxGraph("mqat_pose_net");
        final Map<String, Parameter> params;
        final Map<String, WeightSource> weights = new HashMap<>();
        final Map<String, String> inputScales = new HashMap<>();
        final Map<String, Layer> summaries = new LinkedHashMap<>();

        Writer(PoseNet net, OnnxOptions options) {
            this.net = net;
            this.options = options;
            this.config = net.config();
            this.params = net.namedParameters();
        }

        List<Layer> layerSummaries() {
            List<Layer> out = new ArrayList<>();
            for (PoseConv2d l : net.layers()) {
                out.add(summaries.get(l.name()));
            }
            return out;
        }

        void write() {
            int s = config.inputSizePx();
            graph.floatInput(INPUT, "batch", 1, 3, s, s);
            List<String> features = backbone(INPUT);
            List<String> levels = fpn(features);
            head(levels);
        }

        /** C3, C4, C5: the outputs of the last three stages. */
        List<String> backbone(String input) {
            String x = input;
            String residualInput = null;
            TreeMap<Integer, String> stageOutputs = new TreeMap<>();
            for (PoseConv2d layer : net.layers(NetModule.BACKBONE)) {
                Matcher m = BACKBONE_LAYER.matcher(layer.name());
                if (!m.matches()) {
                    throw new IllegalStateException("export: backbone layer " + layer.name()
                            + " is not stem, stage.<i>.down or stage.<i>.res.<j>.reduce|expand; the exporter needs updating");
                }
                boolean reduce = "reduce".equals(m.group(4));
                boolean expand = "expand".equals(m.group(4));
                if (reduce) {
                    residualInput = x;
                }
                x = convBnLeaky(layer, x);
                if (expand) {
                    if (residualInput == null) {
                        throw new IllegalStateException("export: " + layer.name() + " has no matching .reduce layer");
                    }
                    x = graph.node("Add", layer.name().replace(".expand", "") + ".add", List.of(x, residualInput));
                    residualInput = null;
                }
                if (m.group(2) != null) {
                    stageOutputs.put(Integer.parseInt(m.group(2)), x);
                }
            }
            if (stageOutputs.size() < 3) {
                throw new IllegalStateException("export: the backbone has " + stageOutputs.size() + " stages, expected at least 3");
            }
            List<String> all = new ArrayList<>(stageOutputs.values());
            return all.subList(all.size() - 3, all.size());
        }

        String convBnLeaky(PoseConv2d layer, String input) {
            String bn = layer.name() + ".bn.";
            float[] gamma = floats(bn + "gamma");
            float[] beta = floats(bn + "beta");
            float[] mean = floats(bn + "running_mean");
            float[] var = floats(bn + "running_var");
            String y;
            if (isIntegerLayer(layer) || !options.foldBatchNorm()) {
                y = conv(layer, input);
                y = graph.node("BatchNormalization", layer.name() + ".bn",
                        List.of(y, graph.floatTensor(bn + "gamma", gamma, gamma.length),
                                graph.floatTensor(bn + "beta", beta, beta.length),
                                graph.floatTensor(bn + "running_mean", mean, mean.length),
                                graph.floatTensor(bn + "running_var", var, var.length)),
                        floatAttr("epsilon", Backbone.BATCH_NORM_EPSILON));
            } else {
                y = foldedConv(layer, input, gamma, beta, mean, var);
            }
            return graph.node("LeakyRelu", layer.name() + ".leaky_relu", List.of(y),
                    floatAttr("alpha", Backbone.LEAKY_RELU_SLOPE));
        }

        /** Finest first: P3, P4, P5, then the extra levels. */
        List<String> fpn(List<String> features) {
            String[] lateral = new String[3];
            for (int i = 0; i < 3; i++) {
                lateral[i] = conv(net.layer("fpn.lateral." + i), features.get(i));
            }
            String[] merged = new String[3];
            merged[2] = lateral[2];
            String scales = graph.floatTensor("fpn.upsample_scales", new float[] {1, 1, 2, 2}, 4);
            for (int i = 1; i >= 0; i--) {
                String up = graph.node("Resize", "fpn.upsample." + i, List.of(merged[i + 1], "", scales),
                        stringAttr("mode", "nearest"), stringAttr("coordinate_transformation_mode", "asymmetric"),
                        stringAttr("nearest_mode", "floor"));
                merged[i] = graph.node("Add", "fpn.merge." + i, List.of(lateral[i], up));
            }
            List<String> levels = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                levels.add(conv(net.layer("fpn.output." + i), merged[i]));
            }
            String prev = features.get(2);
            for (int k = 0; k < config.levels() - 3; k++) {
                String in = k == 0 ? prev : graph.node("Relu", "fpn.extra." + k + ".relu", List.of(prev));
                prev = conv(net.layer("fpn.extra." + k), in);
                levels.add(prev);
            }
            return levels;
        }

        void head(List<String> levels) {
            Head head = net.head();
            int towers = net.layers(NetModule.HEAD).stream().filter(l -> l.name().startsWith("head.cls_tower.")).toList().size();
            float[] levelScales = floats("head.level_scale");
            int c = config.numClasses();
            AnchorGrid grid = net.anchorGrid();
            List<String> logits = new ArrayList<>();
            List<String> offsets = new ArrayList<>();
            for (int l = 0; l < levels.size(); l++) {
                String cls = tower("head.cls_tower.", towers, head.normGroups(), levels.get(l), l);
                logits.add(flatten(conv(net.layer("head.cls_logits"), cls), c, "head.cls_logits.flat." + l));
                String pose = tower("head.pose_tower.", towers, head.normGroups(), levels.get(l), l);
                String pred = conv(net.layer("head.pose_pred"), pose);
                String scaled = graph.node("Mul", "head.level_scale." + l,
                        List.of(pred, graph.floatTensor("head.level_scale." + l, new float[] {levelScales[l]})));
                offsets.add(flatten(scaled, 16 * c, "head.pose_pred.flat." + l));
            }
            String allLogits = graph.node("Concat", "class_logits_concat", logits, intAttr("axis", 1));
            String allOffsets = graph.node("Concat", "corner_offsets_concat", offsets, intAttr("axis", 1));
            graph.floatOutput(allLogits, LOGITS, "batch", 1, grid.cellCount(), c);
            graph.floatOutput(allOffsets, OFFSETS, "batch", 1, grid.cellCount(), 16L * c);
        }

        String tower(String prefix, int convs, int groups, String input, int level) {
            String x = input;
            for (int i = 0; i < convs; i++) {
                String name = prefix + i;
                x = conv(net.layer(name), x);
                float[] gamma = floats(name + ".norm.gamma");
                float[] beta = floats(name + ".norm.beta");
                String g = normParam(name + ".norm.gamma", gamma);
                String b = normParam(name + ".norm.beta", beta);
                x = graph.node("GroupNormalization", name + ".norm." + level, List.of(x, g, b),
                        floatAttr("epsilon", Head.GROUP_NORM_EPSILON), intAttr("num_groups", groups));
                x = graph.node("Relu", name + ".relu." + level, List.of(x));
            }
            return x;
        }

        /** A shared norm parameter: one initializer for every level. */
        String normParam(String name, float[] values) {
            return weights.computeIfAbsent(name, k -> WeightSource.plain(graph.floatTensor(name, values, values.length)))
                    .floatName;
        }

        /** [N, K, H, W] -> [N, H W, K]. */
        String flatten(String map, int channels, String name) {
            String t = graph.node("Transpose", name + ".transpose", List.of(map), intsAttr("perm", 0, 2, 3, 1));
            String shape = graph.int64Tensor(name + ".shape", new long[] {0, -1, channels}, 3);
            return graph.node("Reshape", name, List.of(t, shape));
        }

        boolean isIntegerLayer(PoseConv2d layer) {
            return options.integerWeights() && Quantization.quantizerOf(layer).isPresent();
        }

        /** The layer's convolution (with its bias if any) on {@code input}, after its input's QDQ pair if any. */
        String conv(PoseConv2d layer, String input) {
            String x = quantizeInput(layer, input);
            WeightSource src = weights.computeIfAbsent(layer.name(), k -> weightSource(layer));
            String w = src.use(graph, layer.name());
            List<String> inputs = new ArrayList<>(List.of(x, w));
            Optional<Parameter> bias = layer.bias();
            if (bias.isPresent()) {
                inputs.add(weights.computeIfAbsent(layer.name() + ".bias",
                        k -> WeightSource.plain(floatParam(layer.name() + ".bias", bias.get()))).floatName);
            }
            return convNode(layer, inputs);
        }

        String foldedConv(PoseConv2d layer, String input, float[] gamma, float[] beta, float[] mean, float[] var) {
            String x = quantizeInput(layer, input);
            WeightSource src = weights.computeIfAbsent(layer.name(), k -> {
                float[] w = weightValues(layer);
                int out = layer.outChannels();
                int per = w.length / out;
                float[] folded = new float[w.length];
                float[] bias = new float[out];
                for (int o = 0; o < out; o++) {
                    double f = gamma[o] / Math.sqrt((double) var[o] + Backbone.BATCH_NORM_EPSILON);
                    for (int i = o * per; i < (o + 1) * per; i++) {
                        folded[i] = (float) (w[i] * f);
                    }
                    bias[o] = (float) (beta[o] - mean[o] * f);
                }
                summaries.put(layer.name(), new Layer(layer.name(), "FLOAT", 32, 0, inputBits(layer)));
                WeightSource s = WeightSource.plain(graph.floatTensor(layer.name() + ".weight_bn_folded", folded,
                        dims(layer)));
                s.foldedBias = graph.floatTensor(layer.name() + ".bias_bn_folded", bias, out);
                return s;
            });
            return convNode(layer, List.of(x, src.use(graph, layer.name()), src.foldedBias));
        }

        String convNode(PoseConv2d layer, List<String> inputs) {
            int k = layer.kernelSize();
            int pad = k / 2;
            return graph.node("Conv", layer.name(), inputs, intsAttr("kernel_shape", k, k),
                    intsAttr("strides", layer.stride(), layer.stride()), intsAttr("pads", pad, pad, pad, pad),
                    intsAttr("dilations", 1, 1), intAttr("group", 1));
        }

        long[] dims(PoseConv2d layer) {
            return new long[] {layer.outChannels(), layer.inChannels(), layer.kernelSize(), layer.kernelSize()};
        }

        /** Float or integer weight initializers of a layer (written once, used by every level of the head). */
        WeightSource weightSource(PoseConv2d layer) {
            float[] w = weightValues(layer);
            Optional<UniformWeightQuantizer> q = Quantization.quantizerOf(layer);
            if (q.isEmpty() || !options.integerWeights()) {
                summaries.put(layer.name(), new Layer(layer.name(), "FLOAT", 32, 0, inputBits(layer)));
                return WeightSource.plain(graph.floatTensor(layer.name() + ".weight", w, dims(layer)));
            }
            int bits = q.get().spec().bits();
            float[] scales = q.get().scales();
            int[] codes = codes(layer, w, scales, bits, q.get());
            boolean int4 = bits <= 4;
            boolean perChannel = q.get().spec().granularity() == Granularity.PER_CHANNEL;
            long[] scaleDims = perChannel ? new long[] {scales.length} : new long[0];
            int[] zeros = new int[scales.length];
            String name = layer.name();
            String codesName = int4 ? graph.int4Tensor(name + ".weight_int4", codes, dims(layer))
                    : graph.int8Tensor(name + ".weight_int8", codes, dims(layer));
            String scaleName = graph.floatTensor(name + ".weight_scale", scales, scaleDims);
            String zeroName = int4 ? graph.int4Tensor(name + ".weight_zero_point", zeros, scaleDims)
                    : graph.int8Tensor(name + ".weight_zero_point", zeros, scaleDims);
            summaries.put(name, new Layer(name, int4 ? "INT4" : "INT8", bits, scales.length, inputBits(layer)));
            return WeightSource.dequantized(codesName, scaleName, zeroName, perChannel);
        }

        /**
         * The integer codes of a fake-quantized weight: {@code k = rint(w / s)}, checked to give back exactly
         * {@code w = k * s} in float32 within the code range.
         */
        int[] codes(PoseConv2d layer, float[] w, float[] scales, int bits, UniformWeightQuantizer q) {
            int per = w.length / scales.length;
            int qp = Levels.maxCode(bits);
            int[] k = new int[w.length];
            for (int i = 0; i < w.length; i++) {
                float s = scales[i / per];
                int code = (int) Math.rint(w[i] / s);
                if (Math.abs(code) > qp || code * s != w[i]) {
                    throw new IllegalStateException("export: layer " + layer.name() + " weight " + i + " = " + w[i]
                            + " is not an integer multiple of its scale " + s + " within +-" + qp + " (" + q.kind()
                            + ", " + bits + " bits, " + Math.round(q.fractionQuantized() * 1000) / 10.0
                            + " % quantized); finish the quantization or export with float weights");
                }
                k[i] = code;
            }
            return k;
        }

        /** The QuantizeLinear/DequantizeLinear pair mqat's input quantizer stands for, or the input itself. */
        String quantizeInput(PoseConv2d layer, String input) {
            Optional<ActivationQuantizer> aq = layer.inputQuantizer();
            if (aq.isEmpty() || !options.activationQdq()) {
                return input;
            }
            if (!(aq.get() instanceof UniformActivationQuantizer q)) {
                throw new IllegalStateException("export: layer " + layer.name() + " has an input quantizer of type "
                        + aq.get().getClass().getSimpleName() + "; only the uniform one can be written as QDQ");
            }
            ActivationQuantSpec spec = q.spec();
            float step = q.step();
            if (!(step > 0) || !Float.isFinite(step)) {
                throw new IllegalStateException("export: the input quantizer of " + layer.name() + " has step " + step
                        + "; it has seen no training batch");
            }
            if (spec.method() == ActivationQuantMethod.LSQ) {
                step = Math.max(step, 1e-8f); // the floor the LSQ forward applies
            }
            float s = step;
            String name = layer.name() + ".input";
            String scale = inputScales.computeIfAbsent(name + ".scale", k -> graph.floatTensor(k, new float[] {s}));
            String zero = inputScales.computeIfAbsent(name + ".zero_point", k -> graph.int8Tensor(k, new int[] {0}));
            String x = input;
            if (spec.bits() < 8) {
                String lo = inputScales.computeIfAbsent(name + ".clip_min",
                        k -> graph.floatTensor(k, new float[] {spec.minCode() * s}));
                String hi = inputScales.computeIfAbsent(name + ".clip_max",
                        k -> graph.floatTensor(k, new float[] {spec.maxCode() * s}));
                x = graph.node("Clip", name + ".clip", List.of(x, lo, hi));
            }
            String quantized = graph.node("QuantizeLinear", name + ".quantize", List.of(x, scale, zero));
            return graph.node("DequantizeLinear", name + ".dequantize", List.of(quantized, scale, zero));
        }

        int inputBits(PoseConv2d layer) {
            return options.activationQdq() && layer.inputQuantizer().orElse(null) instanceof UniformActivationQuantizer q
                    ? q.spec().bits() : 0;
        }

        /** The weight the layer convolves with in inference: fake-quantized when a quantizer is attached. */
        float[] weightValues(PoseConv2d layer) {
            try (NDScope scope = new NDScope()) {
                NDArray w = layer.weight().getArray();
                ParameterStore store = new ParameterStore(w.getManager(), false);
                return layer.effectiveWeight(store, w.getDevice(), false).toFloatArray();
            }
        }

        String floatParam(String name, Parameter p) {
            float[] v = p.getArray().toFloatArray();
            return graph.floatTensor(name, v, v.length);
        }

        float[] floats(String name) {
            Parameter p = params.get(name);
            if (p == null || !p.isInitialized()) {
                throw new IllegalStateException("export: parameter " + name + " is missing from the network");
            }
            return p.getArray().toFloatArray();
        }
    }

    /** Where a layer's weight comes from: a float initializer, or integer codes dequantized before each use. */
    private static final class WeightSource {
        final String floatName;
        final String codes;
        final String scale;
        final String zeroPoint;
        final boolean perChannel;
        String foldedBias;

        private WeightSource(String floatName, String codes, String scale, String zeroPoint, boolean perChannel) {
            this.floatName = floatName;
            this.codes = codes;
            this.scale = scale;
            this.zeroPoint = zeroPoint;
            this.perChannel = perChannel;
        }

        static WeightSource plain(String floatName) {
            return new WeightSource(floatName, null, null, null, false);
        }

        static WeightSource dequantized(String codes, String scale, String zeroPoint, boolean perChannel) {
            return new WeightSource(null, codes, scale, zeroPoint, perChannel);
        }

        /** The float weight value for one use: the initializer, or a new DequantizeLinear node (one per consumer). */
        String use(OnnxGraph graph, String layer) {
            if (floatName != null) {
                return floatName;
            }
            return perChannel
                    ? graph.node("DequantizeLinear", layer + ".weight_dequantize", List.of(codes, scale, zeroPoint),
                            intAttr("axis", 0))
                    : graph.node("DequantizeLinear", layer + ".weight_dequantize", List.of(codes, scale, zeroPoint));
        }
    }
}
