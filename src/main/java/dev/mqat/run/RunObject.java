package dev.mqat.run;

import dev.mqat.data.ObjectInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * An object class a run predicts, kept in {@code config.json} so that prediction needs no dataset.
 *
 * @param objId BOP object id
 * @param diameterMm diameter, mm
 * @param cornersMm the 8 box corners (object frame, mm) the network predicts, in training order
 */
public record RunObject(int objId, double diameterMm, double[][] cornersMm) {

    /** The classes of a dataset, in class-index order. */
    public static List<RunObject> of(List<ObjectInfo> objects) {
        List<RunObject> out = new ArrayList<>();
        for (ObjectInfo o : objects) {
            out.add(new RunObject(o.objId(), o.diameterMm(), o.bboxCornersMm()));
        }
        return out;
    }

    /** Per class, the box corners. */
    public static double[][][] corners(List<RunObject> objects) {
        double[][][] c = new double[objects.size()][][];
        for (int i = 0; i < c.length; i++) {
            c[i] = objects.get(i).cornersMm();
        }
        return c;
    }
}
