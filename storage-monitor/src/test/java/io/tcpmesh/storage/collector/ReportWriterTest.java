package io.tcpmesh.storage.collector;

import io.tcpmesh.coordination.bootstrap.Node;
import io.tcpmesh.storage.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ReportWriterTest {
    @TempDir
    Path dir;

    @Test
    void writesTheThreeFilesAndPrintsTheTextToItsConsole() throws Exception {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (Store store = Store.open(dir.resolve("r.db"))) {
            store.openRun("run-x", 1000, 0);
            store.joinAgent("run-x", "a1", "h", 7, 1000);
            new ReportWriter(new Node("storage-collector", "c"), dir.resolve("reports"),
                    new PrintStream(console, true, StandardCharsets.UTF_8)).write(store, "run-x");
        }
        assertThat(dir.resolve("reports").resolve("run-x.json")).exists();
        assertThat(dir.resolve("reports").resolve("run-x.html")).exists();
        String text = Files.readString(dir.resolve("reports").resolve("run-x.txt"));
        assertThat(text).contains("Storage run run-x", "Agent a1");
        assertThat(console.toString(StandardCharsets.UTF_8)).isEqualTo(text);
    }

    @Test
    void aReportThatCannotBeWrittenIsLoggedNotThrown() throws Exception {
        Path blocked = Files.writeString(dir.resolve("a-file"), "not a folder");
        try (Store store = Store.open(dir.resolve("r.db"))) {
            store.openRun("run-x", 1000, 0);
            new ReportWriter(new Node("storage-collector", "c"), blocked, new PrintStream(new ByteArrayOutputStream()))
                    .write(store, "run-x");
        }
        assertThat(Files.readString(blocked)).isEqualTo("not a folder");
    }
}
