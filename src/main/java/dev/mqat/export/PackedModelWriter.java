package dev.mqat.export;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.mqat.AtomicFiles;
import dev.mqat.data.BatchLoader;
import dev.mqat.eval.DepthCorrection;
import dev.mqat.model.PoseConv2d;
import dev.mqat.model.PoseNet;
import dev.mqat.quant.BitPlan;
import dev.mqat.quant.Granularity;
import dev.mqat.quant.Levels;
import dev.mqat.quant.QuantSetup;
import dev.mqat.quant.Quantization;
import dev.mqat.quant.SizeAccounting;
import dev.mqat.quant.SizeReport;
import dev.mqat.quant.UniformActivationQuantizer;
import dev.mqat.quant.UniformWeightQuantizer;
import dev.mqat.run.Provenance;
import dev.mqat.run.QuantizedCheckpoints;
import dev.mqat.run.RunConfig;
import dev.mqat.run.RunEvaluation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * Writes a run's best checkpoint as a packed model file ({@link PackedModel} has the layout).
 *
 * <p>The codes are read from the weights the network actually convolves with (the fake-quantized ones, through
 * {@link PoseConv2d#effectiveWeight}), not re-quantized from the float master weights, and every weight is checked
 * to equal {@code code * scale} in float32 bit for bit before anything is written, so loading the file reproduces
 * the network's outputs exactly. An INQ layer whose schedule has not frozen every weight is refused: its free
 * weights are not on the grid.
 */
final class PackedModelWriter {
    private PackedModelWriter() {}

    /** One tensor before offsets are assigned: its manifest entry (offset 0) and its bytes. */
    private record Chunk(PackedManifest.Tensor tensor, byte[] data) {}

    static ExportReport write(Path runDir, Path out) {
        if (!Files.isRegularFile(RunConfig.file(runDir))) {
            throw new IllegalArgumentException(runDir + " is not a run folder (no config.json)");
        }
        Path checkpoint = RunEvaluation.bestCheckpoint(runDir);
        if (!Files.isRegularFile(checkpoint)) {
            throw new IllegalArgumentException(runDir + " has no checkpoint " + checkpoint);
        }
        RunConfig config = RunConfig.read(runDir);
        DepthCorrection depth = RunEvaluation.depthCorrection(checkpoint);
        List<Chunk> floats = new ArrayList<>();
        List<Chunk> packed = new ArrayList<>();
        List<PackedManifest.Layer> layers = new ArrayList<>();
        BitPlan plan;
        Optional<QuantSetup> setup;
        SizeReport size;
        long uncounted = 0;
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            PoseNet net = QuantizedCheckpoints.load(checkpoint, manager);
            setup = QuantSetup.of(net);
            plan = Quantization.planOf(net);
            size = SizeAccounting.count(Quantization.layerInfos(net), plan,
                    setup.map(QuantSetup::granularity).orElse(Granularity.PER_TENSOR));
            Map<String, PoseConv2d> byWeight = new LinkedHashMap<>();
            for (PoseConv2d conv : net.layers()) {
                byWeight.put(conv.name() + ".weight", conv);
                layers.add(layer(conv));
            }
            for (Map.Entry<String, Parameter> e : net.namedParameters().entrySet()) {
                String name = e.getKey();
                Parameter p = e.getValue();
                if (name.contains(".weight_quantizer.")) {
                    continue; // quantizer state: the scales and codes below replace it
                }
                PoseConv2d conv = byWeight.get(name);
                Optional<UniformWeightQuantizer> q = conv == null ? Optional.empty() : Quantization.quantizerOf(conv);
                if (q.isPresent()) {
                    packWeight(conv, q.get(), floats, packed);
                    continue;
                }
                float[] values = p.getArray().toFloatArray();
                floats.add(new Chunk(new PackedManifest.Tensor(name, "float32", p.getArray().getShape().getShape(), 0,
                        4L * values.length, null), littleEndian(values)));
                if (p.getType() == Parameter.Type.RUNNING_MEAN || p.getType() == Parameter.Type.RUNNING_VAR
                        || name.contains(".input_quantizer.")) {
                    uncounted += 4L * values.length;
                }
            }
        }
        List<PackedManifest.Tensor> tensors = new ArrayList<>();
        List<byte[]> payload = new ArrayList<>();
        long offset = 0;
        CRC32 crc = new CRC32();
        List<Chunk> all = new ArrayList<>(floats);
        all.addAll(packed); // float32 first: with the header padding they start at multiples of 4
        for (Chunk c : all) {
            PackedManifest.Tensor t = c.tensor();
            tensors.add(new PackedManifest.Tensor(t.name(), t.dtype(), t.shape(), offset, c.data().length, t.scale()));
            payload.add(c.data());
            crc.update(c.data());
            offset += c.data().length;
        }
        Map<String, String> source = new LinkedHashMap<>();
        source.put("run", runDir.toString());
        source.put("checkpoint", checkpoint.toString());
        source.put("checkpointSha256", sha256(checkpoint));
        Map<String, String> provenance = new LinkedHashMap<>(Provenance.current());
        provenance.put("exported", provenance.remove("started"));
        PackedManifest manifest = new PackedManifest(PackedModel.FORMAT, PackedModel.VERSION, config.model(),
                config.objects(), config.decoder(), config.pnp(), depth, config.data(),
                new PackedManifest.Input(config.model().inputSizePx(), BatchLoader.MEAN, BatchLoader.STD),
                plan.text(),
                setup.map(s -> s.kind().name().toLowerCase(Locale.ROOT)).orElse(null),
                setup.map(s -> s.granularity().name().toLowerCase(Locale.ROOT)).orElse(null), layers, tensors, offset,
                String.format("%08x", crc.getValue()), source, provenance);
        byte[] json;
        try {
            json = PackedModel.JSON.writeValueAsBytes(manifest);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the manifest of " + out + ": " + e.getMessage(), e);
        }
        int padding = (8 - (PackedModel.HEADER_BYTES + json.length) % 8) % 8;
        int manifestLength = json.length + padding;
        ByteBuffer header = ByteBuffer.allocate(PackedModel.HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        header.put(PackedModel.MAGIC).putInt(PackedModel.VERSION).putInt(manifestLength);
        AtomicFiles.write(out, stream -> {
            stream.write(header.array());
            stream.write(json);
            for (int i = 0; i < padding; i++) {
                stream.write(' ');
            }
            for (byte[] b : payload) {
                stream.write(b);
            }
        });
        long manifestBytes = PackedModel.HEADER_BYTES + (long) manifestLength;
        return new ExportReport(ExportFormat.MQAT, out, manifestBytes + offset, manifest.plan(), manifestBytes,
                size.quantizedBytes(), size.fp32Bytes(), uncounted);
    }

    private static PackedManifest.Layer layer(PoseConv2d conv) {
        PackedManifest.Activation activation = null;
        if (conv.inputQuantizer().isPresent()) {
            if (!(conv.inputQuantizer().get() instanceof UniformActivationQuantizer a)) {
                throw new IllegalStateException("layer " + conv.name() + " has an input quantizer of type "
                        + conv.inputQuantizer().get().getClass().getSimpleName()
                        + "; the packed format stores uniform activation quantizers only");
            }
            String state = null;
            for (String key : conv.inputQuantizer().get().getDirectParameters().keys()) {
                state = conv.name() + ".input_quantizer." + key;
            }
            if (!(Math.abs(a.step()) > 0)) {
                throw new IllegalStateException("layer " + conv.name() + ": its input quantizer has no range yet (step "
                        + a.step() + "); export a run whose quantization stages have trained");
            }
            activation = new PackedManifest.Activation(a.spec().bits(),
                    a.spec().method().name().toLowerCase(Locale.ROOT), state);
        }
        int bits = Quantization.quantizerOf(conv).map(q -> q.spec().bits()).orElse(BitPlan.FLOAT_BITS);
        return new PackedManifest.Layer(conv.name(), conv.module().key(), conv.inChannels(), conv.outChannels(),
                conv.kernelSize(), conv.stride(), conv.bias().isPresent(), bits, activation);
    }

    /** Adds the scales of a quantized conv to {@code floats} and its packed codes to {@code packed}. */
    private static void packWeight(PoseConv2d conv, UniformWeightQuantizer q, List<Chunk> floats, List<Chunk> packed) {
        float[] used;
        try (NDScope scope = new NDScope()) {
            NDArray w = conv.weight().getArray();
            used = conv.effectiveWeight(new ParameterStore(w.getManager(), false), w.getDevice(), false).toFloatArray();
        }
        float[] scales = q.scales();
        int bits = q.spec().bits();
        int qp = Levels.maxCode(bits);
        int per = used.length / scales.length;
        int[] codes = new int[used.length];
        for (int i = 0; i < used.length; i++) {
            float s = scales[i / per];
            int k = (int) Math.rint(used[i] / s);
            boolean onGrid = bits == 1 ? k == 1 || k == -1 : Math.abs(k) <= qp;
            if (!onGrid || Float.floatToIntBits(k * s) != Float.floatToIntBits(used[i])) {
                throw new IllegalStateException("layer " + conv.name() + ": weight " + i + " is " + used[i]
                        + ", not a level of its " + bits + "-bit grid with scale " + s + " (" + q.kind() + ", "
                        + String.format(Locale.ROOT, "%.1f", 100 * q.fractionQuantized())
                        + " % of the weights on the grid); export a checkpoint whose quantization stages finished");
            }
            codes[i] = k;
        }
        String scaleName = conv.name() + ".weight_scale";
        floats.add(new Chunk(new PackedManifest.Tensor(scaleName, "float32", new long[] {scales.length}, 0,
                4L * scales.length, null), littleEndian(scales)));
        byte[] data = PackedCodes.pack(codes, bits);
        packed.add(new Chunk(new PackedManifest.Tensor(conv.name() + ".weight", "int" + bits,
                conv.weightShape().getShape(), 0, data.length, scaleName), data));
    }

    static byte[] littleEndian(float[] values) {
        ByteBuffer buf = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        return buf.array();
    }

    private static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            MessageDigest digest = ((DigestInputStream) in).getMessageDigest();
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this Java runtime", e);
        }
    }
}
