package dev.mqat.export;

import java.nio.file.Path;

/**
 * What an export wrote, with the size {@code mqat size} gives for the same network and plan, to compare.
 *
 * @param format the format written
 * @param file the file written
 * @param bytes its length, bytes
 * @param plan the exported network's bit plan, long form ({@code fp} for a float network)
 * @param manifestBytes packed format: bytes before the weights, the 16-byte header and the JSON manifest (padded to a
 *     multiple of 8); ONNX: 0 (its graph, names and metadata are part of {@code uncountedBytes})
 * @param quantizedBytes {@code mqat size}'s quantized bytes of the network under {@code plan} and the run's scale
 *     granularity
 * @param fp32Bytes {@code mqat size}'s fp32 bytes of the network
 * @param uncountedBytes bytes the file stores that {@code mqat size} does not count: batch-norm running means and
 *     variances (needed to reproduce the outputs; size accounting leaves them out) and the steps of activation
 *     quantizers, 4 bytes each; for ONNX every byte beyond {@code quantizedBytes} (graph, names, metadata too)
 */
public record ExportReport(ExportFormat format, Path file, long bytes, String plan, long manifestBytes,
        long quantizedBytes, long fp32Bytes, long uncountedBytes) {}
