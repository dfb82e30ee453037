package dev.mqat.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;

/**
 * Shared CLI plumbing: exit codes and one-line error messages.
 *
 * <p>Exit codes: 0 success, 1 runtime failure, 2 usage error (bad option, bad value, missing input path).
 * A stack trace is printed only with {@code --verbose} (or {@code MQAT_VERBOSE=1}).
 */
final class Cli {
    static final int USAGE = 2;
    static final int FAILURE = 1;

    private Cli() {}

    static CommandLine commandLine(Object root) {
        CommandLine cl = new CommandLine(root);
        cl.setParameterExceptionHandler(Cli::onParameterError);
        cl.setExecutionExceptionHandler(Cli::onExecutionError);
        cl.setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException ? USAGE : FAILURE);
        return cl;
    }

    private static int onParameterError(CommandLine.ParameterException e, String[] args) {
        PrintWriter err = e.getCommandLine().getErr();
        err.println("mqat: " + e.getMessage());
        err.flush();
        return USAGE;
    }

    private static int onExecutionError(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        boolean verbose = isVerbose(parsed);
        if (e instanceof UsageException) {
            err.println("mqat: " + e.getMessage());
            err.flush();
            return USAGE;
        }
        err.println("mqat: " + describe(e));
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return FAILURE;
    }

    static String describe(Throwable e) {
        if (e instanceof UncheckedIOException u && u.getCause() != null) {
            e = u.getCause();
        }
        if (e instanceof NoSuchFileException n) {
            return "file not found: " + n.getFile();
        }
        String msg = e.getMessage();
        return msg == null || msg.isBlank() ? e.getClass().getSimpleName() : msg.replace('\n', ' ');
    }

    private static boolean isVerbose(CommandLine.ParseResult parsed) {
        if ("1".equals(System.getenv("MQAT_VERBOSE"))) {
            return true;
        }
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }
}
