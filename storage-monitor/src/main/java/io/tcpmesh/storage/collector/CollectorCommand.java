package io.tcpmesh.storage.collector;

import io.tcpmesh.coordination.VersionProvider;
import io.tcpmesh.coordination.bootstrap.ExitCodes;
import io.tcpmesh.coordination.bootstrap.RunningService;
import io.tcpmesh.coordination.bootstrap.ServiceLauncher;
import io.tcpmesh.coordination.bootstrap.ServiceOptions;
import io.tcpmesh.coordination.bootstrap.StopSignals;
import io.tcpmesh.storage.report.HtmlReport;
import io.tcpmesh.storage.report.ReportBuilder;
import io.tcpmesh.storage.report.RunReport;
import io.tcpmesh.storage.report.TextReport;
import io.tcpmesh.storage.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code storage-collector}: the server, and {@code runs} / {@code report} to read its database. */
@Command(name = "storage-collector", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        subcommands = {CollectorCommand.Runs.class, CollectorCommand.Report.class},
        description = {"Collects storage-agent runs into a SQLite database and writes each run's report (text, JSON, HTML).",
                "A run opens at the first agent that joins and finishes when every agent has stopped or is gone."})
public final class CollectorCommand implements Callable<Integer> {
    public static final String SERVICE = "storage-collector";
    public static final int DEFAULT_PORT = 7201;

    @Mixin
    ServiceOptions service = new ServiceOptions(DEFAULT_PORT);

    @Option(names = "--db", paramLabel = "FILE", description = "SQLite database (default: ${DEFAULT-VALUE}).")
    Path db = Path.of("storage-monitor.db");

    @Option(names = "--reports", paramLabel = "DIR", description = "Folder for the reports RUN.txt, RUN.json, RUN.html (default: ${DEFAULT-VALUE}).")
    Path reports = Path.of("storage-reports");

    @Option(names = "--expect", paramLabel = "N", description = "A run finishes only once N agents have joined (default: 0, any number).")
    int expect;

    @Option(names = "--exit-when-done", description = "Exit 0 once the first run has finished and its report is written.")
    boolean exitWhenDone;

    public static void main(String[] args) {
        ServiceLauncher.main(new CollectorCommand(), args);
    }

    @Override
    public Integer call() throws Exception {
        CollectorConfig config = new CollectorConfig(db, reports, expect, exitWhenDone);
        CountDownLatch stop = new CountDownLatch(1);
        StopSignals.onStop(stop::countDown);
        try (RunningService running = ServiceLauncher.start(SERVICE, service, new CollectorModule(config))) {
            Runtime.getRuntime().addShutdownHook(new Thread(running::close, "shutdown-" + running.node().name()));
            if (exitWhenDone) {
                running.instance(Collector.class).onRunFinished(run -> stop.countDown());
            }
            stop.await();
            running.close();
        }
        return ExitCodes.OK;
    }

    @Command(name = "runs", mixinStandardHelpOptions = true, description = "Lists the runs in the database.")
    static final class Runs implements Callable<Integer> {
        @Option(names = "--db", paramLabel = "FILE", description = QUERY_DB)
        Path db;

        @Override
        public Integer call() {
            Path file = queryDb(db);
            try (Store store = Store.open(file)) {
                System.out.printf("%-28s %-24s %-24s %6s%n", "RUN", "OPENED", "CLOSED", "AGENTS");
                for (Store.RunRow r : store.runs()) {
                    System.out.printf("%-28s %-24s %-24s %6d%n", r.id(), Instant.ofEpochMilli(r.openedAt()),
                            r.closedAt() == null ? "(open)" : Instant.ofEpochMilli(r.closedAt()), r.agents());
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "report", mixinStandardHelpOptions = true, description = "Prints a run's report again, or writes it as HTML or JSON.")
    static final class Report implements Callable<Integer> {
        @Parameters(paramLabel = "RUN-ID", description = "The run, as 'runs' lists it.")
        String run;

        @Option(names = "--db", paramLabel = "FILE", description = QUERY_DB)
        Path db;

        @Option(names = "--html", paramLabel = "FILE", description = "Write the HTML page to FILE instead of printing text.")
        Path html;

        @Option(names = "--json", description = "Print JSON instead of text.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            Path file = queryDb(db);
            try (Store store = Store.open(file)) {
                RunReport report = ReportBuilder.build(store, run);
                if (html != null) {
                    Files.writeString(html, HtmlReport.render(report), StandardCharsets.UTF_8);
                    System.out.println("wrote " + html);
                } else {
                    System.out.print(json ? ReportBuilder.json(report) : TextReport.render(report));
                }
            }
            return ExitCodes.OK;
        }
    }

    static final String QUERY_DB = "SQLite database (default: storage-monitor.db in the current folder if it exists, "
            + "else the database of the cluster start-cluster.sh runs, $TCPMESH_RUN_DIR/storage/runs.db, default dist/run/storage/runs.db).";

    /** The database a query reads: --db, else ./storage-monitor.db, else the cluster's (the launcher says where it is). */
    static Path queryDb(Path given) {
        if (given != null) {
            return requireExists(given, "");
        }
        Path local = Path.of("storage-monitor.db");
        String cluster = System.getenv("TCPMESH_CLUSTER_DB");
        if (!Files.isRegularFile(local) && cluster != null && Files.isRegularFile(Path.of(cluster))) {
            return Path.of(cluster);
        }
        return requireExists(local, cluster == null ? "" : " nor at " + cluster + " (the cluster's)");
    }

    private static Path requireExists(Path db, String alsoTried) {
        if (!Files.isRegularFile(db)) {
            throw new IllegalArgumentException("--db: no database at " + db + alsoTried);
        }
        return db;
    }
}
