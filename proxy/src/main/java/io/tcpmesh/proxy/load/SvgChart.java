package io.tcpmesh.proxy.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A line chart drawn as inline SVG: no script, no external reference, readable in any browser offline. */
final class SvgChart {
    private static final String[] COLOURS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"};
    private static final int WIDTH = 720;
    private static final int HEIGHT = 300;
    private static final int LEFT = 70;
    private static final int RIGHT = 150;
    private static final int TOP = 30;
    private static final int BOTTOM = 40;

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<String> names = new ArrayList<>();
    private final List<double[][]> series = new ArrayList<>();
    private final List<String> dashes = new ArrayList<>();
    private final List<double[]> markX = new ArrayList<>();
    private final List<String> markLabels = new ArrayList<>();
    private boolean logY;

    SvgChart(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /** Adds a line through the points {@code xs[i], ys[i]}. */
    SvgChart line(String name, double[] xs, double[] ys) {
        return line(name, xs, ys, false);
    }

    /** Adds a line, dashed when {@code dashed} (an intended value beside a measured one). */
    SvgChart line(String name, double[] xs, double[] ys, boolean dashed) {
        names.add(name);
        series.add(new double[][] {xs, ys});
        dashes.add(dashed ? " stroke-dasharray=\"6 4\"" : "");
        return this;
    }

    /** Draws the y axis on a log scale, one gridline per decade: a spike does not flatten the rest. */
    SvgChart logY() {
        this.logY = true;
        return this;
    }

    /** A vertical boundary at {@code x} with a label, such as the start of a sweep's segment. */
    SvgChart mark(double x, String label) {
        markX.add(new double[] {x});
        markLabels.add(label);
        return this;
    }

    String render() {
        double maxX = 0;
        double maxY = 0;
        double minX = Double.MAX_VALUE;
        for (double[][] s : series) {
            for (int i = 0; i < s[0].length; i++) {
                maxX = Math.max(maxX, s[0][i]);
                minX = Math.min(minX, s[0][i]);
                maxY = Math.max(maxY, s[1][i]);
            }
        }
        if (minX == Double.MAX_VALUE || minX >= maxX) {
            minX = 0;
        }
        maxX = maxX <= minX ? minX + 1 : maxX;
        double minY = 0;
        if (logY) {
            double lowest = Double.MAX_VALUE;
            for (double[][] s : series) {
                for (double v : s[1]) {
                    if (v > 0) {
                        lowest = Math.min(lowest, v);
                    }
                }
            }
            minY = lowest == Double.MAX_VALUE ? 0.001 : Math.pow(10, Math.floor(Math.log10(lowest)));
            maxY = Math.pow(10, Math.ceil(Math.log10(Math.max(maxY, minY * 10))));
        } else {
            maxY = niceCeiling(maxY);
        }
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT,
                "<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">%n",
                WIDTH, HEIGHT, WIDTH, HEIGHT));
        svg.append(text(WIDTH / 2.0, 18, title, "middle", "bold"));
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>%n",
                LEFT, TOP, plotW, plotH));
        int decades = logY ? (int) Math.round(Math.log10(maxY / minY)) : 4;
        for (int i = 0; i <= decades; i++) {
            double y = TOP + plotH - plotH * i / (double) decades;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>%n",
                    LEFT, y, LEFT + plotW, y));
            svg.append(text(LEFT - 6, y + 4, number(logY ? minY * Math.pow(10, i) : maxY * i / 4), "end", "normal"));
        }
        for (int i = 0; i <= 4; i++) {
            double xTick = LEFT + plotW * i / 4.0;
            svg.append(text(xTick, TOP + plotH + 16, number(minX + (maxX - minX) * i / 4), "middle", "normal"));
        }
        for (int m = 0; m < markX.size(); m++) {
            double px = LEFT + plotW * (Math.min(Math.max(markX.get(m)[0], minX), maxX) - minX) / (maxX - minX);
            svg.append(String.format(Locale.ROOT, "<line class=\"mark\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#777\" stroke-dasharray=\"3 3\"/>%n",
                    px, TOP, px, TOP + plotH));
            svg.append(text(px + 3, TOP + 12, markLabels.get(m), "start", "normal"));
        }
        svg.append(text(LEFT + plotW / 2.0, HEIGHT - 6, xLabel, "middle", "normal"));
        svg.append(String.format(Locale.ROOT,
                "<text x=\"14\" y=\"%d\" transform=\"rotate(-90 14 %d)\" text-anchor=\"middle\" font-size=\"12\" font-family=\"sans-serif\">%s</text>%n",
                TOP + plotH / 2, TOP + plotH / 2, escape(yLabel)));
        for (int s = 0; s < series.size(); s++) {
            double[] xs = series.get(s)[0];
            double[] ys = series.get(s)[1];
            String colour = COLOURS[s % COLOURS.length];
            StringBuilder points = new StringBuilder();
            for (int i = 0; i < xs.length; i++) {
                double px = LEFT + plotW * (xs[i] - minX) / (maxX - minX);
                double py = TOP + plotH - plotH * fraction(ys[i], minY, maxY);
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
                if (xs.length <= 30) {
                    svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>%s: %s</title></circle>%n",
                            px, py, colour, escape(names.get(s)), number(ys[i])));
                }
            }
            svg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s points=\"%s\"/>%n",
                    colour, dashes.get(s), points.toString().trim()));
            double ly = TOP + 14 + 18 * s;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"3\"/>%n",
                    WIDTH - RIGHT + 10, ly - 4, WIDTH - RIGHT + 30, ly - 4, colour));
            svg.append(text(WIDTH - RIGHT + 35, ly, names.get(s), "start", "normal"));
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    /** Where a value sits between the bottom (0) and the top (1) of the plot. */
    private double fraction(double v, double minY, double maxY) {
        if (logY) {
            double clamped = Math.min(Math.max(v, minY), maxY);
            return Math.log10(clamped / minY) / Math.log10(maxY / minY);
        }
        return Math.min(v, maxY) / maxY;
    }

    static double niceCeiling(double v) {
        if (!(v > 0)) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * magnitude >= v) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.format(Locale.ROOT, "%,d", (long) v);
        }
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.3g", v);
    }

    private static String text(double x, double y, String s, String anchor, String weight) {
        return String.format(Locale.ROOT,
                "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"12\" font-weight=\"%s\" font-family=\"sans-serif\">%s</text>%n",
                x, y, anchor, weight, escape(s));
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
