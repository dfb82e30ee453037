package dev.mqat.cli;

import java.io.PrintStream;
import java.util.Map;

/**
 * Option spellings renamed so that one name means one thing in every command, accepted for one more release: the
 * arguments are rewritten to the new spelling before parsing, with a one-line note on stderr. The old spellings are
 * not in {@code --help}.
 */
final class OldSpellings {
    /** Per command: old spelling to new. */
    private static final Map<String, Map<String, String>> RENAMED = Map.of(
            "synth", Map.of("--size", "--input-size", "--threads", "--workers", "--split", "--split-fractions"),
            "train", Map.of("--validate-every", "--checkpoint-every"),
            "calibrate-bn", Map.of("--batches", "--bn-calibration"),
            "calibrate-depth", Map.of("--images", "--depth-calibration", "--split", "--depth-calibration-split"));

    private OldSpellings() {}

    /** The arguments with every old spelling of the command in {@code args[0]} replaced, each noted on {@code err}. */
    static String[] rewrite(String[] args, PrintStream err) {
        if (args.length == 0 || !RENAMED.containsKey(args[0])) {
            return args;
        }
        Map<String, String> renamed = RENAMED.get(args[0]);
        String[] out = args.clone();
        for (int i = 1; i < out.length; i++) {
            int eq = out[i].indexOf('=');
            String name = eq < 0 ? out[i] : out[i].substring(0, eq);
            String now = renamed.get(name);
            if (now != null) {
                err.println("mqat: " + args[0] + " " + name + " is deprecated and will be removed in the next release; "
                        + "use " + now);
                out[i] = now + (eq < 0 ? "" : out[i].substring(eq));
            }
        }
        return out;
    }
}
