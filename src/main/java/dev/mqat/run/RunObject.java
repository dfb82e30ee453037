package dev.mqat.run;

import dev.mqat.data.ObjectInfo;
import java.util.ArrayList;
import java.util.Arrays;
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

    /** Equal when the id, the diameter and every corner coordinate are (a record compares arrays by identity). */
    @Override
    public boolean equals(Object o) {
        return o instanceof RunObject r && objId == r.objId && Double.compare(diameterMm, r.diameterMm) == 0
                && Arrays.deepEquals(cornersMm, r.cornersMm);
    }

    @Override
    public int hashCode() {
        return (31 * objId + Double.hashCode(diameterMm)) * 31 + Arrays.deepHashCode(cornersMm);
    }

    @Override
    public String toString() {
        return "RunObject[objId=" + objId + ", diameterMm=" + diameterMm + ", cornersMm=" + Arrays.deepToString(cornersMm)
                + "]";
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
