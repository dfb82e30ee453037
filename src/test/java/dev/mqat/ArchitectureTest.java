package dev.mqat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Enforces the dependency direction of DESIGN.md section 3 on the sources:
 * cli -> compare -> search -> run -> {train, quant, eval} -> model -> data/synth -> geometry; report and export read
 * results and models (export reads run folders, so it may import run; nothing below cli imports export); nothing
 * imports cli.
 */
class ArchitectureTest {

    /** Package -> the mqat packages it may import (besides itself and the root package). */
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("geometry", Set.of()),
            Map.entry("data", Set.of("geometry")),
            Map.entry("synth", Set.of("geometry", "data")),
            Map.entry("model", Set.of("geometry", "data")),
            Map.entry("train", Set.of("geometry", "data", "model")),
            Map.entry("quant", Set.of("geometry", "data", "model")),
            Map.entry("eval", Set.of("geometry", "data", "model")),
            Map.entry("run", Set.of("geometry", "data", "model", "train", "quant", "eval")),
            Map.entry("search", Set.of("geometry", "data", "model", "train", "quant", "eval", "run")),
            Map.entry("compare", Set.of("geometry", "data", "synth", "model", "train", "quant", "eval", "run", "search")),
            Map.entry("export", Set.of("geometry", "data", "model", "quant", "eval", "run")),
            Map.entry("report", Set.of("geometry", "data", "model", "quant", "eval", "train", "run", "search", "compare")),
            Map.entry("cli", Set.of("geometry", "data", "synth", "model", "train", "quant", "eval", "run", "search", "compare", "export",
                    "report")));

    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?dev\\.mqat\\.([a-z]+)\\.", Pattern.MULTILINE);

    @Test
    void importsFollowTheDesignDirection() throws IOException {
        Path root = Path.of("src/main/java/dev/mqat");
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                Path rel = root.relativize(file);
                if (rel.getNameCount() < 2) {
                    continue; // root package: shared exceptions and file helpers
                }
                String pkg = rel.getName(0).toString();
                Set<String> allowed = ALLOWED.get(pkg);
                if (allowed == null) {
                    violations.add(rel + ": package '" + pkg + "' is not in DESIGN.md's layout");
                    continue;
                }
                Matcher m = IMPORT.matcher(Files.readString(file));
                while (m.find()) {
                    String target = m.group(1);
                    if (!target.equals(pkg) && !allowed.contains(target)) {
                        violations.add(rel + " imports dev.mqat." + target);
                    }
                }
            }
        }
        assertThat(violations).as("imports against the dependency direction").isEmpty();
    }

    @Test
    void everyPackageHasPackageInfo() throws IOException {
        Path root = Path.of("src/main/java/dev/mqat");
        List<String> missing = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : (Iterable<Path>) dirs.filter(Files::isDirectory)::iterator) {
                boolean hasSources;
                try (Stream<Path> s = Files.list(dir)) {
                    hasSources = s.anyMatch(p -> p.toString().endsWith(".java"));
                }
                if (hasSources && !Files.exists(dir.resolve("package-info.java"))) {
                    missing.add(dir.getFileName().toString());
                }
            }
        }
        assertThat(missing).as("packages without package-info.java").isEmpty();
    }

    private static final Pattern LINK = Pattern.compile("\\{@link(?:plain)?\\s+([\\w.]+)(?:#(\\w+))?[^}]*}");

    /** Package docs name classes that exist, and members those classes have (links in them go stale on moves). */
    @Test
    void everyLinkInPackageDocsResolves() throws IOException {
        Path root = Path.of("src/main/java/dev/mqat");
        List<String> broken = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path info : (Iterable<Path>) files.filter(p -> p.endsWith("package-info.java"))::iterator) {
                Matcher m = LINK.matcher(Files.readString(info));
                while (m.find()) {
                    String pkg = "dev.mqat." + root.relativize(info.getParent()).toString().replace('/', '.');
                    String target = m.group(1).contains(".") ? m.group(1) : pkg + "." + m.group(1);
                    String member = m.group(2);
                    try {
                        Class<?> type = Class.forName(target);
                        if (member != null && Stream.concat(Stream.of(type.getDeclaredMethods()).map(java.lang.reflect.Member::getName),
                                Stream.of(type.getDeclaredFields()).map(java.lang.reflect.Member::getName))
                                .noneMatch(member::equals)) {
                            broken.add(root.relativize(info) + ": " + target + "#" + member + " (no such member)");
                        }
                    } catch (ClassNotFoundException e) {
                        broken.add(root.relativize(info) + ": " + target + " (no such class)");
                    }
                }
            }
        }
        assertThat(broken).as("{@link} targets in package-info.java that do not resolve").isEmpty();
    }
}
