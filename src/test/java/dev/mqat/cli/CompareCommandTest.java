package dev.mqat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mqat compare} and {@code mqat demo} through the command line: help, and usage errors on one line. */
class CompareCommandTest {
    private static final String SHIPPED = "models/wdr-cpu-synth";

    @Test
    void helpNamesTheMethodsAndTheFiles() {
        Object[] compare = MainTest.run("compare", "--help");
        assertThat(compare[0]).isEqualTo(0);
        assertThat((String) compare[2]).contains("--compression", "--budget", "--seeds", "--resume", "--json",
                "FP control", "results.json", "report.html", "McNemar");
        Object[] demo = MainTest.run("demo", "--help");
        assertThat(demo[0]).isEqualTo(0);
        assertThat((String) demo[2]).contains("--out", "data/swisscube-synth", "models/wdr-cpu-synth", "resumes");
    }

    @Test
    void usageErrorsNameTheOptionAtFault(@TempDir Path dir) {
        String out = dir.resolve("c").toString();
        assertOneLine(MainTest.run("compare", "--out", out), "--model");
        assertOneLine(MainTest.run("compare", "--model", dir.toString(), "--out", out), "not a run folder");
        assertOneLine(MainTest.run("compare", "--model", SHIPPED, "--out", out, "--budget", "slow"), "'slow'");
        assertOneLine(MainTest.run("compare", "--model", SHIPPED, "--out", out, "--compression", "4,x"), "'x'");
        assertOneLine(MainTest.run("compare", "--model", SHIPPED, "--out", out, "--compression", "0.5"),
                "compression");
        assertOneLine(MainTest.run("compare", "--model", SHIPPED, "--out", out, "--methods", "fp,hessian"),
                "method 'hessian' is not one of fp, lsq, inq, mqat, hawq");
        assertOneLine(MainTest.run("compare", "--model", SHIPPED, "--out", out, "--seeds", "0"), "seeds");
        assertOneLine(MainTest.run("compare", "--model", SHIPPED, "--out", out, "--stage-steps", "0"), "--stage-steps");
        assertOneLine(MainTest.run("compare", "--out", out, "--resume"), "not a started comparison");
        assertThat(Files.exists(Path.of(out))).as("nothing written on a usage error").isFalse();
        assertOneLine(MainTest.run("demo", "--out", out, "--stage-steps", "0"), "--stage-steps must be positive");
        assertThat(Files.exists(Path.of(out))).as("nothing written on a usage error").isFalse();
    }

    private static void assertOneLine(Object[] r, String expected) {
        assertThat(r[0]).as((String) r[1]).isEqualTo(2);
        assertThat(((String) r[1]).strip()).doesNotContain("\n").contains(expected);
    }
}
