package dev.mqat.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mqat.AtomicFiles;
import dev.mqat.RunLog;
import dev.mqat.eval.EvaluationResult;
import dev.mqat.model.NetModule;
import dev.mqat.quant.BitPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stage folders of a {@link QuantizeJob} run, {@code QRUN/stages/<i>-<modules>/}, and what resuming reads from
 * them: a stage is finished when its {@code stage.ckpt} exists, and its results are read back from the run's log.
 */
final class StageFolders {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** File of a stage folder holding its validation estimates (BOP19 CSV), for paired comparisons. */
    static final String VAL_PREDICTIONS = "predictions-val.csv";

    private StageFolders() {}

    /** The checkpoint of stage {@code index} (from 0), whose presence marks the stage finished. */
    static Path stageCheckpoint(Path qrun, QuantizeSettings q, int index) {
        return qrun.resolve("stages").resolve(QuantizeSettings.stageName(index, q.stages().get(index)))
                .resolve("stage.ckpt");
    }

    /** Number of leading stages whose {@code stage.ckpt} exists. */
    static int finishedStages(Path qrun, QuantizeSettings q) {
        int n = 0;
        while (n < q.stages().size() && Files.isRegularFile(stageCheckpoint(qrun, q, n))) {
            n++;
        }
        return n;
    }

    /** Stage results of the first {@code done} stages, validation read back from the log. */
    static List<QuantizeJob.StageResult> readFinished(Path qrun, QuantizeSettings q, int done) {
        List<QuantizeJob.StageResult> out = new ArrayList<>();
        Map<Integer, JsonNode> lines = new LinkedHashMap<>();
        for (JsonNode n : RunLog.in(qrun).read()) {
            if ("stage".equals(n.path("event").asText())) {
                lines.put(n.path("stage").asInt(), n);
            }
        }
        for (int i = 0; i < done; i++) {
            JsonNode n = lines.get(i + 1);
            EvaluationResult v = n == null || !n.hasNonNull("val") ? null
                    : EvaluationResult.fromJson(n.get("val").toString());
            List<String> modules = q.stages().get(i).stream().map(NetModule::key).toList();
            out.add(new QuantizeJob.StageResult(QuantizeSettings.stageName(i, q.stages().get(i)), modules,
                    n == null ? "" : n.path("plan").asText(), v, stageCheckpoint(qrun, q, i)));
        }
        return out;
    }

    /** See {@link QuantizeJob#startFromFirstStage}. */
    static void adoptFirstStage(RunConfig config, Path qrun, Path donor) {
        RunConfig d = RunConfig.read(donor);
        QuantizeSettings q = config.quantization();
        QuantizeSettings dq = d.quantization();
        if (q == null || dq == null) {
            throw new IllegalArgumentException("both " + qrun + " and " + donor + " must be quantizations");
        }
        List<NetModule> first = q.stages().get(0);
        BitPlan plan = q.plan();
        BitPlan donorPlan = dq.plan();
        for (NetModule m : first) {
            if (!plan.bitsOf(m.key()).equals(donorPlan.bitsOf(m.key())) || !plan.layerBits().isEmpty()
                    || !donorPlan.layerBits().isEmpty()) {
                throw new IllegalArgumentException(donor + ": module " + m.key() + " has other bits in plan '"
                        + dq.plan().text() + "' than in '" + q.plan().text() + "'");
            }
        }
        if (!dq.stages().get(0).equals(first) || !dq.sourceCheckpoint().equals(q.sourceCheckpoint())
                || dq.quantizer() != q.quantizer() || dq.granularity() != q.granularity()
                || dq.stageEpochs() != q.stageEpochs() || dq.stageSteps() != q.stageSteps()
                || dq.actBits() != q.actBits() || !d.train().equals(config.train()) || !d.data().equals(config.data())) {
            throw new IllegalArgumentException(donor + ": its first stage is not the one " + qrun + " would train "
                    + "(source, modules, quantizer, budget, data and training settings must be equal)");
        }
        Path from = stageCheckpoint(donor, dq, 0);
        if (!Files.isRegularFile(from)) {
            throw new IllegalArgumentException(from + " not found; the donor's first stage is not finished");
        }
        TrainingJob.requireEmpty(qrun);
        config.write(qrun);
        RunLog log = RunLog.in(qrun);
        for (JsonNode n : RunLog.in(donor).read()) {
            String event = n.path("event").asText();
            if ("start".equals(event)) {
                ObjectNode start = n.deepCopy();
                start.put("plan", q.plan().text());
                start.set("flow", JSON.valueToTree(q.stages().stream().map(s -> s.stream().map(NetModule::key)
                        .toList()).toList()));
                start.put("first_stage_from", donor.toString());
                log.append(start);
            } else if (n.path("stage").asInt(0) == 1 && !"end".equals(event)) {
                log.append(n);
            }
        }
        Path to = stageCheckpoint(qrun, q, 0);
        Path csv = from.resolveSibling(VAL_PREDICTIONS);
        if (Files.isRegularFile(csv)) {
            AtomicFiles.copy(csv, to.resolveSibling(VAL_PREDICTIONS));
        }
        // the checkpoint last: its presence is what marks the stage finished
        AtomicFiles.copy(from, to);
    }

    /** Appends the trainer's step lines of a stage, tagged with the stage number. */
    static void copyStageLog(Path stageDir, RunLog log, int stage) {
        for (JsonNode n : RunLog.in(stageDir).read()) {
            if ("step".equals(n.path("event").asText())) {
                ObjectNode o = JSON.createObjectNode();
                o.put("event", "step");
                o.put("stage", stage);
                n.fields().forEachRemaining(e -> {
                    if (!e.getKey().equals("event")) {
                        o.set(e.getKey(), e.getValue());
                    }
                });
                log.append(o);
            }
        }
    }
}
