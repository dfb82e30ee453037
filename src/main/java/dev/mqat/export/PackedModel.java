package dev.mqat.export;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mqat.MqatFormatException;
import dev.mqat.eval.DepthCorrection;
import dev.mqat.geometry.PnpConfig;
import dev.mqat.model.DecoderConfig;
import dev.mqat.model.ModelConfig;
import dev.mqat.model.PoseConv2d;
import dev.mqat.model.PoseNet;
import dev.mqat.quant.ActivationQuantMethod;
import dev.mqat.quant.ActivationQuantSpec;
import dev.mqat.quant.BitPlan;
import dev.mqat.quant.LayerInspection;
import dev.mqat.quant.QuantizerKind;
import dev.mqat.quant.Quantization;
import dev.mqat.quant.UniformActivationQuantizer;
import dev.mqat.run.DeviceChoice;
import dev.mqat.run.ModelSource;
import dev.mqat.run.QuantizedCheckpoints;
import dev.mqat.run.RunObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * A packed model file, read: mqat's integer deployment format, a {@link ModelSource} that {@code eval},
 * {@code predict} and {@code model inspect} use in place of a run folder. {@link Exports#write} writes it.
 *
 * <p><b>Layout, version 1</b> (docs/export-format.md has the full description; every integer little-endian):
 * <pre>
 *   bytes 0..7     ASCII "MQATPACK"
 *   bytes 8..11    uint32 format version (1)
 *   bytes 12..15   uint32 M, length of the manifest
 *   M bytes        UTF-8 JSON manifest ({@link PackedManifest}), padded with spaces so that 16 + M is a multiple of 8
 *   P bytes        the weights section, P = manifest "payloadBytes", CRC-32 = manifest "payloadCrc32"; the file ends here
 * </pre>
 * Each manifest tensor names its place in the weights section ({@code offset}, {@code bytes}). {@code float32}
 * tensors are little-endian IEEE 754 values, row-major: biases, batch-norm gamma, beta and running statistics,
 * GroupNorm parameters, the head's level scales, float conv weights, activation-quantizer steps and the scales of
 * packed weights; they come first. A quantized conv weight is {@code int<b>}: its integer codes, row-major over
 * {@code [out, in, k, k]}, packed at b bits ({@link PackedCodes}), with a float32 scale tensor of 1 (per tensor) or
 * {@code out} (per output channel) values; the weight is {@code float32(code) * scale[i / (count / scales)]}, one
 * float32 multiplication. A file's size is therefore {@code mqat size}'s quantized bytes for the same plan, plus the
 * manifest, plus the batch-norm running statistics and activation steps that size accounting does not count
 * ({@link ExportReport#uncountedBytes()}).
 *
 * <p>Reading checks everything that can be checked before use: magic, version, lengths (a truncated file is named as
 * such), the CRC-32 of the weights, each tensor's dtype, shape, extent and codes, and that the tensors are exactly
 * the parameters of the network the manifest describes; any failure is a {@link MqatFormatException} naming the
 * file and what is wrong.
 *
 * <p>Loading builds the network from the manifest's {@link ModelConfig}, sets every weight to its dequantized value
 * (no weight quantizer is attached: the stored levels are the weights), attaches the activation quantizers with
 * their stored steps, and loads everything else as stored, so the raw outputs equal those of the exported network bit
 * for bit on the same engine and device.
 */
public final class PackedModel implements ModelSource {
    /** Value of the manifest's {@code format} key. */
    public static final String FORMAT = "mqat-packed";
    /** The format version this build writes and the newest it reads. */
    public static final int VERSION = 1;
    /** The first 8 bytes of every packed file. */
    static final byte[] MAGIC = "MQATPACK".getBytes(StandardCharsets.US_ASCII);
    /** Magic, version and manifest length. */
    static final int HEADER_BYTES = 16;
    /** Largest manifest this reader accepts, bytes. */
    private static final int MAX_MANIFEST_BYTES = 1 << 26;

    static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private final Path file;
    private final long fileBytes;
    private final long manifestBytes;
    private final PackedManifest manifest;
    /** Every tensor by name, packed ones dequantized. */
    private final Map<String, float[]> values;

    private PackedModel(Path file, long fileBytes, long manifestBytes, PackedManifest manifest,
            Map<String, float[]> values) {
        this.file = file;
        this.fileBytes = fileBytes;
        this.manifestBytes = manifestBytes;
        this.manifest = manifest;
        this.values = values;
    }

    /**
     * Reads and checks a packed model file.
     *
     * @throws MqatFormatException naming the file and what is wrong (not a packed file, newer version, truncated,
     *     corrupted, inconsistent with its network)
     * @throws UncheckedIOException carrying the path when the file cannot be read
     */
    public static PackedModel read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (bytes.length < HEADER_BYTES) {
            if (bytes.length >= MAGIC.length && !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
                throw notPacked(file);
            }
            throw MqatFormatException.at(file, "truncated: " + bytes.length + " bytes, shorter than the "
                    + HEADER_BYTES + "-byte header of a packed mqat model");
        }
        ByteBuffer header = ByteBuffer.wrap(bytes, 0, HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[MAGIC.length];
        header.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw notPacked(file);
        }
        int version = header.getInt();
        if (version < 1 || version > VERSION) {
            throw MqatFormatException.at(file, "packed model format version " + Integer.toUnsignedString(version)
                    + "; this build reads versions 1.." + VERSION);
        }
        long manifestLength = Integer.toUnsignedLong(header.getInt());
        if (manifestLength > MAX_MANIFEST_BYTES) {
            throw MqatFormatException.at(file, "corrupted header: manifest length " + manifestLength
                    + " bytes is over the limit of " + MAX_MANIFEST_BYTES);
        }
        if (HEADER_BYTES + manifestLength > bytes.length) {
            throw MqatFormatException.at(file, "truncated: the header announces a manifest of " + manifestLength
                    + " bytes, only " + (bytes.length - HEADER_BYTES) + " follow it");
        }
        PackedManifest manifest;
        try {
            manifest = JSON.readValue(bytes, HEADER_BYTES, (int) manifestLength, PackedManifest.class);
        } catch (IOException | IllegalArgumentException e) {
            throw MqatFormatException.at(file, "the manifest is not valid: " + firstLine(e.getMessage()));
        }
        long start = HEADER_BYTES + manifestLength;
        checkManifest(file, manifest, version);
        long available = bytes.length - start;
        if (available < manifest.payloadBytes()) {
            throw MqatFormatException.at(file, "truncated: the manifest announces " + manifest.payloadBytes()
                    + " bytes of weights, only " + available + " follow it");
        }
        if (available > manifest.payloadBytes()) {
            throw MqatFormatException.at(file, (available - manifest.payloadBytes()) + " bytes follow the "
                    + manifest.payloadBytes() + " bytes of weights the manifest announces");
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, (int) start, (int) manifest.payloadBytes());
        String found = String.format("%08x", crc.getValue());
        if (!found.equals(manifest.payloadCrc32())) {
            throw MqatFormatException.at(file, "the weights are corrupted: their CRC-32 is " + found
                    + ", the manifest says " + manifest.payloadCrc32());
        }
        Map<String, float[]> values = decode(file, manifest, bytes, (int) start);
        checkAgainstNetwork(file, manifest, values);
        return new PackedModel(file, bytes.length, start, manifest, values);
    }

    private static MqatFormatException notPacked(Path file) {
        return MqatFormatException.at(file, "not a packed mqat model (expected the bytes MQATPACK at the start)");
    }

    private static String firstLine(String message) {
        return String.valueOf(message).split("\n")[0];
    }

    private static void checkManifest(Path file, PackedManifest m, int headerVersion) {
        if (!FORMAT.equals(m.format())) {
            throw MqatFormatException.at(file, "manifest 'format' is '" + m.format() + "', expected '" + FORMAT + "'");
        }
        if (m.version() != headerVersion) {
            throw MqatFormatException.at(file, "manifest 'version' " + m.version() + " differs from the header's "
                    + headerVersion);
        }
        Object[][] required = {{"model", m.model()}, {"objects", m.objects()}, {"decoder", m.decoder()},
            {"pnp", m.pnp()}, {"depthCorrection", m.depthCorrection()}, {"data", m.data()}, {"input", m.input()},
            {"plan", m.plan()}, {"layers", m.layers()}, {"tensors", m.tensors()}, {"payloadCrc32", m.payloadCrc32()}};
        for (Object[] r : required) {
            if (r[1] == null) {
                throw MqatFormatException.at(file, "the manifest has no '" + r[0] + "' key");
            }
        }
        if (m.objects().size() != m.model().numClasses()) {
            throw MqatFormatException.at(file, "the manifest lists " + m.objects().size() + " objects for a network of "
                    + m.model().numClasses() + " classes");
        }
        if (m.payloadBytes() < 0 || m.payloadBytes() > Integer.MAX_VALUE) {
            throw MqatFormatException.at(file, "manifest 'payloadBytes' " + m.payloadBytes() + " is out of range");
        }
        try {
            BitPlan.parse(m.plan());
            if (m.quantizer() != null) {
                QuantizerKind.parse(m.quantizer());
            }
        } catch (IllegalArgumentException e) {
            throw MqatFormatException.at(file, "manifest: " + e.getMessage());
        }
    }

    /** Every tensor as floats: float32 ones as stored, packed ones dequantized with their scales. */
    private static Map<String, float[]> decode(Path file, PackedManifest m, byte[] bytes, int start) {
        Map<String, float[]> out = new LinkedHashMap<>();
        List<PackedManifest.Tensor> packed = new ArrayList<>();
        for (PackedManifest.Tensor t : m.tensors()) {
            if (t == null) {
                throw MqatFormatException.at(file, "the manifest's 'tensors' holds a null entry");
            }
            String at = "tensor " + t.name() + ": ";
            if (t.name() == null || t.shape() == null || t.dtype() == null) {
                throw MqatFormatException.at(file, "a manifest tensor lacks 'name', 'dtype' or 'shape': " + t.name());
            }
            if (out.containsKey(t.name()) || packed.stream().anyMatch(p -> p.name().equals(t.name()))) {
                throw MqatFormatException.at(file, at + "listed twice in the manifest");
            }
            long count;
            try {
                for (long d : t.shape()) {
                    if (d <= 0) {
                        throw new IllegalArgumentException("dimensions must be positive");
                    }
                }
                count = t.count();
                if (count > Integer.MAX_VALUE - 8) {
                    throw new IllegalArgumentException("too many values");
                }
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw MqatFormatException.at(file, at + "bad shape " + Arrays.toString(t.shape()));
            }
            int bits = t.bits();
            if (bits == 0) {
                throw MqatFormatException.at(file, at + "dtype '" + t.dtype() + "' is not one of float32, int1 .. int8");
            }
            long expected = bits == 32 ? 4 * count : PackedCodes.byteCount(count, bits);
            if (t.bytes() != expected) {
                throw MqatFormatException.at(file, at + t.bytes() + " bytes, but " + count + " values of " + t.dtype()
                        + " take " + expected);
            }
            if (t.offset() < 0 || t.offset() > m.payloadBytes() - t.bytes()) {
                throw MqatFormatException.at(file, at + "bytes " + t.offset() + ".." + (t.offset() + t.bytes())
                        + " lie outside the " + m.payloadBytes() + " bytes of weights");
            }
            if (bits == 32) {
                float[] v = new float[(int) count];
                ByteBuffer.wrap(bytes, start + (int) t.offset(), (int) t.bytes()).order(ByteOrder.LITTLE_ENDIAN)
                        .asFloatBuffer().get(v);
                out.put(t.name(), v);
            } else {
                packed.add(t);
            }
        }
        for (PackedManifest.Tensor t : packed) {
            String at = "tensor " + t.name() + ": ";
            float[] scales = t.scale() == null ? null : out.get(t.scale());
            long count = t.count();
            if (scales == null) {
                throw MqatFormatException.at(file, at + "its scale tensor '" + t.scale() + "' is not a float32 tensor of "
                        + "the file");
            }
            if (scales.length != 1 && scales.length != t.shape()[0]) {
                throw MqatFormatException.at(file, at + scales.length + " scales for " + t.shape()[0]
                        + " output channels; expected 1 or " + t.shape()[0]);
            }
            int[] codes;
            try {
                codes = PackedCodes.unpack(bytes, start + (int) t.offset(), (int) count, t.bits());
            } catch (IllegalArgumentException e) {
                throw MqatFormatException.at(file, at + e.getMessage());
            }
            out.put(t.name(), dequantize(codes, scales));
        }
        return out;
    }

    /** {@code float32(code) * scale} per weight, row-major with the output channel on axis 0. */
    static float[] dequantize(int[] codes, float[] scales) {
        int per = codes.length / scales.length;
        float[] w = new float[codes.length];
        for (int i = 0; i < codes.length; i++) {
            w[i] = codes[i] * scales[i / per];
        }
        return w;
    }

    /**
     * Checks the layers and tensors against the network the manifest's config builds (shapes only, nothing is
     * allocated): every conv listed with its shape and bits, every parameter present with its shape, nothing else.
     */
    private static void checkAgainstNetwork(Path file, PackedManifest m, Map<String, float[]> values) {
        PoseNet net = PoseNet.build(m.model());
        Map<String, PackedManifest.Tensor> tensors = new HashMap<>();
        m.tensors().forEach(t -> tensors.put(t.name(), t));
        if (m.layers().size() != net.layers().size()) {
            throw MqatFormatException.at(file, "the manifest lists " + m.layers().size() + " layers, the network "
                    + m.model().arch().key() + " has " + net.layers().size());
        }
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < net.layers().size(); i++) {
            PoseConv2d conv = net.layers().get(i);
            PackedManifest.Layer l = m.layers().get(i);
            if (l == null) {
                throw MqatFormatException.at(file, "the manifest's 'layers' holds a null entry at " + i);
            }
            String at = "layer " + l.name() + ": ";
            if (!conv.name().equals(l.name())) {
                throw MqatFormatException.at(file, "layer " + i + " is '" + l.name() + "', the network's is '"
                        + conv.name() + "'");
            }
            PackedManifest.Tensor w = tensors.get(conv.name() + ".weight");
            int bits = w == null ? 0 : w.bits();
            if (bits != l.bits() || (bits != 32 && (bits < 1 || bits > 8))) {
                throw MqatFormatException.at(file, at + "declared " + l.bits() + " bits, its weight tensor is "
                        + (w == null ? "missing" : w.dtype()));
            }
            if (bits != 32) {
                if (m.quantizer() == null) {
                    throw MqatFormatException.at(file, at + bits + " bits, but the manifest has no 'quantizer' key");
                }
                expected.add(w.scale());
            }
            if (l.activation() != null) {
                PackedManifest.Activation a = l.activation();
                try {
                    conv.setInputQuantizer(new UniformActivationQuantizer(activationSpec(a)));
                } catch (IllegalArgumentException e) {
                    throw MqatFormatException.at(file, at + "activation: " + e.getMessage());
                }
                String state = conv.name() + ".input_quantizer." + conv.inputQuantizer().get().getDirectParameters()
                        .keys().get(0);
                if (!state.equals(a.state())) {
                    throw MqatFormatException.at(file, at + "activation state is '" + a.state() + "', expected '"
                            + state + "' for method " + a.method());
                }
            }
        }
        for (Map.Entry<String, Parameter> e : net.namedParameters().entrySet()) {
            String name = e.getKey();
            if (name.contains(".weight_quantizer.")) {
                continue;
            }
            PackedManifest.Tensor t = tensors.get(name);
            if (t == null) {
                throw MqatFormatException.at(file, "tensor " + name + " of the network " + m.model().arch().key()
                        + " is missing");
            }
            long[] shape = e.getValue().getShape().getShape();
            if (!Arrays.equals(shape, t.shape())) {
                throw MqatFormatException.at(file, "tensor " + name + " has shape " + Arrays.toString(t.shape())
                        + ", the network expects " + Arrays.toString(shape));
            }
            expected.add(name);
        }
        for (String name : values.keySet()) {
            if (!expected.contains(name)) {
                throw MqatFormatException.at(file, "tensor " + name + " is not a parameter of the network "
                        + m.model().arch().key() + " nor a scale of one");
            }
        }
    }

    private static ActivationQuantSpec activationSpec(PackedManifest.Activation a) {
        ActivationQuantMethod method;
        try {
            method = ActivationQuantMethod.valueOf(String.valueOf(a.method()).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("method '" + a.method() + "' is not one of lsq, running_min_max");
        }
        return new ActivationQuantSpec(a.bits(), method);
    }

    /** The manifest. */
    public PackedManifest manifest() {
        return manifest;
    }

    /** Length of the file, bytes. */
    public long fileBytes() {
        return fileBytes;
    }

    /** Bytes before the weights: header and manifest. */
    public long manifestBytes() {
        return manifestBytes;
    }

    @Override
    public Path location() {
        return file;
    }

    @Override
    public ModelConfig model() {
        return manifest.model();
    }

    @Override
    public List<RunObject> objects() {
        return manifest.objects();
    }

    @Override
    public DecoderConfig decoder() {
        return manifest.decoder();
    }

    @Override
    public PnpConfig pnp() {
        return manifest.pnp();
    }

    @Override
    public DepthCorrection depthCorrection() {
        return manifest.depthCorrection();
    }

    @Override
    public String data() {
        return manifest.data();
    }

    /** {@code auto}: the device is a choice of the machine that runs the file, not part of the model. */
    @Override
    public DeviceChoice device() {
        return DeviceChoice.AUTO;
    }

    @Override
    public PoseNet load(NDManager manager) {
        PoseNet net = PoseNet.create(manifest.model(), manager);
        for (PackedManifest.Layer l : manifest.layers()) {
            if (l.activation() != null) {
                net.layer(l.name()).setInputQuantizer(new UniformActivationQuantizer(activationSpec(l.activation())));
            }
        }
        for (Map.Entry<String, Parameter> e : net.namedParameters().entrySet()) {
            e.getValue().getArray().set(values.get(e.getKey()));
        }
        return net;
    }

    /** Beside the file: {@code w.mqat} gives {@code w-predictions-test.csv}, {@code w-metrics-test.json}. */
    @Override
    public Path output(String name) {
        String base = file.getFileName().toString();
        int dot = base.lastIndexOf('.');
        return file.resolveSibling((dot > 0 ? base.substring(0, dot) : base) + "-" + name);
    }

    /** Per conv as {@code mqat model inspect} shows a run: every stored weight is on its grid (fraction 1). */
    @Override
    public QuantizedCheckpoints.Inspection inspect() {
        QuantizerKind kind = manifest.quantizer() == null ? null : QuantizerKind.parse(manifest.quantizer());
        Map<String, PackedManifest.Tensor> tensors = new HashMap<>();
        manifest.tensors().forEach(t -> tensors.put(t.name(), t));
        List<LayerInspection> layers = new ArrayList<>();
        for (PackedManifest.Layer l : manifest.layers()) {
            boolean quantized = l.bits() != BitPlan.FLOAT_BITS;
            List<Float> scales = new ArrayList<>();
            if (quantized) {
                for (float s : values.get(tensors.get(l.name() + ".weight").scale())) {
                    scales.add(s);
                }
            }
            layers.add(new LayerInspection(l.name(), l.module(), l.bits(), quantized ? kind : null, scales,
                    Quantization.distinctCount(values.get(l.name() + ".weight")), quantized ? 1.0 : 0.0));
        }
        return new QuantizedCheckpoints.Inspection(BitPlan.parse(manifest.plan()).toString(), layers);
    }
}
