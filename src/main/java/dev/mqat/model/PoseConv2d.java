package dev.mqat.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.util.Objects;
import java.util.Optional;

/**
 * The square 2D convolution every layer of the pose network is built from: a stable dotted name, the module it
 * belongs to, a float master weight, an optional bias, and hooks that fake-quantize the weight and the input.
 *
 * <p><b>Quantization contract.</b> The forward reads the float master weight through the parameter store and, when
 * a {@link WeightQuantizer} is attached, convolves with {@code quantizer.quantize(store, weight, training)}
 * instead; the master weight itself is never overwritten (the optimizer keeps updating it, and removing the
 * quantizer gives the float layer back). The quantizer becomes a child block named {@code weight_quantizer},
 * so its parameters are trained by the DJL trainer, listed by {@link PoseNet#getParameters()} and saved by
 * {@link ModelCheckpoint} under {@code <name>.weight_quantizer.<param>}. The same holds for an
 * {@link ActivationQuantizer} on the input ({@code input_quantizer}). Biases stay float.
 *
 * <p>Shapes: input {@code [N, inChannels, H, W]}, weight {@code [outChannels, inChannels, k, k]}, output
 * {@code [N, outChannels, H', W']} with padding {@code k / 2} and {@code H' = floor((H + 2 (k/2) - k) / stride) + 1}.
 *
 * <p>Built by {@link #builder()} in DJL's convention ({@code set*} required, {@code opt*} optional).
 */
public final class PoseConv2d extends AbstractBlock implements NamedBlock {

    private static final String WEIGHT_QUANTIZER = "weight_quantizer";
    private static final String INPUT_QUANTIZER = "input_quantizer";

    private final String name;
    private final NetModule module;
    private final int inChannels;
    private final int outChannels;
    private final int kernel;
    private final int stride;
    private final Parameter weight;
    private final Parameter bias;
    private WeightQuantizer weightQuantizer;
    private ActivationQuantizer inputQuantizer;

    private PoseConv2d(Builder b) {
        this.name = b.name;
        this.module = b.module;
        this.inChannels = b.inChannels;
        this.outChannels = b.outChannels;
        this.kernel = b.kernel;
        this.stride = b.stride;
        this.weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(outChannels, inChannels, kernel, kernel)).optInitializer(b.weightInitializer).build());
        this.bias = b.bias ? addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS)
                .optShape(new Shape(outChannels)).optInitializer(b.biasInitializer).build()) : null;
    }

    /** A builder; name, module, channels and kernel are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Stable dotted layer name, e.g. {@code fpn.lateral.0}; starts with the module key. */
    @Override
    public String name() {
        return name;
    }

    /** The module this layer belongs to. */
    public NetModule module() {
        return module;
    }

    public int inChannels() {
        return inChannels;
    }

    public int outChannels() {
        return outChannels;
    }

    /** Kernel side length (square kernels). */
    public int kernelSize() {
        return kernel;
    }

    public int stride() {
        return stride;
    }

    /** Shape of the weight: {@code [outChannels, inChannels, k, k]}. */
    public Shape weightShape() {
        return new Shape(outChannels, inChannels, kernel, kernel);
    }

    /** Number of weight values (the quantizable ones). */
    public long weightCount() {
        return (long) outChannels * inChannels * kernel * kernel;
    }

    /** Number of bias values (0 without bias). */
    public long biasCount() {
        return bias == null ? 0 : outChannels;
    }

    /** The float master weight parameter (its array belongs to the model's manager). */
    public Parameter weight() {
        return weight;
    }

    /** The bias parameter, absent for convs followed by a norm layer. */
    public Optional<Parameter> bias() {
        return Optional.ofNullable(bias);
    }

    /** The attached weight quantizer, if any. */
    public Optional<WeightQuantizer> weightQuantizer() {
        return Optional.ofNullable(weightQuantizer);
    }

    /** The attached input quantizer, if any. */
    public Optional<ActivationQuantizer> inputQuantizer() {
        return Optional.ofNullable(inputQuantizer);
    }

    /**
     * Attaches (or, with {@code null}, removes) the weight quantizer, replacing any previous one.
     *
     * <p>If this layer is already initialised, the quantizer's parameters are initialised now with the manager
     * that owns the weight, then {@link WeightQuantizer#initializeFromWeight(NDArray)} is called with the float
     * weight; otherwise both happen when the network is initialised.
     */
    public void setWeightQuantizer(WeightQuantizer quantizer) {
        if (weightQuantizer != null) {
            removeChild(weightQuantizer);
        }
        weightQuantizer = quantizer;
        if (quantizer != null) {
            addChildBlock(WEIGHT_QUANTIZER, quantizer);
            if (weight.isInitialized()) {
                initializeWeightQuantizer(weight.getArray().getManager(), weight.getArray().getDataType());
            }
        }
    }

    /**
     * Attaches (or, with {@code null}, removes) the input activation quantizer, replacing any previous one; its
     * parameters are initialised now when this layer already is.
     */
    public void setInputQuantizer(ActivationQuantizer quantizer) {
        if (inputQuantizer != null) {
            removeChild(inputQuantizer);
        }
        inputQuantizer = quantizer;
        if (quantizer != null) {
            addChildBlock(INPUT_QUANTIZER, quantizer);
            if (weight.isInitialized()) {
                quantizer.initialize(weight.getArray().getManager(), weight.getArray().getDataType(),
                        new Shape(-1, inChannels, -1, -1));
            }
        }
    }

    /**
     * The weight the convolution uses: the float master weight, fake-quantized when a quantizer is attached.
     *
     * @return an array owned by the current scope / the manager of the parameter store's arrays
     */
    public NDArray effectiveWeight(ParameterStore parameterStore, Device device, boolean training) {
        NDArray w = parameterStore.getValue(weight, device, training);
        return weightQuantizer == null ? w : weightQuantizer.quantize(parameterStore, w, training);
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Device device = x.getDevice();
        return new NDList(apply(parameterStore, x, effectiveWeight(parameterStore, device, training),
                biasValue(parameterStore, device, training), training));
    }

    /** The bias as read through the store, or null without bias. */
    NDArray biasValue(ParameterStore parameterStore, Device device, boolean training) {
        return bias == null ? null : parameterStore.getValue(bias, device, training);
    }

    /**
     * Convolves with a weight resolved once by the caller: the head resolves its shared layers' weights once per
     * forward and applies them to every pyramid level, so each quantizer runs once per forward.
     */
    NDArray apply(ParameterStore parameterStore, NDArray x, NDArray w, NDArray b, boolean training) {
        NDArray in = inputQuantizer == null ? x : inputQuantizer.quantize(parameterStore, x, training);
        return convolve(in, w, b, stride, kernel / 2);
    }

    /**
     * The convolution of every layer: {@code x [N,C,H,W]}, {@code w [O,C,k,k]}, {@code b [O]} or null, padding
     * {@code pad} on each side; returns {@code [N,O,H',W']} owned by the current scope.
     *
     * <p>Channel counts that the engine's kernels get wrong are computed with zero channels added
     * ({@link ConvChannelPadding}; {@link ConvGradientCheck} proves the result on the machine at hand).
     */
    public static NDArray convolve(NDArray x, NDArray w, NDArray b, int stride, int pad) {
        Shape ws = w.getShape();
        int out = (int) ws.get(0);
        int in = (int) ws.get(1);
        int kernel = (int) ws.get(2);
        // the autograd mode, not x.hasGradient(): DJL reports no gradient for activations computed while recording
        boolean inputGradient = JniUtils.isGradMode();
        int inPadded = ConvChannelPadding.inputChannels(in, kernel, stride, inputGradient);
        int outPadded = ConvChannelPadding.outputChannels(out, kernel, inputGradient);
        NDManager scratch = x.getManager(); // the zeros live as long as the activation they pad
        NDArray xs = x;
        NDArray wp = w;
        NDArray bp = b;
        if (inPadded > in) {
            Shape xShape = x.getShape();
            xs = x.concat(scratch.zeros(new Shape(xShape.get(0), inPadded - in, xShape.get(2), xShape.get(3)), x.getDataType()), 1);
            wp = wp.concat(scratch.zeros(new Shape(out, inPadded - in, kernel, kernel), w.getDataType()), 1);
        }
        if (outPadded > out) {
            wp = wp.concat(scratch.zeros(new Shape(outPadded - out, inPadded, kernel, kernel), w.getDataType()), 0);
            bp = b == null ? null : b.concat(scratch.zeros(new Shape(outPadded - out), b.getDataType()), 0);
        }
        NDArray y = Conv2d.conv2d(xs, wp, bp, new Shape(stride, stride), new Shape(pad, pad), new Shape(1, 1), 1)
                .singletonOrThrow();
        return outPadded > out ? y.get(new NDIndex(":, :" + out)) : y;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {new Shape(in.get(0), outChannels, outSize(in.get(2)), outSize(in.get(3)))};
    }

    /** Output side length for an input side length. */
    public long outSize(long inSize) {
        int pad = kernel / 2;
        return (inSize + 2L * pad - kernel) / stride + 1;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        if (weightQuantizer != null) {
            initializeWeightQuantizer(manager, dataType);
        }
        if (inputQuantizer != null) {
            inputQuantizer.initialize(manager, dataType, new Shape(-1, inChannels, -1, -1));
        }
    }

    private void initializeWeightQuantizer(NDManager manager, DataType dataType) {
        weightQuantizer.initialize(manager, dataType, weightShape());
        weightQuantizer.initializeFromWeight(weight.getArray());
    }

    private void removeChild(Object block) {
        for (int i = 0; i < children.size(); i++) {
            if (children.valueAt(i) == block) {
                children.remove(i);
                return;
            }
        }
    }

    @Override
    public String toString() {
        return "PoseConv2d[" + name + ": " + inChannels + "->" + outChannels + ", " + kernel + "x" + kernel + "/" + stride
                + (bias == null ? "" : ", bias") + (weightQuantizer == null ? "" : ", quantized") + "]";
    }

    /** Builder of {@link PoseConv2d}. */
    public static final class Builder {
        private String name;
        private NetModule module;
        private int inChannels;
        private int outChannels;
        private int kernel;
        private int stride = 1;
        private boolean bias;
        private Initializer weightInitializer;
        private Initializer biasInitializer = Initializer.ZEROS;

        private Builder() {}

        /** Stable dotted name; must start with the module key and a dot. */
        public Builder setName(String name) {
            this.name = name;
            return this;
        }

        public Builder setModule(NetModule module) {
            this.module = module;
            return this;
        }

        public Builder setChannels(int in, int out) {
            this.inChannels = in;
            this.outChannels = out;
            return this;
        }

        /** Square kernel side (odd). */
        public Builder setKernelSize(int kernel) {
            this.kernel = kernel;
            return this;
        }

        /** Stride, default 1. */
        public Builder optStride(int stride) {
            this.stride = stride;
            return this;
        }

        /** Whether the layer has a bias, default false. */
        public Builder optBias(boolean bias) {
            this.bias = bias;
            return this;
        }

        /** Weight initializer, default Kaiming normal for fan-in and a linear gain. */
        public Builder optWeightInitializer(Initializer initializer) {
            this.weightInitializer = initializer;
            return this;
        }

        /** Bias initializer, default zeros. */
        public Builder optBiasInitializer(Initializer initializer) {
            this.biasInitializer = initializer;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @throws IllegalArgumentException naming the layer and the bad value
         */
        public PoseConv2d build() {
            Objects.requireNonNull(module, "PoseConv2d: module is required (setModule)");
            if (name == null || !name.startsWith(module.key() + ".")) {
                throw new IllegalArgumentException("PoseConv2d: name '" + name + "' must start with '" + module.key() + ".'");
            }
            if (inChannels <= 0 || outChannels <= 0) {
                throw new IllegalArgumentException("PoseConv2d " + name + ": channels must be positive, found "
                        + inChannels + "->" + outChannels);
            }
            if (kernel <= 0 || kernel % 2 == 0) {
                throw new IllegalArgumentException("PoseConv2d " + name + ": kernel size must be odd and positive, found " + kernel);
            }
            if (stride <= 0) {
                throw new IllegalArgumentException("PoseConv2d " + name + ": stride must be positive, found " + stride);
            }
            if (weightInitializer == null) {
                weightInitializer = Initializers.kaimingNormal(inChannels * kernel * kernel, 1.0);
            }
            return new PoseConv2d(this);
        }
    }
}
