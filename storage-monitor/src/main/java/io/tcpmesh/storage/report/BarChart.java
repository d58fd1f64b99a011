package io.tcpmesh.storage.report;

import java.util.List;
import java.util.Locale;

/** An inline SVG horizontal bar chart with a round value axis; one bar per row, each in its series colour. */
final class BarChart {
    private static final int W = 900;
    private static final int LABEL = 260;
    private static final int RIGHT = 60;
    private static final int TOP = 30;
    private static final int BAR = 22;
    private static final int GAP = 8;
    private static final int AXIS = 45;

    /** One bar: its label, value and colour. */
    record Bar(String label, double value, String colour) {
    }

    private BarChart() {
    }

    static String render(String title, String axisTitle, List<Bar> bars) {
        double max = bars.stream().mapToDouble(Bar::value).max().orElse(1);
        Ticks ticks = Ticks.upTo(max, 8);
        int plotBottom = TOP + bars.size() * (BAR + GAP);
        int h = plotBottom + AXIS;
        StringBuilder b = new StringBuilder();
        b.append(f("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">", W, h, W, h));
        b.append(f("<title>%s</title>", HtmlReport.esc(title)));
        b.append(f("<text x=\"%d\" y=\"18\" font-size=\"14\" font-weight=\"bold\">%s</text>", LABEL, HtmlReport.esc(title)));
        for (double v : ticks.values()) {
            double x = x(v, ticks.last());
            b.append(f("<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e3e3e3\"/>", x, TOP, x, plotBottom));
            b.append(f("<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>", x, plotBottom + 16, ticks.label(v)));
        }
        b.append(f("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>", LABEL, plotBottom, W - RIGHT, plotBottom));
        b.append(f("<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">%s</text>", (LABEL + W - RIGHT) / 2, h - 8,
                HtmlReport.esc(axisTitle)));
        for (int i = 0; i < bars.size(); i++) {
            Bar bar = bars.get(i);
            int y = TOP + i * (BAR + GAP) + GAP / 2;
            b.append(f("<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"end\">%s</text>", LABEL - 8, y + BAR / 2 + 4,
                    HtmlReport.esc(bar.label())));
            b.append(f("<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>", LABEL, y,
                    x(bar.value(), ticks.last()) - LABEL, BAR, bar.colour()));
            b.append(f("<text x=\"%.1f\" y=\"%d\" font-size=\"11\">%.1f</text>", x(bar.value(), ticks.last()) + 4, y + BAR / 2 + 4,
                    bar.value()));
        }
        b.append("</svg>");
        return b.toString();
    }

    private static double x(double value, double max) {
        return LABEL + (W - LABEL - RIGHT) * value / max;
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
