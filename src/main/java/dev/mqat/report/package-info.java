/**
 * What people look at: reports, charts and images of predictions over the input.
 *
 * <p>Reads results and models; may import geometry, data, model, quant, eval, train and mqat, never cli.
 */
package dev.mqat.report;
