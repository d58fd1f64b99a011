package io.tcpmesh.storage.it;

import io.tcpmesh.coordination.testing.TestZooKeeper;
import io.tcpmesh.coordination.testing.Http;
import io.tcpmesh.coordination.testing.Timing;
import io.tcpmesh.storage.agent.Agent;
import io.tcpmesh.storage.protocol.FrameStreams;
import io.tcpmesh.storage.protocol.Message;
import io.tcpmesh.storage.protocol.MessageCodec;
import io.tcpmesh.storage.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProtocolErrorsIT {
    @RegisterExtension
    final TestZooKeeper zk = new TestZooKeeper();

    @TempDir
    Path dir;

    private static Socket connect(StorageFixture.Started collector) throws IOException {
        Socket s = new Socket("127.0.0.1", collector.service().port());
        s.setSoTimeout((int) Timing.seconds(10).toMillis());
        return s;
    }

    private static byte[] frame(String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    /** Reads the collector's ERROR, then expects the connection to end. */
    private static String errorThenClose(Socket s) throws Exception {
        DataInputStream in = new DataInputStream(s.getInputStream());
        Message m = FrameStreams.read(in);
        assertThat(m).isInstanceOf(Message.Error.class);
        assertThatThrownBy(() -> FrameStreams.read(in)).isInstanceOf(EOFException.class);
        return ((Message.Error) m).message();
    }

    @Test
    void malformedOversizedAndUnknownFramesCloseOnlyTheirOwnSession() throws Exception {
        try (StorageFixture f = new StorageFixture(zk, dir)) {
            StorageFixture.Started collector = f.collector(1);
            Agent good = f.create(f.agent("good", "3s", 64 << 10, 256 << 10, Timing.scaled(Duration.ofMillis(500))));
            Future<Agent.Result> run = f.run(good);
            Timing.await("good agent connected", Duration.ofSeconds(10), good::connected);

            try (Socket corrupt = connect(collector)) {
                OutputStream out = corrupt.getOutputStream();
                FrameStreams.write(out, new Message.Hello("corrupt", "side-run", "h", 1));
                assertThat(FrameStreams.read(new DataInputStream(corrupt.getInputStream()))).isInstanceOf(Message.Welcome.class);
                out.write(frame("{\"v\":1,\"type\":\"HEARTBEAT\",\"seq\":"));
                out.flush();
                assertThat(errorThenClose(corrupt)).contains("malformed JSON");
            }
            try (Socket oversized = connect(collector)) {
                oversized.getOutputStream().write(ByteBuffer.allocate(4).putInt(MessageCodec.MAX_FRAME + 1).array());
                oversized.getOutputStream().flush();
                assertThat(errorThenClose(oversized)).contains("exceeds the limit");
            }
            try (Socket unknown = connect(collector)) {
                unknown.getOutputStream().write(frame("{\"v\":1,\"type\":\"PICKLE\",\"data\":\"gASV\"}"));
                unknown.getOutputStream().flush();
                assertThat(errorThenClose(unknown)).contains("unknown message type \"PICKLE\"");
            }
            try (Socket early = connect(collector)) {
                FrameStreams.write(early.getOutputStream(), new Message.Ack(1));
                assertThat(errorThenClose(early)).contains("agents do not send ACK");
            }

            Agent.Result r = run.get(Timing.seconds(30).toMillis(), TimeUnit.MILLISECONDS);
            assertThat(r.delivered()).isTrue();
            assertThat(r.connections()).as("the good agent never lost its connection").isEqualTo(1);
            collector.awaitFinished(r.run());
            try (Store store = Store.open(f.db)) {
                List<String> errors = store.eventsOfType("ERROR").stream().map(Store.EventRow::body).toList();
                assertThat(errors).hasSize(4);
                assertThat(errors).anyMatch(e -> e.contains("malformed JSON")).anyMatch(e -> e.contains("exceeds the limit"))
                        .anyMatch(e -> e.contains("PICKLE")).anyMatch(e -> e.contains("ACK"));
                assertThat(store.agents("side-run")).singleElement().satisfies(a -> {
                    assertThat(a.status()).isEqualTo(Store.Status.GONE);
                    assertThat(a.statusReason()).contains("protocol error");
                });
                assertThat(store.agents(r.run())).singleElement().extracting(Store.AgentRow::status).isEqualTo(Store.Status.STOPPED);
            }
            String metrics = Timing.await("the census taken", Duration.ofSeconds(10),
                    () -> Http.get(collector.service().adminAddress(), "/metrics"),
                    m -> m.contains("tcpmesh_storage_agents{state=\"stopped\"} 1.0") && m.contains("tcpmesh_storage_agents{state=\"gone\"} 1.0"));
            assertThat(metrics).contains("tcpmesh_storage_protocol_errors_total 4.0").contains("tcpmesh_storage_runs 2.0")
                    .contains("tcpmesh_storage_agents{state=\"running\"} 0.0")
                    .doesNotContain("tcpmesh_storage_messages_stored_total 0.0")
                    .contains("tcpmesh_connections_total{listener=\"node\"} 5.0");
        }
    }

    @Test
    void agentSilentForThreeHeartbeatsIsGone() throws Exception {
        try (StorageFixture f = new StorageFixture(zk, dir)) {
            StorageFixture.Started collector = f.collector(1);
            try (Socket silent = connect(collector)) {
                OutputStream out = silent.getOutputStream();
                DataInputStream in = new DataInputStream(silent.getInputStream());
                FrameStreams.write(out, new Message.Hello("silent", null, "h", 1));
                Message.Welcome welcome = (Message.Welcome) FrameStreams.read(in);
                FrameStreams.write(out, new Message.Start(1, System.currentTimeMillis(), 1024, 4096, 1, 60_000, 200, 1000, "/x", 1e6));
                assertThat(FrameStreams.read(in)).isEqualTo(new Message.Ack(1));
                assertThat(errorThenClose(silent)).as("told why before the close").startsWith("gone: 3 heartbeats missed");
                collector.awaitFinished(welcome.run());
                try (Store store = Store.open(f.db)) {
                    assertThat(store.agents(welcome.run())).singleElement().satisfies(a -> {
                        assertThat(a.status()).isEqualTo(Store.Status.GONE);
                        assertThat(a.statusReason()).contains("3 heartbeats missed");
                    });
                }
            }
        }
    }
}
