package io.tcpmesh.storage.collector;

import io.tcpmesh.coordination.bootstrap.Node;
import io.tcpmesh.storage.report.ReportFiles;
import io.tcpmesh.storage.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.nio.file.Path;

/** Writes a finished run's report files and prints its text to the console. Database thread only. */
final class ReportWriter {
    private static final Logger log = LoggerFactory.getLogger(ReportWriter.class);

    private final Node node;
    private final Path reports;
    private final PrintStream console;

    ReportWriter(Node node, Path reports, PrintStream console) {
        this.node = node;
        this.reports = reports;
        this.console = console;
    }

    /** Writes the report; a failure is logged, never thrown: the run is finished either way. */
    void write(Store store, String runId) {
        try {
            ReportFiles files = ReportFiles.write(store, runId, reports);
            log.info("[{}] run {}: report written to {}, {} and {}", node.name(), runId, files.text(), files.json(), files.html());
            console.print(files.textContent());
            console.flush();
        } catch (Exception e) {
            log.error("[{}] run {}: cannot write the report into {}", node.name(), runId, reports, e);
        }
    }
}
