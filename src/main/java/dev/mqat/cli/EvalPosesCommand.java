package dev.mqat.cli;

import dev.mqat.data.BopDataset;
import dev.mqat.eval.Bop19Csv;
import dev.mqat.eval.EvalTarget;
import dev.mqat.eval.EvaluationResult;
import dev.mqat.eval.PoseEstimate;
import dev.mqat.eval.PoseEvaluation;
import dev.mqat.eval.PoseEvaluator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mqat eval-poses}: scores a BOP19 results CSV against a BOP dataset split. */
@Command(name = "eval-poses", mixinStandardHelpOptions = true,
        description = {
            "Score a BOP19 results CSV against the ground truth of a dataset split. The CSV holds estimated poses ( scene_id,im_id,obj_id,score,R,t,time; R 9 values row-major,"
                    + " t in mm, space-separated).",
            "",
            "Metrics: ADD and ADI (ADD-S, nearest point) below 0.1 and 0.5 of the object diameter, 2D projection"
                    + " error below 5 px, mean rotation (deg) and translation (mm) errors; overall and per"
                    + " near/medium/far bin (three equal-width bins over the ground-truth depths t_z of the split).",
            "Errors are computed over all model vertices (the SwissCube evaluation samples 1000 at random)."
                    + " The highest-scoring estimate per scene, image and object is used; a ground-truth instance"
                    + " without an estimate counts as a failure; the two mean errors are over instances with an"
                    + " estimate.",
            "",
            "--json prints one object: {\"count\": N, \"overall\": M, \"bins\": {\"near\": M, \"medium\": M, \"far\": M},"
                    + " \"bin_edges_mm\": [d0, d1, d2, d3]} with M = {\"count\", \"add_01d\", \"add_05d\", \"adi_01d\","
                    + " \"adi_05d\", \"proj_5px\" (percent 0-100), \"mean_rot_err_deg\", \"mean_trans_err_mm\"};"
                    + " undefined values (empty bin, no estimate) are null."
        })
final class EvalPosesCommand implements Runnable {
    @Mixin
    CommonOptions common;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = SharedOptions.DATA)
    Path data;

    @Option(names = "--split", defaultValue = "test", paramLabel = "SPLIT",
            description = SharedOptions.SPLIT)
    String split;

    @Option(names = "--results", required = true, paramLabel = "FILE.csv", description = "BOP19 results CSV.")
    Path results;

    @Option(names = "--json", description = SharedOptions.JSON)
    boolean json;

    @Override
    public void run() {
        if (!Files.isRegularFile(results)) {
            throw new UsageException("results file not found: " + results);
        }
        if (!Files.isDirectory(data)) {
            throw new UsageException("dataset folder not found: " + data);
        }
        BopDataset dataset = BopDataset.open(data);
        if (!dataset.splits().contains(split)) {
            throw new UsageException("split '" + split + "' not found in " + data + "; splits: " + dataset.splits());
        }
        List<PoseEstimate> estimates = Bop19Csv.read(results);
        List<EvalTarget> targets = PoseEvaluator.targets(dataset, split);
        PoseEvaluation evaluation = PoseEvaluator.evaluate(targets, estimates, new StderrProgress());
        EvaluationResult r = evaluation.result();
        if (r.count() == 0) {
            throw new IllegalStateException("split '" + split + "' of " + data + " has no ground-truth instances to score");
        }
        if (json) {
            System.out.println(r.toJson());
            return;
        }
        long withEstimate = evaluation.instances().stream().filter(i -> i.hasEstimate()).count();
        System.out.println("split " + split + ": " + r.count() + " ground-truth instances, " + withEstimate
                + " with an estimate; " + estimates.size() + " estimates read, " + evaluation.unusedEstimates()
                + " unused");
        System.out.print(r.toTable());
        System.out.println("success rates in percent; errors over all model vertices");
    }

    /** Prints "scored n/N instances, ETA s" to stderr at most every two seconds. */
    private static final class StderrProgress implements PoseEvaluator.ProgressListener {
        private final long start = System.nanoTime();
        private long lastPrint = start;

        @Override
        public synchronized void instancesDone(int done, int total) {
            long now = System.nanoTime();
            if (now - lastPrint < 2_000_000_000L || done >= total) {
                return;
            }
            lastPrint = now;
            double elapsed = (now - start) / 1e9;
            double eta = elapsed / done * (total - done);
            System.err.printf(Locale.ROOT, "eval-poses: scored %d/%d instances, ETA %.0f s%n", done, total, eta);
        }
    }
}
