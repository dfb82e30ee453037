package dev.mqat.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mqat.geometry.Mesh;
import dev.mqat.geometry.PlyFormat;
import dev.mqat.Progress;
import dev.mqat.synth.CubeSatModel;
import dev.mqat.synth.DepthSampling;
import dev.mqat.synth.SplitFractions;
import dev.mqat.synth.SynthConfig;
import dev.mqat.synth.SynthSummary;
import dev.mqat.synth.Synthesizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** Writes a synthetic BOP dataset (the embedded CubeSat-like default, or any PLY mesh). */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = {
            "Render a synthetic BOP dataset of one object. The object is the embedded CubeSat-like satellite (diameter 178.6 mm) "
                    + "or --mesh FILE.ply, in all orientations over a wide depth range (object diameter 60 px down to "
                    + "7 px at 128 px, farthest/nearest depth 8.6), sun plus ambient light, stars and sometimes a "
                    + "planet limb. Writes models/, models_info.json, train/val/test scenes (rgb, mask_visib, "
                    + "scene_camera/gt/gt_info JSON), training.txt/validation.txt/testing.txt and synth.json.",
            "The same --seed gives byte-identical files whatever --workers is."})
final class SynthCommand implements Runnable {
    /** Image side written unless --input-size says otherwise: the default {@code wdr-cpu} input. */
    private static final int DEFAULT_SIZE_PX = 128;

    @Mixin
    CommonOptions common;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (must be new or empty).")
    Path out;

    @Option(names = "--mesh", paramLabel = "FILE.ply",
            description = "Object mesh in mm (ASCII or binary PLY; vertex colours optional, grey without). Default: the embedded satellite.")
    Path mesh;

    @Option(names = "--images", paramLabel = "N", defaultValue = "" + SynthConfig.DEFAULT_IMAGES,
            description = "Images over all splits (default: ${DEFAULT-VALUE}, i.e. 20240/880/880 with the default split).")
    int images;

    @Option(names = "--input-size", paramLabel = "PX", description = SharedOptions.INPUT_SIZE)
    Integer sizePx;


    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = SharedOptions.SEED)
    long seed;

    @Option(names = "--split-fractions", paramLabel = "train=F,val=F,test=F", defaultValue = "train=0.92,val=0.04,test=0.04",
            converter = SplitConverter.class, description = "Split fractions, summing to 1 (default: ${DEFAULT-VALUE}).")
    SplitFractions split;


    @Option(names = "--depth-sampling", paramLabel = "uniform|log-uniform", defaultValue = "uniform",
            converter = DepthSamplingConverter.class,
            description = "Depth distribution: uniform in depth (default; equal images per near/medium/far bin) or uniform in log depth.")
    DepthSampling depthSampling;

    @Option(names = "--workers", paramLabel = "T", description = SharedOptions.WORKERS)
    Integer threads;


    @Option(names = "--json", description = SharedOptions.JSON)
    boolean json;

    static final class SplitConverter implements ITypeConverter<SplitFractions> {
        @Override
        public SplitFractions convert(String value) {
            try {
                return SplitFractions.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class DepthSamplingConverter implements ITypeConverter<DepthSampling> {
        @Override
        public DepthSampling convert(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "uniform" -> DepthSampling.UNIFORM;
                case "log-uniform", "log_uniform", "log" -> DepthSampling.LOG_UNIFORM;
                default -> throw new TypeConversionException("\"" + value + "\" is not a depth sampling; expected uniform or log-uniform");
            };
        }
    }

    @Override
    public void run() {
        int threadCount = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (threadCount < 1) {
            throw new UsageException("--workers must be >= 1, found " + threadCount);
        }
        SynthConfig config;
        try {
            config = SynthConfig.defaults().withImageCount(images).withSizePx(sizePx == null ? DEFAULT_SIZE_PX : sizePx).withSeed(seed).withSplit(split)
                    .withDepthSampling(depthSampling);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (mesh != null && !Files.isRegularFile(mesh)) {
            throw new UsageException("--mesh: file not found: " + mesh);
        }
        if (Files.exists(out) && (!Files.isDirectory(out) || !isEmptyDirectory(out))) {
            throw new UsageException("--out: " + out + " exists and is not an empty folder; choose a new folder");
        }
        Mesh object = mesh == null ? CubeSatModel.mesh() : PlyFormat.read(mesh);
        String objectName = mesh == null ? Synthesizer.EMBEDDED_OBJECT_NAME : Synthesizer.fileObjectName(mesh);
        SynthSummary s = Synthesizer.generate(object, objectName, config, out, threadCount, progressPrinter(config));
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("out", out.toString());
            m.put("images", s.totalImages());
            m.put("train", s.trainImages());
            m.put("val", s.valImages());
            m.put("test", s.testImages());
            m.put("size_px", s.scene().sizePx());
            m.put("focal_px", s.scene().focalPx());
            m.put("depth_mm", new double[] {s.scene().nearestDepthMm(), s.scene().farthestDepthMm()});
            m.put("diameter_mm", s.diameterMm());
            m.put("seconds", s.seconds());
            m.put("images_per_second", s.imagesPerSecond());
            try {
                System.out.println(new ObjectMapper().writeValueAsString(m));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            System.out.printf(Locale.ROOT, "wrote %d images (train %d, val %d, test %d) of %d px to %s in %.1f s (%.0f images/s)%n",
                    s.totalImages(), s.trainImages(), s.valImages(), s.testImages(), s.scene().sizePx(), out, s.seconds(),
                    s.imagesPerSecond());
            System.out.printf(Locale.ROOT, "object diameter %.2f mm; camera f %.1f px; depth %.0f-%.0f mm (%s)%n", s.diameterMm(),
                    s.scene().focalPx(), s.scene().nearestDepthMm(), s.scene().farthestDepthMm(),
                    s.scene().depthSampling().name().toLowerCase(Locale.ROOT));
        }
    }

    private static boolean isEmptyDirectory(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The progress lines of writing a dataset, as every long job prints them ({@link Progress}). */
    static Synthesizer.Progress progressPrinter(SynthConfig config) {
        Progress line = new Progress("synth", config.imageCount(), "img");
        return (done, total, seconds) -> line.update(done, "");
    }
}
