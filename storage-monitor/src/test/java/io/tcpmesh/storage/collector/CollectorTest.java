package io.tcpmesh.storage.collector;

import io.tcpmesh.coordination.bootstrap.Node;
import io.tcpmesh.coordination.testing.Timing;
import io.tcpmesh.storage.protocol.Message;
import io.tcpmesh.storage.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The facade with its real database thread, fed as the MINA handler feeds it, without MINA. */
class CollectorTest {
    @TempDir
    Path dir;

    private Collector collector(Duration helloTimeout, ByteArrayOutputStream console) {
        CollectorConfig config = new CollectorConfig(dir.resolve("c.db"), dir.resolve("reports"), 1, false)
                .withHelloTimeout(helloTimeout);
        return new Collector(new Node("storage-collector", "c"), config, System::currentTimeMillis,
                new PrintStream(console, true, StandardCharsets.UTF_8)).start();
    }

    @Test
    void aConnectionWithoutHelloIsToldAndClosedAtTheDeadline() {
        try (Collector c = collector(Duration.ofMillis(200), new ByteArrayOutputStream())) {
            c.serving();
            AgentSession s = new AgentSession(new FakeConnection());
            c.opened(s);
            Timing.await("the deadline's ERROR", Duration.ofSeconds(5), () -> ((FakeConnection) s.connection).closedAfterSending);
            assertThat(((FakeConnection) s.connection).last()).isEqualTo(new Message.Error("no HELLO within 200ms"));
        }
    }

    @Test
    void messagesAreAnsweredInOrderAndAFinishedRunIsReportedAndAnnounced() {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        List<String> finished = new CopyOnWriteArrayList<>();
        FakeConnection connection = new FakeConnection();
        try (Collector c = collector(Duration.ofSeconds(10), console)) {
            c.onRunFinished(finished::add);
            c.serving();
            AgentSession s = new AgentSession(connection);
            c.opened(s);
            c.received(s, new Message.Hello("a", "r", "h", 1));
            c.received(s, Parts.start(1, 1000));
            c.received(s, Parts.heartbeat(2));
            c.received(s, Parts.stop(3));
            Timing.await("run finished", Duration.ofSeconds(10), () -> finished.contains("r"));
            c.closed(s);
        }
        assertThat(connection.sent).containsExactly(new Message.Welcome("r", "c"), new Message.Ack(1), new Message.Ack(2),
                new Message.Ack(3));
        assertThat(console.toString(StandardCharsets.UTF_8)).contains("Storage run r", "1 stopped, 0 gone");
        try (Store store = Store.open(dir.resolve("c.db"))) {
            assertThat(store.events("r")).extracting(Store.EventRow::type).containsExactly("START", "HEARTBEAT", "STOP");
        }
    }
}
