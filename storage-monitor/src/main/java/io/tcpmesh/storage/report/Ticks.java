package io.tcpmesh.storage.report;

import java.util.ArrayList;
import java.util.List;

/** Round axis ticks: 0, then steps of 1, 2 or 5 times a power of ten, up to the first tick at or above the data. */
record Ticks(double step, List<Double> values) {

    /** About {@code wanted} ticks from 0 to at least {@code max}. */
    static Ticks upTo(double max, int wanted) {
        double top = max > 0 && Double.isFinite(max) ? max : 1;
        double raw = top / Math.max(1, wanted);
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = magnitude;
        for (double m : new double[] {1, 2, 5, 10}) {
            step = m * magnitude;
            if (step >= raw) {
                break;
            }
        }
        List<Double> values = new ArrayList<>();
        for (int i = 0; values.isEmpty() || values.get(values.size() - 1) < top - 1e-9 * step; i++) {
            values.add(i * step);
        }
        return new Ticks(step, List.copyOf(values));
    }

    double last() {
        return values.get(values.size() - 1);
    }

    /** A tick value as text: no decimals when the step is whole, else as many as the step needs. */
    String label(double value) {
        if (step >= 1) {
            return String.valueOf(Math.round(value));
        }
        int decimals = (int) Math.ceil(-Math.log10(step) - 1e-9);
        return String.format(java.util.Locale.ROOT, "%." + decimals + "f", value);
    }
}
