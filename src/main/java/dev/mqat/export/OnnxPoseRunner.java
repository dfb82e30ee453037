package dev.mqat.export;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.mqat.MqatFormatException;
import dev.mqat.eval.PoseForward;
import dev.mqat.model.AnchorGrid;
import dev.mqat.model.ModelConfig;
import dev.mqat.run.InferenceSetup;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Runs an exported pose model ({@link OnnxExporter}) with ONNX Runtime for Java (Microsoft's
 * {@code com.microsoft.onnxruntime:onnxruntime}, CPU execution provider) and gives the raw outputs of a batch. As a
 * {@link PoseForward} it plugs into mqat's predictor and evaluation ({@link OnnxEvaluation}).
 *
 * <p>The model's {@link InferenceSetup} is read from its metadata, so the file alone defines the input size, the
 * output cells and how to decode them. A runner owns one ORT session: close it.
 */
public final class OnnxPoseRunner implements PoseForward, AutoCloseable {

    /**
     * Session settings.
     *
     * @param intraOpThreads threads of one operator; 0 lets ONNX Runtime choose (one per physical core)
     * @param optimizedModelFile where ONNX Runtime writes the graph after its optimisations (fusions), or null
     */
    public record Options(int intraOpThreads, Path optimizedModelFile) {
        public Options {
            if (intraOpThreads < 0) {
                throw new IllegalArgumentException("threads must be >= 0 (0 = ONNX Runtime's choice), found " + intraOpThreads);
            }
        }

        /** ONNX Runtime's thread choice, no dump. */
        public static Options defaults() {
            return new Options(0, null);
        }
    }

    /**
     * The raw outputs of one batch, row-major.
     *
     * @param classLogits {@code [batch, cells, classes]}
     * @param cornerOffsets {@code [batch, cells, 16 classes]}
     */
    public record RawOutputs(float[] classLogits, float[] cornerOffsets, int batch, int cells, int classes) {}

    private final Path file;
    private final OrtSession session;
    private final InferenceSetup setup;
    private final int cells;

    private OnnxPoseRunner(Path file, OrtSession session, InferenceSetup setup) {
        this.file = file;
        this.session = session;
        this.setup = setup;
        int s = setup.model().inputSizePx();
        this.cells = AnchorGrid.of(setup.model(), s, s).cellCount();
    }

    /** Opens a model with ONNX Runtime's defaults. */
    public static OnnxPoseRunner open(Path model) {
        return open(model, Options.defaults());
    }

    /**
     * Opens a model written by {@link OnnxExporter}.
     *
     * @throws MqatFormatException naming the file when ONNX Runtime rejects it or its mqat metadata is missing,
     *     of another format version, or malformed
     */
    public static OnnxPoseRunner open(Path model, Options options) {
        if (!Files.isRegularFile(model)) {
            throw new IllegalArgumentException("ONNX model not found: " + model);
        }
        OrtSession session = null;
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            if (options.intraOpThreads() > 0) {
                so.setIntraOpNumThreads(options.intraOpThreads());
            }
            so.setInterOpNumThreads(1);
            if (options.optimizedModelFile() != null) {
                so.setOptimizedModelFilePath(options.optimizedModelFile().toString());
            }
            session = OrtEnvironment.getEnvironment().createSession(model.toString(), so);
            Map<String, String> meta = session.getMetadata().getCustomMetadata();
            String format = meta.get(OnnxExporter.FORMAT_KEY);
            if (!OnnxExporter.FORMAT.equals(format)) {
                throw MqatFormatException.at(model, "metadata " + OnnxExporter.FORMAT_KEY + " is '" + format
                        + "'; this mqat reads '" + OnnxExporter.FORMAT + "' (models written by 'mqat export --format onnx')");
            }
            String json = meta.get(OnnxExporter.SETUP_KEY);
            if (json == null) {
                throw MqatFormatException.at(model, "metadata " + OnnxExporter.SETUP_KEY + " is missing");
            }
            InferenceSetup setup;
            try {
                setup = InferenceSetup.fromJson(json);
            } catch (IllegalArgumentException e) {
                throw MqatFormatException.at(model, "metadata " + OnnxExporter.SETUP_KEY + ": " + e.getMessage());
            }
            OnnxPoseRunner runner = new OnnxPoseRunner(model, session, setup);
            session = null;
            return runner;
        } catch (OrtException e) {
            throw MqatFormatException.at(model, "ONNX Runtime: " + firstLine(e.getMessage()));
        } finally {
            if (session != null) {
                closeQuietly(session);
            }
        }
    }

    /** The setup the model carries: shape, objects, decoder, PnP and depth correction. */
    public InferenceSetup setup() {
        return setup;
    }

    /** The metadata entries of the model ({@link OnnxExporter#FORMAT_KEY}, ...). */
    public Map<String, String> metadata() {
        try {
            return session.getMetadata().getCustomMetadata();
        } catch (OrtException e) {
            throw new IllegalStateException(file + ": ONNX Runtime: " + firstLine(e.getMessage()), e);
        }
    }

    /** The quantization summary JSON of a quantized model. */
    public Optional<String> quantization() {
        return Optional.ofNullable(metadata().get(OnnxExporter.QUANTIZATION_KEY));
    }

    @Override
    public ModelConfig config() {
        return setup.model();
    }

    /**
     * Runs a batch.
     *
     * @param images {@code [batch, 3, S, S]} normalised pixels, row-major (not modified)
     */
    public RawOutputs run(float[] images, int batch) {
        int s = setup.model().inputSizePx();
        long expected = (long) batch * 3 * s * s;
        if (batch < 1 || images.length != expected) {
            throw new IllegalArgumentException("ONNX pose model " + file.getFileName() + ": expected " + expected
                    + " values for " + batch + " images of 3x" + s + "x" + s + ", found " + images.length);
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(images), new long[] {batch, 3, s, s});
                OrtSession.Result result = session.run(Map.of(OnnxExporter.INPUT, input))) {
            float[] logits = floats(result, OnnxExporter.LOGITS);
            float[] offsets = floats(result, OnnxExporter.OFFSETS);
            return new RawOutputs(logits, offsets, batch, cells, setup.model().numClasses());
        } catch (OrtException e) {
            throw new IllegalStateException(file + ": ONNX Runtime: " + firstLine(e.getMessage()), e);
        }
    }

    private static float[] floats(OrtSession.Result result, String name) throws OrtException {
        OnnxValue v = result.get(name).orElseThrow(() -> new IllegalStateException("output " + name + " is missing"));
        FloatBuffer b = ((OnnxTensor) v).getFloatBuffer();
        float[] out = new float[b.remaining()];
        b.get(out);
        return out;
    }

    /** {@link #run} on a DJL array; the outputs are attached to the manager of {@code images}. */
    @Override
    public NDList forward(NDArray images) {
        int n = Math.toIntExact(images.getShape().get(0));
        RawOutputs r = run(images.toFloatArray(), n);
        NDManager m = images.getManager();
        int c = r.classes();
        return new NDList(m.create(r.classLogits(), new Shape(n, cells, c)),
                m.create(r.cornerOffsets(), new Shape(n, cells, 16L * c)));
    }

    @Override
    public void close() {
        closeQuietly(session);
    }

    private static void closeQuietly(OrtSession s) {
        try {
            s.close();
        } catch (OrtException e) {
            // closing releases native memory; there is nothing a caller could do about a failure here
        }
    }

    private static String firstLine(String message) {
        return message == null ? "(no message)" : message.split("\n")[0];
    }
}
