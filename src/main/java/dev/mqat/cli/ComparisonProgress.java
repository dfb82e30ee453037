package dev.mqat.cli;

import dev.mqat.Progress;
import dev.mqat.compare.Comparison;

/**
 * Prints a comparison's lines and its progress over all fine-tunes, with rate and ETA, on stderr (the fine-tunes
 * print their own step progress besides).
 */
final class ComparisonProgress implements Comparison.Listener {
    private Progress progress;

    @Override
    public void log(String line) {
        System.err.println(line);
    }

    @Override
    public void progress(int done, int total, String detail) {
        if (progress == null) {
            // fine-tunes finished before this process started do not count in the rate
            progress = new Progress("compare", total, done, "fine-tunes", System.err::println, 0);
        }
        progress.update(done, detail);
    }
}
