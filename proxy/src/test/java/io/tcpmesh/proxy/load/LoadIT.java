package io.tcpmesh.proxy.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tcpmesh.coordination.testing.Timing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the real tester, in this JVM, against small counting servers on loopback. */
class LoadIT {
    @TempDir
    Path dir;

    private record Outcome(int code, JsonNode summary, String out, String err) {
    }

    private Outcome load(String... args) throws IOException {
        Path json = dir.resolve("report-" + System.nanoTime() + ".json");
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--json", json.toString()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = LoadCommand.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), all.toArray(String[]::new));
        JsonNode summary = Files.exists(json) ? new ObjectMapper().readTree(json.toFile()).path("runs").get(0).path("summary") : null;
        return new Outcome(code, summary, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String target(CountingServer server) {
        return "127.0.0.1:" + server.port();
    }

    @Test
    void echoSummaryCountsEqualWhatTheServerSaw() throws Exception {
        try (CountingServer server = CountingServer.start(CountingServer.Kind.ECHO)) {
            Outcome o = load("-c", "4", "-d", "2s", "--size", "100", target(server));
            assertThat(o.code()).as(o.err()).isZero();
            long requests = o.summary().path("requests").asLong();
            assertThat(requests).isGreaterThan(100);
            assertThat(o.summary().path("errors").asLong()).isZero();
            assertThat(o.summary().path("attempts").asLong()).isEqualTo(requests);
            assertThat(o.summary().path("bytesReceived").asLong()).isEqualTo(requests * 100);
            assertThat(server.bytesRead.get()).isEqualTo(o.summary().path("bytesSent").asLong());
            assertThat(server.bytesWritten.get()).isEqualTo(o.summary().path("bytesReceived").asLong());
            assertThat(server.connections.get()).isEqualTo(4);
            assertThat(o.err()).contains("req/s", "p99");
            assertThat(o.out()).contains("requests      " + requests + " ok");
        }
    }

    @Test
    void md5SummaryCountsEqualTheDigestsTheServerAnswered() throws Exception {
        try (CountingServer server = CountingServer.start(CountingServer.Kind.MD5)) {
            Outcome o = load("--mode", "md5", "-c", "2", "-d", "2s", "--size", "1K", target(server));
            assertThat(o.code()).as(o.err()).isZero();
            long requests = o.summary().path("requests").asLong();
            assertThat(requests).isGreaterThan(20);
            assertThat(o.summary().path("errors").asLong()).isZero();
            Timing.await("the server counted every answer", Duration.ofSeconds(5), () -> server.answered.get() == requests);
            assertThat(server.connections.get()).isEqualTo(requests);
            assertThat(server.bytesRead.get()).isEqualTo(requests * 1024);
        }
    }

    @Test
    void requestCountStopsTheRunExactly() throws Exception {
        try (CountingServer server = CountingServer.start(CountingServer.Kind.ECHO)) {
            Outcome o = load("-c", "3", "-n", "250", "--message", "hello world", target(server));
            assertThat(o.code()).as(o.err()).isZero();
            assertThat(o.summary().path("requests").asLong()).isEqualTo(250);
            assertThat(server.bytesRead.get()).isEqualTo(250 * 11);
        }
    }

    @Test
    void openLoopSendsAtTheAskedRate() throws Exception {
        try (CountingServer server = CountingServer.start(CountingServer.Kind.ECHO)) {
            Outcome o = load("-c", "2", "-d", "2s", "--rate", "400", target(server));
            assertThat(o.code()).as(o.err()).isZero();
            assertThat(o.summary().path("requests").asLong()).isBetween(780L, 802L);
            assertThat(server.bytesRead.get()).isEqualTo(o.summary().path("requests").asLong() * 64);
        }
    }

    @Test
    void wrongEchoRepliesExitNonZero() throws Exception {
        try (CountingServer server = CountingServer.start(CountingServer.Kind.CORRUPTING_ECHO)) {
            Outcome o = load("-c", "1", "-n", "100", target(server));
            assertThat(o.code()).isEqualTo(LoadCommand.WRONG_REPLY);
            assertThat(o.summary().path("errorsByKind").path("wrongReply").asLong()).isGreaterThan(0);
            assertThat(o.summary().path("requests").asLong()).isGreaterThan(0);
        }
    }

    @Test
    void wrongDigestsExitNonZero() throws Exception {
        try (CountingServer server = CountingServer.start(CountingServer.Kind.WRONG_MD5)) {
            Outcome o = load("--mode", "md5", "-n", "20", target(server));
            assertThat(o.code()).isEqualTo(LoadCommand.WRONG_REPLY);
            assertThat(o.summary().path("errorsByKind").path("wrongReply").asLong()).isEqualTo(20);
        }
    }

    @Test
    void aClosedPortIsCountedAsRefused() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Outcome o = load("--mode", "connect", "-n", "50", "127.0.0.1:" + port);
        assertThat(o.code()).isEqualTo(LoadCommand.NOTHING_ANSWERED);
        assertThat(o.summary().path("errorsByKind").path("refused").asLong()).isEqualTo(50);
    }

    @Test
    void failedRequestsExitNonZeroUnlessMaxErrorsAllowsThem() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        try (CountingServer server = CountingServer.start(CountingServer.Kind.ECHO)) {
            Outcome o = load("--mode", "connect", "-c", "2", "-n", "40", target(server), "127.0.0.1:" + closed);
            long refused = o.summary().path("errorsByKind").path("refused").asLong();
            assertThat(refused).isGreaterThan(0);
            assertThat(o.summary().path("requests").asLong()).isGreaterThan(0);
            assertThat(o.code()).isEqualTo(LoadCommand.TOO_MANY_ERRORS);
            assertThat(o.err()).contains("more than --max-errors 0: exit 6");

            o = load("--mode", "connect", "-c", "2", "-n", "40", "--max-errors", "40", target(server), "127.0.0.1:" + closed);
            assertThat(o.code()).as(o.err()).isZero();
        }
    }

    @Test
    void connectModeCountsEachConnection() throws Exception {
        try (CountingServer server = CountingServer.start(CountingServer.Kind.ECHO)) {
            Outcome o = load("--mode", "connect", "-c", "2", "-n", "200", target(server));
            assertThat(o.code()).as(o.err()).isZero();
            assertThat(o.summary().path("requests").asLong()).isEqualTo(200);
            Timing.await("the server accepted every connection", Duration.ofSeconds(5), () -> server.connections.get() == 200);
        }
    }

    @Test
    void aSweepRunsOncePerConnectionCountAndDrawsTheHtml() throws Exception {
        Path html = dir.resolve("sweep.html");
        try (CountingServer server = CountingServer.start(CountingServer.Kind.ECHO)) {
            Outcome o = load("--sweep", "1,3", "-n", "100", "-q", "--html", html.toString(), target(server));
            assertThat(o.code()).as(o.err()).isZero();
            assertThat(Files.readString(html)).contains("Requests per second against connections");
            assertThat(server.connections.get()).isEqualTo(4);
            assertThat(o.err()).doesNotContain("req/s");
        }
    }
}
