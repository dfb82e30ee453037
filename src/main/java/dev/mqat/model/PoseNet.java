package dev.mqat.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The WDR-style single-stage 6D pose network (Hu et al., CVPR 2021, as used by MQAT): {@link Backbone} ->
 * {@link Fpn} -> {@link Head}, built from a {@link ModelConfig} by one code path for every preset.
 *
 * <p>The three top-level children are named {@code backbone}, {@code fpn}, {@code head} ({@link NetModule}).
 * Every conv is a {@link PoseConv2d} with a stable dotted name; {@link #layers()} lists them in forward order and
 * quantizers attach to them by {@link PoseConv2d#setWeightQuantizer}. Parameters have stable dotted names
 * ({@link #namedParameters()}) used by {@link ModelCheckpoint}.
 *
 * <p>Forward: input {@code [N, 3, H, W]} (normalised RGB, H and W multiples of 32); output
 * {@code [classLogits, cornerOffsets]} with {@code classLogits = [N, A, C]} and {@code cornerOffsets = [N, A, 16 C]},
 * A = {@link AnchorGrid#cellCount()} cells in {@link AnchorGrid} order, C classes. Offsets of class c: channel
 * {@code 16 c + k} is the x offset of corner k, {@code 16 c + 8 + k} its y offset, in anchor units relative to the
 * cell centre.
 *
 * <p>Deviations from WDR: no ImageNet classifier in the backbone, the backbone is not registered twice, and the
 * backbone is trained from scratch (no ImageNet weights are downloaded).
 */
public final class PoseNet extends ContainerBlock {

    private final ModelConfig config;
    private final Backbone backbone;
    private final Fpn fpn;
    private final Head head;
    private final List<PoseConv2d> layers;

    private PoseNet(ModelConfig config) {
        this.config = config;
        backbone = addChildBlock(NetModule.BACKBONE.key(), new Backbone(config));
        fpn = addChildBlock(NetModule.FPN.key(), new Fpn(config, backbone.featureChannels()));
        head = addChildBlock(NetModule.HEAD.key(), new Head(config, config.channels(config.arch().fpnChannels)));
        layers = Collections.unmodifiableList(blocksOf(this, PoseConv2d.class));
    }

    /** Builds the network without allocating parameters (shapes and counts are available). */
    public static PoseNet build(ModelConfig config) {
        return new PoseNet(config);
    }

    /**
     * Builds the network and initialises its parameters in {@code manager} (which then owns them), with random
     * values from the engine's generator (seed it with {@code Engine.getInstance().setRandomSeed}).
     */
    public static PoseNet create(ModelConfig config, NDManager manager) {
        PoseNet net = new PoseNet(config);
        net.initialize(manager, DataType.FLOAT32, net.inputShape(1));
        return net;
    }

    public ModelConfig config() {
        return config;
    }

    public Backbone backbone() {
        return backbone;
    }

    public Fpn fpn() {
        return fpn;
    }

    public Head head() {
        return head;
    }

    /** The input shape {@code [batch, 3, size, size]} at the configured input size. */
    public Shape inputShape(int batch) {
        return new Shape(batch, 3, config.inputSizePx(), config.inputSizePx());
    }

    /** The cells of the outputs at the configured input size. */
    public AnchorGrid anchorGrid() {
        return AnchorGrid.of(config, config.inputSizePx(), config.inputSizePx());
    }

    /** The cells of the outputs for an input of the given size. */
    public AnchorGrid anchorGrid(int heightPx, int widthPx) {
        return AnchorGrid.of(config, heightPx, widthPx);
    }

    /** Every conv layer in forward order: backbone, fpn, head. */
    public List<PoseConv2d> layers() {
        return layers;
    }

    /** The conv layers of one module, in forward order. */
    public List<PoseConv2d> layers(NetModule module) {
        return layers.stream().filter(l -> l.module() == module).toList();
    }

    /**
     * The conv layer of the given name.
     *
     * @throws IllegalArgumentException naming the layer and how to list valid names
     */
    public PoseConv2d layer(String name) {
        for (PoseConv2d l : layers) {
            if (l.name().equals(name)) {
                return l;
            }
        }
        throw new IllegalArgumentException("layer '" + name + "' does not exist in " + config.arch()
                + "; 'mqat model summary --arch " + config.arch() + "' lists the layers");
    }

    /**
     * Every parameter under its stable dotted name ({@code fpn.lateral.0.weight}, {@code backbone.stem.bn.gamma},
     * {@code head.level_scale}, {@code fpn.output.1.weight_quantizer.<param>}), in a fixed order.
     */
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collectParameters(this, "", out);
        return out;
    }

    /**
     * Number of parameter values of a module, counted from shapes (no initialisation needed): conv weights and
     * biases, norm affine parameters, level scales. Batch-norm running statistics and quantizer state are not
     * counted.
     */
    public long parameterCount(NetModule module) {
        long n = 0;
        for (Map.Entry<String, Parameter> e : namedParameters().entrySet()) {
            if (e.getKey().startsWith(module.key() + ".") && isModelParameter(e.getKey(), e.getValue())) {
                n += e.getValue().getShape().size();
            }
        }
        return n;
    }

    /** {@link #parameterCount(NetModule)} per module, in module order. */
    public Map<NetModule, Long> parameterCounts() {
        Map<NetModule, Long> out = new EnumMap<>(NetModule.class);
        for (NetModule m : NetModule.values()) {
            out.put(m, parameterCount(m));
        }
        return out;
    }

    /** Sum of {@link #parameterCount(NetModule)} over the modules. */
    public long parameterCount() {
        return parameterCounts().values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Copies every parameter value of {@code source} into this network (in place, by stable name), e.g. to start
     * an MQAT probe from a trained model. Both must be initialised and have the same parameter names and shapes
     * (attach the same quantizers first when the source has some).
     *
     * @throws IllegalArgumentException naming the first parameter that is missing or differs in shape
     */
    public void copyParametersFrom(PoseNet source) {
        Map<String, Parameter> from = source.namedParameters();
        Map<String, Parameter> to = namedParameters();
        for (String name : from.keySet()) {
            if (!to.containsKey(name)) {
                throw new IllegalArgumentException("copy parameters: " + name + " of the source is not in this network");
            }
        }
        for (Map.Entry<String, Parameter> e : to.entrySet()) {
            Parameter src = from.get(e.getKey());
            if (src == null) {
                throw new IllegalArgumentException("copy parameters: " + e.getKey() + " is missing from the source network");
            }
            NDArray target = e.getValue().getArray();
            if (!src.getArray().getShape().equals(target.getShape())) {
                throw new IllegalArgumentException("copy parameters: " + e.getKey() + " has shape " + src.getArray().getShape()
                        + " in the source and " + target.getShape() + " here");
            }
            target.set(src.getArray().toByteBuffer());
        }
    }

    /** Whether a named parameter is a learned model value (not a running statistic nor quantizer state). */
    static boolean isModelParameter(String name, Parameter p) {
        return p.getType() != Parameter.Type.RUNNING_MEAN && p.getType() != Parameter.Type.RUNNING_VAR
                && !name.contains(".weight_quantizer.") && !name.contains(".input_quantizer.");
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Shape s = x.getShape();
        int stride = config.arch().backboneStride();
        if (s.dimension() != 4 || s.get(1) != 3 || s.get(2) % stride != 0 || s.get(3) % stride != 0) {
            throw new IllegalArgumentException("pose net input: expected [N, 3, H, W] with H and W multiples of " + stride
                    + ", found " + s);
        }
        NDList levels = head.forward(ps, fpn.forward(ps, backbone.forward(ps, inputs, training), training), training);
        int n = config.levels();
        long batch = s.get(0);
        NDList cls = new NDList(n);
        NDList pose = new NDList(n);
        for (int l = 0; l < n; l++) {
            cls.add(flatten(levels.get(l), batch));
            pose.add(flatten(levels.get(n + l), batch));
        }
        return new NDList(NDArrays.concatCells(cls), NDArrays.concatCells(pose));
    }

    /** [N, K, H, W] -> [N, H W, K], row-major cells. */
    private static NDArray flatten(NDArray map, long batch) {
        long k = map.getShape().get(1);
        return map.transpose(0, 2, 3, 1).reshape(batch, -1, k);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        AnchorGrid g = AnchorGrid.of(config, (int) in.get(2), (int) in.get(3));
        long a = g.cellCount();
        int c = config.numClasses();
        return new Shape[] {new Shape(in.get(0), a, c), new Shape(in.get(0), a, 16L * c)};
    }

    /** The blocks of {@code type} under {@code root} in forward order (a match's own children are not searched). */
    static <T extends Block> List<T> blocksOf(Block root, Class<T> type) {
        List<T> out = new ArrayList<>();
        collectBlocks(root, type, out);
        return out;
    }

    private static <T extends Block> void collectBlocks(Block block, Class<T> type, List<T> out) {
        if (type.isInstance(block)) {
            out.add(type.cast(block));
            return;
        }
        for (Pair<String, Block> child : block.getChildren()) {
            collectBlocks(child.getValue(), type, out);
        }
    }

    private static void collectParameters(Block block, String prefix, Map<String, Parameter> out) {
        String base = block instanceof NamedBlock nb ? nb.name() : prefix;
        for (Pair<String, Parameter> p : block.getDirectParameters()) {
            out.put(base.isEmpty() ? p.getKey() : base + "." + p.getKey(), p.getValue());
        }
        for (Pair<String, Block> child : block.getChildren()) {
            String key = child.getKey().replaceFirst("^\\d+", "");
            collectParameters(child.getValue(), base.isEmpty() ? key : base + "." + key, out);
        }
    }
}
