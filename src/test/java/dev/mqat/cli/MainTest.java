package dev.mqat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MainTest {

    /** Runs the CLI capturing stderr; returns {exit code, stderr}. */
    static Object[] run(String... args) {
        PrintStream oldErr = System.err;
        PrintStream oldOut = System.out;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            int code = Main.execute(args);
            return new Object[] {code, err.toString(StandardCharsets.UTF_8), out.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setErr(oldErr);
            System.setOut(oldOut);
        }
    }

    @Test
    void helpExitsZero() {
        assertThat(run("--help")[0]).isEqualTo(0);
        assertThat(run("doctor", "--help")[0]).isEqualTo(0);
    }

    @Test
    void unknownOptionIsUsageErrorOnOneLine() {
        Object[] r = run("doctor", "--no-such-option");
        assertThat(r[0]).isEqualTo(2);
        assertThat(((String) r[1]).strip()).doesNotContain("\n").contains("--no-such-option");
    }

    @Test
    void missingCommandIsUsageError() {
        assertThat(run()[0]).isEqualTo(2);
    }

    @Test
    void doctorLoadsTheEngineOffline() {
        Object[] r = run("doctor");
        assertThat(r[0]).as("doctor exit code; stderr: %s", r[1]).isEqualTo(0);
        assertThat((String) r[2]).contains("PyTorch").contains("offline   true");
    }
}
