package dev.mqat.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** dev.mqat.data may import only mqat's root (AtomicFiles, MqatFormatException) and geometry (DESIGN.md section 3). */
class DataImportsTest {

    @Test
    void importsFollowTheDependencyDirection() throws Exception {
        Path dir = Path.of("src/main/java/dev/mqat/data");
        List<String> bad = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                for (String line : Files.readAllLines(f)) {
                    String l = line.strip();
                    if (l.startsWith("import dev.mqat.") && !l.startsWith("import dev.mqat.geometry.")
                            && !l.equals("import dev.mqat.AtomicFiles;") && !l.equals("import dev.mqat.MqatFormatException;")) {
                        bad.add(f.getFileName() + ": " + l);
                    }
                }
            }
        }
        assertThat(bad).as("imports against the dependency direction").isEmpty();
    }
}
