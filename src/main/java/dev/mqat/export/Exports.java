package dev.mqat.export;

import dev.mqat.quant.BitPlan;
import dev.mqat.quant.Granularity;
import dev.mqat.quant.Quantization;
import dev.mqat.quant.SizeReport;
import dev.mqat.run.QuantizedCheckpoints;
import dev.mqat.run.RunConfig;
import java.nio.file.Path;

/** Entry point of the export package: writes a run's best checkpoint in one of the {@link ExportFormat}s. */
public final class Exports {
    private Exports() {}

    /**
     * Exports the best checkpoint of a run folder (float, quantized or searched) to {@code out}, written atomically.
     *
     * @throws IllegalArgumentException naming the run when it is not a run folder or has no checkpoint
     * @throws IllegalStateException naming the layer when the network cannot be stored exactly in the format
     * @throws dev.mqat.MqatFormatException naming the file when the run's config or checkpoint is malformed
     */
    public static ExportReport write(ExportFormat format, Path runDir, Path out) {
        return switch (format) {
            case MQAT -> PackedModelWriter.write(runDir, out);
            case ONNX -> onnx(runDir, out);
        };
    }

    /** The ONNX export with the size {@code mqat size} counts for the run's network and plan, to compare. */
    private static ExportReport onnx(Path runDir, Path out) {
        OnnxExporter.Result r = OnnxExporter.export(runDir, out, OnnxOptions.defaults());
        RunConfig config = RunConfig.read(runDir);
        String found = QuantizedCheckpoints.inspect(runDir).plan();
        BitPlan plan = found.isEmpty() ? BitPlan.fullPrecision() : BitPlan.parse(found);
        SizeReport size = Quantization.size(config.model(), plan, config.quantization() == null
                ? Granularity.PER_TENSOR : config.quantization().granularity());
        return new ExportReport(ExportFormat.ONNX, r.file(), r.bytes(), plan.text(), 0, size.quantizedBytes(),
                size.fp32Bytes(), Math.max(0, r.bytes() - size.quantizedBytes()));
    }
}
