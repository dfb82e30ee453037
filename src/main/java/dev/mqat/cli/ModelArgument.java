package dev.mqat.cli;

import dev.mqat.export.PackedModel;
import dev.mqat.run.ModelSource;
import dev.mqat.run.RunConfig;
import java.nio.file.Files;
import java.nio.file.Path;

/** What {@code --model} names for the commands that run a model: a run folder, or a packed {@code .mqat} file. */
final class ModelArgument {
    private ModelArgument() {}

    /**
     * Opens {@code --model}: a file is read as a packed model ({@link PackedModel#read}, which names the file and
     * the fault when it is malformed), a folder as a run.
     *
     * @throws UsageException when the path is neither a file nor a run folder
     */
    static ModelSource open(Path path) {
        if (Files.isRegularFile(path)) {
            return PackedModel.read(path);
        }
        if (!Files.isRegularFile(RunConfig.file(path))) {
            throw new UsageException("--model: " + path + " is neither a run folder (no config.json) nor a packed "
                    + ".mqat file");
        }
        return ModelSource.ofRun(path);
    }
}
