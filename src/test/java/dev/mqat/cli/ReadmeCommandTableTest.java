package dev.mqat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The README's command table is the commands' own help: one row per command a user can run, with the first sentence
 * of its {@code --help} description. When a command is added, renamed or described differently, this test fails and
 * prints the table to paste between the README's markers.
 */
class ReadmeCommandTableTest {
    static final String BEGIN = "<!-- commands: the rows are the first sentences of each command's --help; "
            + "ReadmeCommandTableTest checks them -->";
    static final String END = "<!-- /commands -->";

    @Test
    void readmeTableMatchesEveryCommandsHelp() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int from = readme.indexOf(BEGIN);
        int to = readme.indexOf(END);
        assertThat(from).as("README.md has the line %s", BEGIN).isGreaterThanOrEqualTo(0);
        assertThat(to).as("README.md has the line %s after the table", END).isGreaterThan(from);
        String table = readme.substring(from + BEGIN.length(), to).strip();
        assertThat(table).as("the README's command table; expected:%n%s%n", expected()).isEqualTo(expected());
    }

    /** The table as the commands describe themselves. */
    static String expected() {
        CommandLine root = Cli.commandLine(new Main());
        List<String> rows = new ArrayList<>();
        rows.add("| command | what it does |");
        rows.add("|---|---|");
        for (CommandLine sub : root.getSubcommands().values()) {
            addRows(sub, rows);
        }
        return String.join("\n", rows);
    }

    private static void addRows(CommandLine cl, List<String> rows) {
        CommandSpec spec = cl.getCommandSpec();
        if (spec.usageMessage().hidden()) {
            return;
        }
        if (!cl.getSubcommands().isEmpty()) {
            for (CommandLine sub : cl.getSubcommands().values()) {
                addRows(sub, rows);
            }
            return;
        }
        rows.add("| `" + spec.qualifiedName() + "` | " + firstSentence(spec.usageMessage().description()) + " |");
    }

    /** The first sentence of a picocli description, with its format escapes resolved. */
    static String firstSentence(String[] description) {
        String text = String.join(" ", description).replace("%n", " ").replace("%%", "%").replaceAll("\\s+", " ")
                .strip();
        int end = text.indexOf(". ");
        String sentence = end < 0 ? text : text.substring(0, end + 1);
        return sentence.replace("|", "\\|");
    }

    @Test
    void firstSentenceStopsAtTheFirstFullStop() {
        assertThat(firstSentence(new String[] {"Does a thing (50%% of it).", "More here."}))
                .isEqualTo("Does a thing (50% of it).");
        assertThat(firstSentence(new String[] {"a|b or c. Then"})).isEqualTo("a\\|b or c.");
    }
}
