package dev.mqat.export;

import dev.mqat.eval.DepthCorrection;
import dev.mqat.geometry.PnpConfig;
import dev.mqat.model.DecoderConfig;
import dev.mqat.model.ModelConfig;
import dev.mqat.run.RunObject;
import java.util.List;
import java.util.Map;

/**
 * The JSON manifest at the start of a packed model file ({@link PackedModel}): what the network is, how to decode
 * its outputs, how it was quantized, and where each tensor sits in the weights that follow. docs/export-format.md
 * describes every key for readers in other languages.
 *
 * @param format always {@value PackedModel#FORMAT}
 * @param version format version, {@value PackedModel#VERSION} for this build
 * @param model the network's shape (the run's {@code config.json} {@code model} entry)
 * @param objects the object classes in class-index order: BOP id, diameter (mm), the 8 box corners the network
 *     predicts (object frame, mm)
 * @param decoder inference post-processing settings
 * @param pnp PnP settings at inference
 * @param depthCorrection depth bias removed after PnP ({@code logBiasAt1m = logBiasSlope = 0}: none)
 * @param data dataset folder the run trained on (the default of {@code mqat eval --data}), as the run recorded it
 * @param input how images become the network input
 * @param plan the bit plan in long form ({@code backbone=8,fpn=2,head=8}), {@code fp} when no layer is quantized
 * @param quantizer weight quantizer the run trained with ({@code inq}, {@code lsq}, {@code ste}); null for a float
 *     model. Informational: every quantizer's weights are stored the same way
 * @param granularity {@code per_tensor} or {@code per_channel} scales; null for a float model
 * @param layers every conv in forward order
 * @param tensors every stored tensor, at the offsets of the weights section
 * @param payloadBytes length of the weights section that follows the manifest, bytes
 * @param payloadCrc32 CRC-32 (ISO-HDLC, as zlib's {@code crc32}) of the weights section, 8 lowercase hex digits
 * @param source the run folder and checkpoint exported, and the checkpoint's SHA-256
 * @param provenance mqat, Java, OS and engine versions, cores, and the time of the export ({@code exported})
 */
public record PackedManifest(String format, int version, ModelConfig model, List<RunObject> objects,
        DecoderConfig decoder, PnpConfig pnp, DepthCorrection depthCorrection, String data, Input input, String plan,
        String quantizer, String granularity, List<Layer> layers, List<Tensor> tensors, long payloadBytes,
        String payloadCrc32, Map<String, String> source, Map<String, String> provenance) {

    public PackedManifest {
        objects = objects == null ? null : List.copyOf(objects);
        layers = layers == null ? null : List.copyOf(layers);
        tensors = tensors == null ? null : List.copyOf(tensors);
    }

    /**
     * How an image becomes the network input: RGB, {@code [N, 3, sizePx, sizePx]} row-major, each value
     * {@code (v / 255 - mean) / std} in float32 with {@code v} the 8-bit channel value.
     *
     * @param sizePx side of the square input, px
     * @param mean subtracted after scaling to [0, 1]
     * @param std divided by after the mean
     */
    public record Input(int sizePx, float mean, float std) {}

    /**
     * One conv layer: {@code y = conv(x, W, b)} with padding {@code kernel / 2}, stride {@code stride}.
     *
     * @param name stable dotted name, the prefix of its tensors' names
     * @param module {@code backbone}, {@code fpn} or {@code head}
     * @param inChannels input channels
     * @param outChannels output channels (axis 0 of the weight)
     * @param kernel square kernel side
     * @param stride stride in both directions
     * @param bias whether a {@code <name>.bias} tensor is added
     * @param bits weight bits, 1..8, or 32 when the weight is stored in float32
     * @param activation fake quantization of the layer's input, null when the input stays float
     */
    public record Layer(String name, String module, int inChannels, int outChannels, int kernel, int stride,
            boolean bias, int bits, Activation activation) {}

    /**
     * Fake quantization of a conv's input: {@code x -> s * round_half_even(clip(x / s, -2^(bits-1), 2^(bits-1) - 1))}
     * in float32.
     *
     * @param bits 2..8
     * @param method {@code lsq}: {@code s = max(|state|, 1e-8)}; {@code running_min_max}:
     *     {@code s = state / (2^(bits-1) - 1)}
     * @param state name of the one-element float32 tensor holding the learned step ({@code lsq}) or the running
     *     maximum magnitude ({@code running_min_max})
     */
    public record Activation(int bits, String method, String state) {}

    /**
     * One stored tensor.
     *
     * @param name stable dotted parameter name ({@code backbone.stem.weight}, {@code fpn.lateral.0.bias},
     *     {@code backbone.stem.bn.running_var}, {@code head.level_scale}), or {@code <layer>.weight_scale} for the
     *     scales of a packed weight
     * @param dtype {@code float32} (little-endian IEEE 754), {@code int2} .. {@code int8} (two's complement codes
     *     packed at that width) or {@code int1} (1 = +1, 0 = -1)
     * @param shape dimensions, row-major; a conv weight is {@code [out, in, k, k]}
     * @param offset first byte in the weights section
     * @param bytes length in bytes: {@code 4 * count} for float32, {@code ceil(count * b / 8)} for packed codes
     * @param scale for packed codes, the float32 tensor of their scales ({@code [1]} per tensor, {@code [out]} per
     *     output channel); null for float32
     */
    public record Tensor(String name, String dtype, long[] shape, long offset, long bytes, String scale) {
        public Tensor {
            shape = shape == null ? null : shape.clone();
        }

        @Override
        public long[] shape() {
            return shape == null ? null : shape.clone();
        }

        /** Number of elements: the product of the shape. */
        public long count() {
            long n = 1;
            for (long d : shape) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        }

        /** Code width of a packed tensor (1..8), 32 for float32, 0 for anything else. */
        public int bits() {
            if ("float32".equals(dtype)) {
                return 32;
            }
            if (dtype != null && dtype.length() == 4 && dtype.startsWith("int") && dtype.charAt(3) >= '1'
                    && dtype.charAt(3) <= '8') {
                return dtype.charAt(3) - '0';
            }
            return 0;
        }
    }
}
