package io.tcpmesh.storage.report;

import io.tcpmesh.storage.store.Store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A run's report written as RUN.txt, RUN.json and RUN.html into one folder. */
public record ReportFiles(Path text, Path json, Path html, String textContent) {

    public static ReportFiles write(Store store, String runId, Path dir) throws IOException {
        RunReport report = ReportBuilder.build(store, runId);
        Files.createDirectories(dir);
        String text = TextReport.render(report);
        Path t = Files.writeString(dir.resolve(runId + ".txt"), text, StandardCharsets.UTF_8);
        Path j = Files.writeString(dir.resolve(runId + ".json"), ReportBuilder.json(report), StandardCharsets.UTF_8);
        Path h = Files.writeString(dir.resolve(runId + ".html"), HtmlReport.render(report), StandardCharsets.UTF_8);
        return new ReportFiles(t, j, h, text);
    }
}
