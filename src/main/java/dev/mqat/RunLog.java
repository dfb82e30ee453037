package dev.mqat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A run folder's {@code log.jsonl}: one JSON object per line, each appended and flushed when it happens so that a
 * killed run keeps every finished line. A resumed run first keeps only the lines of the work it does not redo
 * ({@link #keepOnly}); a line cut by the kill is dropped when read.
 */
public final class RunLog {
    /** The file name inside a run folder. */
    public static final String FILE = "log.jsonl";

    private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT);

    private final Path file;

    private RunLog(Path file) {
        this.file = file;
    }

    /** The log of the run folder {@code runDir}. */
    public static RunLog in(Path runDir) {
        return new RunLog(runDir.resolve(FILE));
    }

    public Path file() {
        return file;
    }

    /** Appends one line: a map of event fields or a JSON object. */
    public void append(Object line) {
        try {
            byte[] bytes = (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
            Files.createDirectories(file.getParent());
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND))) {
                out.write(bytes);
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": cannot write a log line: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    /** Every complete line, in order; empty when the log does not exist. */
    public List<JsonNode> read() {
        List<JsonNode> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    out.add(JSON.readTree(line));
                } catch (IOException partial) {
                    // a line cut by a kill: dropped
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** Rewrites the log (atomically) with only the lines {@code keep} accepts. */
    public void keepOnly(Predicate<JsonNode> keep) {
        if (!Files.exists(file)) {
            return;
        }
        StringBuilder kept = new StringBuilder();
        for (JsonNode n : read()) {
            if (keep.test(n)) {
                kept.append(n).append('\n');
            }
        }
        AtomicFiles.writeString(file, kept.toString());
    }

    /** Deletes the log: a run that starts over. */
    public void clear() {
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }
}
