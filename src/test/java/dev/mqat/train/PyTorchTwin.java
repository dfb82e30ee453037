package dev.mqat.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The PyTorch twin of the {@code wdr-cpu} training step ({@code bench/wdr_cpu_step.py} in the test resources), run
 * by Debian's python3-torch as the peer of the Java step in the step benchmarks. Benchmarks that need it are skipped
 * where {@value #PYTHON} cannot import torch.
 */
final class PyTorchTwin {
    static final String PYTHON = "/usr/bin/python3";

    private final Path script;

    private PyTorchTwin(Path script) {
        this.script = script;
    }

    /** Writes the script into {@code dir}; skips the calling test when {@value #PYTHON} has no torch. */
    static PyTorchTwin in(Path dir) throws IOException, InterruptedException {
        boolean ok;
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import torch").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            ok = p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            ok = false;
        }
        Assumptions.assumeTrue(ok, "skipped: " + PYTHON + " with torch is not available (apt-get install python3-torch)");
        Path script = dir.resolve("wdr_cpu_step.py");
        try (InputStream in = PyTorchTwin.class.getResourceAsStream("/bench/wdr_cpu_step.py")) {
            if (in == null) {
                throw new IllegalStateException("test resource bench/wdr_cpu_step.py is missing");
            }
            Files.write(script, in.readAllBytes());
        }
        return new PyTorchTwin(script);
    }

    /**
     * Runs {@code warmup + steps} steps in a new Python process and returns its RESULT object (median_ms,
     * median_cpu_ms, phases, params, output shapes).
     *
     * @param quant none, lsq or ste: every conv weight fake-quantized at 8 bits per layer
     */
    JsonNode run(int batch, int px, int steps, int warmup, int threads, String quant)
            throws IOException, InterruptedException {
        return run(batch, px, steps, warmup, threads, quant, null);
    }

    /** As {@link #run(int, int, int, int, int, String)}, then {@code steps} more steps profiled into {@code trace}. */
    JsonNode run(int batch, int px, int steps, int warmup, int threads, String quant, Path trace)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(PYTHON, script.toString(), "--batch", Integer.toString(batch),
                "--size", Integer.toString(px), "--steps", Integer.toString(steps), "--warmup", Integer.toString(warmup),
                "--threads", Integer.toString(threads), "--quant", quant));
        if (trace != null) {
            command.addAll(List.of("--trace", trace.toString()));
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException(script + " failed: " + out);
        }
        for (String line : out.split("\n")) {
            if (line.startsWith("RESULT ")) {
                return new ObjectMapper().readTree(line.substring("RESULT ".length()));
            }
        }
        throw new IllegalStateException(script + " printed no RESULT line: " + out);
    }
}
