package dev.mqat.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mqat.AtomicFiles;
import dev.mqat.MqatFormatException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Saves and loads a {@link PoseNet}'s parameters by their stable names ({@link PoseNet#namedParameters()}), so that
 * loading into a freshly built network of the same config gives bit-identical outputs.
 *
 * <p><b>Format, version 1</b> (all integers big-endian as {@link DataOutputStream} writes them):
 * <pre>
 *   8 bytes   ASCII "MQATCKPT"
 *   int       format version (1)
 *   int, n    length and UTF-8 bytes of a JSON header: {"model": ModelConfig, "metadata": {string: string}}
 *   int       number of tensors
 *   per tensor: UTF name (DataOutputStream.writeUTF), byte dtype (0 = float32), int rank, rank x long dims,
 *               then the values as little-endian float32, row-major
 * </pre>
 * Every parameter is stored, including batch-norm running statistics and the state of attached quantizers
 * (names {@code <layer>.weight_quantizer.<param>}). Loading requires exactly the same set of names with the same
 * shapes: attach the same quantizers before loading a quantized checkpoint. Files are written atomically.
 * The metadata map carries whatever the caller records (provenance, step, metrics).
 */
public final class ModelCheckpoint {

    /** The format version this class writes and the newest it reads. */
    public static final int VERSION = 1;

    private static final byte[] MAGIC = "MQATCKPT".getBytes(StandardCharsets.US_ASCII);
    private static final byte FLOAT32 = 0;
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * What a checkpoint says about itself.
     *
     * @param version format version found in the file
     * @param model the network config the parameters belong to
     * @param metadata caller-defined key/value pairs
     */
    public record Header(int version, ModelConfig model, Map<String, String> metadata) {
        public Header {
            metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata)); // file order, so re-saving keeps the bytes
        }
    }

    /** JSON shape of the header. */
    private record HeaderJson(ModelConfig model, Map<String, String> metadata) {}

    private ModelCheckpoint() {}

    /** Saves every parameter of an initialised network, without metadata. */
    public static void save(PoseNet net, Path file) {
        save(net, file, Map.of());
    }

    /**
     * Saves every parameter of an initialised network atomically.
     *
     * @throws IllegalStateException if the network has not been initialised
     * @throws UncheckedIOException carrying the path when writing fails
     */
    public static void save(PoseNet net, Path file, Map<String, String> metadata) {
        Map<String, Parameter> params = net.namedParameters();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            if (!e.getValue().isInitialized()) {
                throw new IllegalStateException("cannot save " + file + ": parameter " + e.getKey()
                        + " is not initialised; build the network with PoseNet.create first");
            }
        }
        byte[] header;
        try {
            header = JSON.writeValueAsBytes(new HeaderJson(net.config(), new LinkedHashMap<>(metadata)));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("checkpoint header for " + file + " cannot be written: " + e.getMessage(), e);
        }
        AtomicFiles.write(file, raw -> {
            DataOutputStream out = new DataOutputStream(raw);
            out.write(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(header.length);
            out.write(header);
            out.writeInt(params.size());
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                NDArray a = e.getValue().getArray();
                if (a.getDataType() != DataType.FLOAT32) {
                    throw new IllegalStateException("cannot save " + file + ": parameter " + e.getKey() + " is "
                            + a.getDataType() + ", only float32 is supported");
                }
                out.writeUTF(e.getKey());
                out.writeByte(FLOAT32);
                long[] dims = a.getShape().getShape();
                out.writeInt(dims.length);
                for (long d : dims) {
                    out.writeLong(d);
                }
                float[] values = a.toFloatArray();
                ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                buf.asFloatBuffer().put(values);
                out.write(buf.array());
            }
            out.flush();
        });
    }

    /**
     * Reads only the header.
     *
     * @throws MqatFormatException naming the file when it is not a checkpoint or has a newer version
     */
    public static Header readHeader(Path file) {
        try (DataInputStream in = open(file)) {
            return readHeader(file, in);
        } catch (EOFException e) {
            throw MqatFormatException.at(file, "checkpoint is truncated");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Builds the network the checkpoint describes, initialises it in {@code manager} and loads its parameters.
     * Checkpoints holding quantizer state need {@link #load(PoseNet, Path)} on a network with the quantizers
     * attached.
     */
    public static PoseNet load(Path file, NDManager manager) {
        PoseNet net = PoseNet.create(readHeader(file).model(), manager);
        load(net, file);
        return net;
    }

    /**
     * Loads parameters into an initialised network by name, in place (arrays keep their manager and gradient
     * flags).
     *
     * @return the checkpoint's header
     * @throws MqatFormatException naming the file and the parameter when names, shapes or the config disagree
     */
    public static Header load(PoseNet net, Path file) {
        Map<String, Parameter> params = net.namedParameters();
        try (DataInputStream in = open(file)) {
            Header header = readHeader(file, in);
            if (!header.model().equals(net.config())) {
                throw MqatFormatException.at(file, "checkpoint is for " + header.model() + " but the network is "
                        + net.config());
            }
            int count = in.readInt();
            Set<String> seen = new LinkedHashSet<>();
            for (int i = 0; i < count; i++) {
                String name = in.readUTF();
                byte dtype = in.readByte();
                if (dtype != FLOAT32) {
                    throw MqatFormatException.at(file, "tensor " + name + " has dtype code " + dtype + ", expected 0 (float32)");
                }
                int rank = in.readInt();
                if (rank < 0 || rank > 8) {
                    throw MqatFormatException.at(file, "tensor " + name + " has rank " + rank + ", expected 0..8");
                }
                long[] dims = new long[rank];
                for (int d = 0; d < rank; d++) {
                    dims[d] = in.readLong();
                }
                Parameter p = params.get(name);
                if (p == null) {
                    throw MqatFormatException.at(file, "parameter " + name + " is not in the network " + net.config().arch()
                            + " (attach the same quantizers before loading a quantized checkpoint)");
                }
                Shape expected = p.getArray().getShape();
                if (!Arrays.equals(expected.getShape(), dims)) {
                    throw MqatFormatException.at(file, "parameter " + name + " has shape " + new Shape(dims)
                            + ", the network expects " + expected);
                }
                long n = new Shape(dims).size();
                byte[] bytes = new byte[Math.toIntExact(n * 4)];
                in.readFully(bytes);
                float[] values = new float[(int) n];
                ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
                p.getArray().set(values);
                seen.add(name);
            }
            for (String name : params.keySet()) {
                if (!seen.contains(name)) {
                    throw MqatFormatException.at(file, "parameter " + name + " of the network is missing from the checkpoint");
                }
            }
            return header;
        } catch (EOFException e) {
            throw MqatFormatException.at(file, "checkpoint is truncated");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        return new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
    }

    private static Header readHeader(Path file, DataInputStream in) throws IOException {
        byte[] magic = new byte[MAGIC.length];
        in.readFully(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw MqatFormatException.at(file, "not an mqat checkpoint (expected the bytes MQATCKPT at the start)");
        }
        int version = in.readInt();
        if (version < 1 || version > VERSION) {
            throw MqatFormatException.at(file, "checkpoint format version " + version + "; this build reads versions 1.."
                    + VERSION);
        }
        int len = in.readInt();
        if (len < 0 || len > (1 << 24)) {
            throw MqatFormatException.at(file, "checkpoint header length " + len + " is out of range");
        }
        byte[] json = new byte[len];
        in.readFully(json);
        HeaderJson h;
        try {
            h = JSON.readValue(json, HeaderJson.class);
        } catch (IOException | IllegalArgumentException e) {
            throw MqatFormatException.at(file, "checkpoint header is not valid: " + e.getMessage().replace('\n', ' '));
        }
        if (h.model() == null) {
            throw MqatFormatException.at(file, "checkpoint header has no 'model' key");
        }
        return new Header(version, h.model(), h.metadata() == null ? Map.of() : h.metadata());
    }
}
