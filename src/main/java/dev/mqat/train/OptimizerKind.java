package dev.mqat.train;

/** The optimizers {@code mqat train} offers. */
public enum OptimizerKind {
    /** Adam (beta1 0.9, beta2 0.999, eps 1e-8), the CPU default: fastest to a usable model in minutes. */
    ADAM,
    /** SGD with momentum 0.9, as WDR and the MQAT reference code fine-tune. */
    SGD
}
