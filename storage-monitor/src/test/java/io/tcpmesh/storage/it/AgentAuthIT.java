package io.tcpmesh.storage.it;

import io.tcpmesh.coordination.testing.TestCertificates;
import io.tcpmesh.coordination.testing.TestZooKeeper;
import io.tcpmesh.coordination.testing.Timing;
import io.tcpmesh.coordination.tls.TlsClient;
import io.tcpmesh.coordination.tls.TlsClientConfig;
import io.tcpmesh.storage.agent.Agent;
import io.tcpmesh.storage.agent.LinkSecurity;
import io.tcpmesh.storage.protocol.AuthToken;
import io.tcpmesh.storage.protocol.FrameStreams;
import io.tcpmesh.storage.protocol.Message;
import io.tcpmesh.storage.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The collector accepts only agents with the shared token, or with a client certificate from its CA; nothing an intruder sends is stored. */
class AgentAuthIT {
    @RegisterExtension
    final TestZooKeeper zk = new TestZooKeeper();

    @TempDir
    Path dir;

    private static final String TOKEN = "s3cret-token-0123456789";

    /** An intruder's HELLO and a START right behind it, in one write. */
    private static void intrude(Socket s, String token) throws IOException {
        OutputStream out = s.getOutputStream();
        FrameStreams.write(out, new Message.Hello("intruder", "intruder-run", "h", 1, 0, token));
        FrameStreams.write(out, new Message.Start(1, System.currentTimeMillis(), 1024, 4096, 1, 60_000, 200, 1000, "/x", 1e6));
        out.flush();
    }

    private static String errorThenClose(Socket s) throws Exception {
        DataInputStream in = new DataInputStream(s.getInputStream());
        Message m = FrameStreams.read(in);
        assertThat(m).isInstanceOf(Message.Error.class);
        assertThatThrownBy(() -> FrameStreams.read(in)).isInstanceOf(EOFException.class);
        return ((Message.Error) m).message();
    }

    private static Socket connect(StorageFixture.Started collector) throws IOException {
        Socket s = new Socket("127.0.0.1", collector.service().port());
        s.setSoTimeout((int) Timing.seconds(10).toMillis());
        return s;
    }

    private static void assertOnlyTheGoodAgentStored(StorageFixture f, String run) {
        try (Store store = Store.open(f.db)) {
            assertThat(store.runs()).extracting(Store.RunRow::id).containsExactly(run);
            assertThat(store.agents(run)).extracting(Store.AgentRow::agentId).containsExactly("good");
            assertThat(store.events(run)).noneMatch(e -> "intruder".equals(e.agentId()) && "START".equals(e.type()));
        }
    }

    @Test
    void agentWithoutTheTokenIsRefusedAndNothingItSentIsStored() throws Exception {
        Path tokenFile = Files.writeString(dir.resolve("token"), TOKEN + "\n", StandardCharsets.US_ASCII);
        AuthToken token = AuthToken.read(tokenFile);
        try (StorageFixture f = new StorageFixture(zk, dir)) {
            StorageFixture.Started collector = f.collector(1, o -> o, Optional.of(token));
            try (Socket none = connect(collector)) {
                intrude(none, null);
                assertThat(errorThenClose(none)).isEqualTo("authentication failed: HELLO carries no token");
            }
            try (Socket wrong = connect(collector)) {
                intrude(wrong, TOKEN.substring(1) + "x");
                assertThat(errorThenClose(wrong)).isEqualTo("authentication failed: wrong token");
            }
            Agent good = f.create(f.agent("good", "2s", 64 << 10, 256 << 10, Timing.scaled(Duration.ofMillis(500))),
                    new LinkSecurity(Optional.empty(), Optional.of(token)));
            Agent.Result r = f.run(good).get(Timing.seconds(60).toMillis(), TimeUnit.MILLISECONDS);
            assertThat(r.delivered()).isTrue();
            collector.awaitFinished(r.run());
            assertOnlyTheGoodAgentStored(f, r.run());
        }
    }

    @Test
    void agentWithoutAClientCertificateIsRefusedAndOneWithItIsServed() throws Exception {
        TestCertificates certs = TestCertificates.create(Files.createDirectories(dir.resolve("certs")));
        try (StorageFixture f = new StorageFixture(zk, dir)) {
            StorageFixture.Started collector = f.collector(1,
                    o -> o.tls(certs.serverChain(), certs.serverKey()).tlsClientCa(certs.ca()), Optional.empty());
            for (TlsClientConfig refused : List.of(TlsClientConfig.verifying(certs.ca()),
                    TlsClientConfig.verifying(certs.ca()).withCertificate(certs.strangerCertificate(), certs.strangerKey()))) {
                assertThatThrownBy(() -> {
                    try (Socket plain = connect(collector);
                         Socket tls = TlsClient.of(refused, "test", System.err).wrap(plain, "127.0.0.1", collector.service().port())) {
                        intrude(tls, null);
                        FrameStreams.read(new DataInputStream(tls.getInputStream()));
                    }
                }).isInstanceOf(IOException.class);
            }
            TlsClient member = TlsClient.of(TlsClientConfig.verifying(certs.ca())
                    .withCertificate(certs.clientCertificate(), certs.clientKey()), "test", System.err);
            Agent good = f.create(f.agent("good", "2s", 64 << 10, 256 << 10, Timing.scaled(Duration.ofMillis(500))),
                    new LinkSecurity(Optional.of(member), Optional.empty()));
            Future<Agent.Result> run = f.run(good);
            Agent.Result r = run.get(Timing.seconds(60).toMillis(), TimeUnit.MILLISECONDS);
            assertThat(r.delivered()).isTrue();
            collector.awaitFinished(r.run());
            assertOnlyTheGoodAgentStored(f, r.run());
        }
    }

    @Test
    void tokenFileMustHoldAPrintableLine() throws Exception {
        Path shortToken = Files.writeString(dir.resolve("short"), "abc\n");
        assertThatThrownBy(() -> AuthToken.read(shortToken)).hasMessageContaining("short").hasMessageContaining("16 to 1024");
        assertThatThrownBy(() -> AuthToken.read(dir.resolve("missing"))).hasMessageContaining("missing: no such file");
        assertThat(AuthToken.read(Files.writeString(dir.resolve("ok"), TOKEN + "\r\n")).matches(TOKEN)).isTrue();
    }
}
