package io.tcpmesh.storage.report;

import java.util.List;
import java.util.Locale;

/**
 * An inline SVG line chart of several series on shared axes, with round ticks, grid lines and axis
 * titles that carry the units. No script, no external asset.
 */
final class LineChart {
    static final String[] COLOURS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
        "#7f7f7f", "#bcbd22", "#17becf"};

    private static final int W = 900;
    private static final int H = 320;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 30;
    private static final int BOTTOM = 50;

    /** One line: its name for the legend and its (x, y) points. */
    record Series(String name, List<double[]> points) {
    }

    private LineChart() {
    }

    static String colour(int index) {
        return COLOURS[index % COLOURS.length];
    }

    static String render(String title, String xTitle, String yTitle, List<Series> series) {
        double maxX = series.stream().flatMap(s -> s.points().stream()).mapToDouble(p -> p[0]).max().orElse(1);
        double maxY = series.stream().flatMap(s -> s.points().stream()).mapToDouble(p -> p[1]).max().orElse(1);
        Ticks xs = Ticks.upTo(maxX, 10);
        Ticks ys = Ticks.upTo(maxY, 5);
        StringBuilder b = new StringBuilder();
        b.append(f("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">", W, H, W, H));
        b.append(f("<title>%s</title>", HtmlReport.esc(title)));
        b.append(f("<text x=\"%d\" y=\"18\" font-size=\"14\" font-weight=\"bold\">%s</text>", LEFT, HtmlReport.esc(title)));
        axes(b, xs, ys, xTitle, yTitle);
        if (series.stream().allMatch(s -> s.points().isEmpty())) {
            b.append(f("<text x=\"%d\" y=\"%d\" font-size=\"12\">no samples</text>", W / 2 - 30, H / 2));
        }
        for (int i = 0; i < series.size(); i++) {
            line(b, series.get(i), colour(i), xs.last(), ys.last());
        }
        b.append("</svg>");
        return b.toString();
    }

    private static void axes(StringBuilder b, Ticks xs, Ticks ys, String xTitle, String yTitle) {
        int bottom = H - BOTTOM;
        for (double v : ys.values()) {
            double y = y(v, ys.last());
            b.append(f("<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e3e3e3\"/>", LEFT, y, W - RIGHT, y));
            b.append(f("<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%s</text>", LEFT - 6, y + 4, ys.label(v)));
        }
        for (double v : xs.values()) {
            double x = x(v, xs.last());
            b.append(f("<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#888\"/>", x, bottom, x, bottom + 5));
            b.append(f("<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>", x, bottom + 18, xs.label(v)));
        }
        b.append(f("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>", LEFT, bottom, W - RIGHT, bottom));
        b.append(f("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>", LEFT, TOP, LEFT, bottom));
        b.append(f("<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">%s</text>", (LEFT + W - RIGHT) / 2, H - 10,
                HtmlReport.esc(xTitle)));
        b.append(f("<text x=\"16\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 16 %d)\">%s</text>",
                (TOP + bottom) / 2, (TOP + bottom) / 2, HtmlReport.esc(yTitle)));
    }

    private static void line(StringBuilder b, Series s, String colour, double maxX, double maxY) {
        if (s.points().isEmpty()) {
            return;
        }
        b.append("<g><title>").append(HtmlReport.esc(s.name())).append("</title>");
        b.append("<polyline fill=\"none\" stroke=\"").append(colour).append("\" stroke-width=\"2\" points=\"");
        for (double[] p : s.points()) {
            b.append(f("%.1f,%.1f ", x(p[0], maxX), y(p[1], maxY)));
        }
        b.append("\"/>");
        for (double[] p : s.points()) {
            b.append(f("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>", x(p[0], maxX), y(p[1], maxY), colour));
        }
        b.append("</g>");
    }

    private static double x(double value, double max) {
        return LEFT + (W - LEFT - RIGHT) * value / max;
    }

    private static double y(double value, double max) {
        return (H - BOTTOM) - (H - BOTTOM - TOP) * value / max;
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
