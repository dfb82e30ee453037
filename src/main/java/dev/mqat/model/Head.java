package dev.mqat.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * Pose head shared by all pyramid levels (module {@code head}): a classification tower
 * {@code head.cls_tower.<i>} and a pose tower {@code head.pose_tower.<i>}, each 3x3 conv (bias) + GroupNorm
 * ({@code .norm}) + ReLU; then {@code head.cls_logits} (3x3, one logit per class, bias at the focal-loss prior
 * -log(99)) and {@code head.pose_pred} (3x3, 16 values per class) multiplied by a learnable per-level scale
 * ({@code head.level_scale}, one value per level, init 1). Conv init normal(0, 0.01), zero bias (as WDR).
 *
 * <p>Input one feature map per level; output {@code [cls_0 .. cls_{L-1}, pose_0 .. pose_{L-1}]} with
 * {@code cls_l = [N, C, H_l, W_l]} and {@code pose_l = [N, 16 C, H_l, W_l]}. Pose channel {@code 16 c + k} is
 * the x offset of corner k of class c, {@code 16 c + 8 + k} its y offset, both in units of the level's anchor size
 * (see {@link AnchorGrid}).
 */
public final class Head extends ContainerBlock implements NamedBlock {

    /**
     * Epsilon of the towers' group norms ({@code head.<tower>.<i>.norm}: parameters {@code gamma}, {@code beta}); each
     * sample's group of channels is normalised by its mean and biased variance. Exporters rebuild the network from it.
     */
    public static final float GROUP_NORM_EPSILON = 1e-5f;

    /** Prior probability of the focal-loss bias initialisation. */
    static final double PRIOR = 0.01;

    private final List<PoseConv2d> clsTower = new ArrayList<>();
    private final List<GroupNorm2d> clsNorm = new ArrayList<>();
    private final List<PoseConv2d> poseTower = new ArrayList<>();
    private final List<GroupNorm2d> poseNorm = new ArrayList<>();
    private final PoseConv2d clsLogits;
    private final PoseConv2d posePred;
    private final Parameter levelScale;
    private final int levels;
    private final int numClasses;

    Head(ModelConfig config, int inChannels) {
        Architecture a = config.arch();
        int t = config.channels(a.towerChannels);
        int groups = config.groups(t);
        levels = config.levels();
        numClasses = config.numClasses();
        int in = inChannels;
        for (int i = 0; i < a.towerConvs; i++) {
            clsTower.add(addChildBlock("cls_tower." + i, conv("head.cls_tower." + i, in, t, Initializer.ZEROS)));
            clsNorm.add(addChildBlock("cls_tower." + i + ".norm", new GroupNorm2d("head.cls_tower." + i + ".norm", t, groups)));
            in = t;
        }
        in = inChannels;
        for (int i = 0; i < a.towerConvs; i++) {
            poseTower.add(addChildBlock("pose_tower." + i, conv("head.pose_tower." + i, in, t, Initializer.ZEROS)));
            poseNorm.add(addChildBlock("pose_tower." + i + ".norm", new GroupNorm2d("head.pose_tower." + i + ".norm", t, groups)));
            in = t;
        }
        double priorBias = -Math.log((1 - PRIOR) / PRIOR);
        clsLogits = addChildBlock("cls_logits", conv("head.cls_logits", t, numClasses, Initializers.constant(priorBias)));
        posePred = addChildBlock("pose_pred", conv("head.pose_pred", t, 16 * numClasses, Initializer.ZEROS));
        levelScale = addParameter(Parameter.builder().setName("level_scale").setType(Parameter.Type.OTHER)
                .optShape(new Shape(levels)).optInitializer(Initializer.ONES).build());
    }

    private static PoseConv2d conv(String name, int in, int out, Initializer bias) {
        return PoseConv2d.builder().setName(name).setModule(NetModule.HEAD).setChannels(in, out).setKernelSize(3)
                .optBias(true).optWeightInitializer(Initializers.normal(0.01)).optBiasInitializer(bias).build();
    }

    @Override
    public String name() {
        return "head";
    }

    /** Number of groups of every tower group norm. */
    public int normGroups() {
        return clsNorm.get(0).groups();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        Device device = inputs.head().getDevice();
        // shared layers: resolve (and fake-quantize) each weight once, then apply it to every level
        Resolved[] cls = resolve(ps, clsTower, device, training);
        Resolved[] pose = resolve(ps, poseTower, device, training);
        Resolved logits = new Resolved(clsLogits, ps, device, training);
        Resolved pred = new Resolved(posePred, ps, device, training);
        NDArray scales = ps.getValue(levelScale, device, training);
        NDList clsOut = new NDList(levels);
        NDList poseOut = new NDList(levels);
        for (int l = 0; l < levels; l++) {
            NDArray x = inputs.get(l);
            clsOut.add(logits.apply(ps, tower(ps, x, cls, clsNorm, training), training));
            NDArray p = pred.apply(ps, tower(ps, x, pose, poseNorm, training), training);
            poseOut.add(p.mul(scales.get(l)));
        }
        clsOut.addAll(poseOut);
        return clsOut;
    }

    /** A conv with its weight and bias read for one forward pass. */
    private static final class Resolved {
        final PoseConv2d conv;
        final NDArray weight;
        final NDArray bias;

        Resolved(PoseConv2d conv, ParameterStore ps, Device device, boolean training) {
            this.conv = conv;
            this.weight = conv.effectiveWeight(ps, device, training);
            this.bias = conv.biasValue(ps, device, training);
        }

        NDArray apply(ParameterStore ps, NDArray x, boolean training) {
            return conv.apply(ps, x, weight, bias, training);
        }
    }

    private static Resolved[] resolve(ParameterStore ps, List<PoseConv2d> convs, Device device, boolean training) {
        Resolved[] out = new Resolved[convs.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = new Resolved(convs.get(i), ps, device, training);
        }
        return out;
    }

    private static NDArray tower(ParameterStore ps, NDArray x, Resolved[] convs, List<GroupNorm2d> norms,
            boolean training) {
        NDArray y = x;
        for (int i = 0; i < convs.length; i++) {
            y = convs[i].apply(ps, y, training);
            y = Activation.relu(norms.get(i).forward(ps, new NDList(y), training).singletonOrThrow());
        }
        return y;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] out = new Shape[2 * levels];
        for (int l = 0; l < levels; l++) {
            Shape s = inputShapes[l];
            out[l] = new Shape(s.get(0), numClasses, s.get(2), s.get(3));
            out[levels + l] = new Shape(s.get(0), 16L * numClasses, s.get(2), s.get(3));
        }
        return out;
    }
}
