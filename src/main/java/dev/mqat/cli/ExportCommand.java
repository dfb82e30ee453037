package dev.mqat.cli;

import dev.mqat.export.ExportFormat;
import dev.mqat.export.ExportReport;
import dev.mqat.export.Exports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Exports a run's network for deployment. */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Export a run's best checkpoint (float, quantized or searched) to one file.",
            "--format mqat: the packed integer model, a JSON manifest (network, objects, decoder and depth "
                    + "correction, plan, bits, quantizer, activation steps) followed by the weights, quantized ones "
                    + "bit-packed at their width (2-bit ternary in 2 bits, 4-bit in 4, 8-bit in 8) with fp32 scales, "
                    + "the rest fp32. 'mqat eval', 'predict' and 'model inspect' take the file as --model and "
                    + "reproduce the run's outputs exactly. Layout: docs/export-format.md.",
            "Prints the file's size beside 'mqat size --model RUN''s quantized bytes; the difference is the manifest "
                    + "and the batch-norm running statistics, which size accounting does not count."})
final class ExportCommand implements Runnable {
    @Mixin
    CommonOptions common;

    @Option(names = "--model", required = true, paramLabel = "RUN", description = SharedOptions.MODEL)
    Path run;

    @Option(names = "--format", required = true, paramLabel = "FORMAT", converter = FormatConverter.class,
            description = "Output format: mqat (packed integer model) or onnx (ONNX opset 21 with integer weights and QDQ; "
                    + "docs/export-onnx.md).")
    ExportFormat format;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "File to write (replaced atomically).")
    Path out;

    @Option(names = "--json", description = SharedOptions.JSON)
    boolean json;

    /** What {@code export --json} prints (see {@link ExportReport} for each size). */
    record Exported(String file, String format, long bytes, String plan, long manifestBytes, long quantizedBytes,
            long uncountedBytes, long fp32Bytes) {}

    /** Parses {@code --format} case-insensitively, naming the choices when the value is none of them. */
    static final class FormatConverter implements ITypeConverter<ExportFormat> {
        @Override
        public ExportFormat convert(String value) {
            return ExportFormat.parse(value);
        }
    }

    @Override
    public void run() {
        if (Files.isDirectory(out)) {
            throw new UsageException("--out: " + out + " is a folder; give a file name such as " + out.resolve("model.mqat"));
        }
        ExportReport r;
        try {
            r = Exports.write(format, run, out);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--model: " + e.getMessage());
        }
        if (json) {
            JsonOutput.print(new Exported(r.file().toString(), r.format().key(), r.bytes(), r.plan(), r.manifestBytes(),
                    r.quantizedBytes(), r.uncountedBytes(), r.fp32Bytes()));
            return;
        }
        System.out.printf(Locale.ROOT, "wrote %s (%s, plan %s): %,d bytes%n", r.file(), r.format().key(), r.plan(), r.bytes());
        System.out.printf(Locale.ROOT, "  %,12d  quantized bytes of 'mqat size'%n", r.quantizedBytes());
        if (r.format() == ExportFormat.ONNX) {
            System.out.printf(Locale.ROOT, "  %,12d  graph, names, metadata and batch-norm statistics (not counted by 'mqat size')%n",
                    r.uncountedBytes());
        } else {
            System.out.printf(Locale.ROOT, "  %,12d  batch-norm running statistics and activation steps (not counted by 'mqat size')%n",
                    r.uncountedBytes());
            System.out.printf(Locale.ROOT, "  %,12d  header and manifest%n", r.manifestBytes());
        }
        System.out.printf(Locale.ROOT, "fp32 size %,d bytes, %.2fx the file%n", r.fp32Bytes(), (double) r.fp32Bytes() / r.bytes());
    }
}
