package dev.mqat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @Test
    void copyCreatesFoldersReplacesTheTargetAndLeavesNoTemporaryFile(@TempDir Path dir) throws Exception {
        Path from = dir.resolve("a.bin");
        Files.write(from, new byte[] {1, 2, 3});
        Path to = dir.resolve("x/y/b.bin");
        AtomicFiles.copy(from, to);
        assertThat(Files.readAllBytes(to)).containsExactly(1, 2, 3);
        Files.write(from, new byte[] {9});
        AtomicFiles.copy(from, to);
        assertThat(Files.readAllBytes(to)).containsExactly(9);
        try (Stream<Path> files = Files.list(to.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("b.bin");
        }
    }

    @Test
    void aMissingSourceNamesTheTargetAndLeavesItUntouched(@TempDir Path dir) throws Exception {
        Path to = dir.resolve("b.bin");
        Files.write(to, new byte[] {7});
        assertThatThrownBy(() -> AtomicFiles.copy(dir.resolve("missing"), to))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining(to.toString());
        assertThat(Files.readAllBytes(to)).containsExactly(7);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("b.bin");
        }
    }
}
