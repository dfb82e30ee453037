package dev.mqat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReporterTest {

    @AfterEach
    void silence() {
        Reporter.attach(line -> { });
    }

    @Test
    void progressAndLinesGoToTheAttachedListener() {
        List<String> lines = new ArrayList<>();
        Reporter.attach(lines::add);
        new Progress("load", 2, "img").update(2, "done");
        Reporter.line("stage %d of %d", 1, 3);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("load 2/2 (100%)").endsWith("done");
        assertThat(lines.get(1)).isEqualTo("stage 1 of 3");
    }

    /**
     * The library reports through {@link Reporter}; only the command line prints, and the entry points of the child
     * processes mqat starts itself (a {@code main} that answers its parent on stdout).
     */
    @Test
    void noLibrarySourceWritesToTheConsole() throws IOException {
        Path main = Path.of("src/main/java/dev/mqat");
        List<String> printing = new ArrayList<>();
        try (Stream<Path> files = Files.walk(main)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                if (f.startsWith(main.resolve("cli"))) {
                    continue;
                }
                String source = Files.readString(f);
                boolean childProcess = source.contains("public static void main(String[] args)");
                if (!childProcess && (source.contains("System.out") || source.contains("System.err"))) {
                    printing.add(main.relativize(f).toString());
                }
            }
        }
        assertThat(printing).as("library sources that print to System.out or System.err").isEmpty();
    }
}
