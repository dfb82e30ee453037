package dev.mqat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * One name for one thing: every option name that appears in several commands has the same type and the same help
 * text (as declared, before defaults are filled in) in all of them, which in practice means it comes from one
 * mixin.
 */
class OptionConsistencyTest {

    /**
     * Options whose meaning is the command's own by design, each described in its command's help: {@code --out}
     * names what the command writes (a dataset folder, a run folder, a file). Standard picocli options are the
     * same everywhere anyway.
     */
    private static final Set<String> COMMAND_SPECIFIC = Set.of("--out");

    @Test
    void sameNameMeansSameTypeAndHelpInEveryCommand() {
        Map<String, Map<String, String>> seen = new LinkedHashMap<>();
        CommandLine root = Cli.commandLine(new Main());
        root.setInterpolateVariables(false); // compare the texts as declared, not with each command's defaults
        walk(root, seen);
        List<String> disagreements = new ArrayList<>();
        seen.forEach((name, uses) -> {
            if (!COMMAND_SPECIFIC.contains(name) && uses.values().stream().distinct().count() > 1) {
                List<String> lines = new ArrayList<>();
                uses.forEach((command, use) -> lines.add(command + ": " + use));
                disagreements.add(name + ":\n    " + String.join("\n    ", lines));
            }
        });
        assertThat(disagreements).as("options with one name and several meanings").isEmpty();
    }

    /** Records, per option name, each command's {@code type "description"}. */
    private static void walk(CommandLine cl, Map<String, Map<String, String>> seen) {
        CommandSpec spec = cl.getCommandSpec();
        for (OptionSpec o : spec.options()) {
            if (o.hidden() || o.usageHelp() || o.versionHelp()) {
                continue;
            }
            String use = o.type().getSimpleName() + " \"" + String.join(" ", o.description()) + "\"";
            seen.computeIfAbsent(o.longestName(), k -> new LinkedHashMap<>()).put(spec.qualifiedName(), use);
        }
        cl.getSubcommands().values().forEach(sub -> walk(sub, seen));
    }
}
