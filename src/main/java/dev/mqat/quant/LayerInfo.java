package dev.mqat.quant;

/**
 * What size accounting needs to know about one layer of a network, independent of DJL.
 *
 * @param name dotted layer name, unique in the network (e.g. {@code fpn.lateral3})
 * @param module the top-level module it belongs to ({@code backbone}, {@code fpn}, {@code head}; anything else is
 *     counted in float)
 * @param weightCount elements of its quantizable weight (conv or linear kernel); 0 for layers without one
 *     (normalisation, learnable scales)
 * @param outChannels output channels of that weight (axis 0), the number of per-channel scales; 0 when
 *     {@code weightCount} is 0
 * @param otherParamCount every other parameter element of the layer (bias, norm gamma/beta, scales), always fp32
 */
public record LayerInfo(String name, String module, long weightCount, int outChannels, long otherParamCount) {
    public LayerInfo {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("layer.name must be non-empty");
        }
        if (module == null || module.isBlank()) {
            throw new IllegalArgumentException("layer.module of " + name + " must be non-empty");
        }
        if (weightCount < 0 || otherParamCount < 0 || outChannels < 0) {
            throw new IllegalArgumentException("layer " + name + " has negative counts: weights " + weightCount
                    + ", out channels " + outChannels + ", other " + otherParamCount);
        }
        if (weightCount > 0 && (outChannels == 0 || weightCount % outChannels != 0)) {
            throw new IllegalArgumentException("layer " + name + ": weight count " + weightCount
                    + " must be a positive multiple of out channels " + outChannels);
        }
    }

    /** All parameter elements of the layer. */
    public long params() {
        return weightCount + otherParamCount;
    }
}
