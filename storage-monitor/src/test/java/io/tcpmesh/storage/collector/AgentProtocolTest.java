package io.tcpmesh.storage.collector;

import io.tcpmesh.storage.protocol.Message;
import io.tcpmesh.storage.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class AgentProtocolTest {
    @TempDir
    Path dir;

    private static FakeConnection conn(AgentSession s) {
        return (FakeConnection) s.connection;
    }

    private static String error(AgentSession s) {
        assertThat(conn(s).last()).isInstanceOf(Message.Error.class);
        assertThat(conn(s).closedAfterSending).isTrue();
        return ((Message.Error) conn(s).last()).message();
    }

    @Test
    void helloIsWelcomedAndEachMessageStoredOnceAndAcknowledgedEveryTime() {
        try (Parts p = new Parts(dir, 1)) {
            AgentSession s = p.hello("a", null, "h", 1);
            assertThat(conn(s).sent).singleElement().isInstanceOf(Message.Welcome.class);
            p.send(s, Parts.start(1, 1000));
            p.send(s, Parts.start(1, 1000));
            p.send(s, Parts.stop(2));
            assertThat(conn(s).sent).containsSubsequence(new Message.Ack(1), new Message.Ack(1), new Message.Ack(2));
            assertThat(p.store.events(s.run)).extracting(Store.EventRow::type).containsExactly("START", "STOP");
            assertThat(p.finished).containsExactly(s.run);
        }
    }

    @Test
    void aNumberedMessageBeforeHelloIsAProtocolError() {
        try (Parts p = new Parts(dir, 1)) {
            AgentSession s = p.connect(new FakeConnection());
            p.send(s, Parts.heartbeat(1));
            assertThat(error(s)).isEqualTo("HEARTBEAT before HELLO");
            p.send(s, new Message.Hello("a", null, "h", 1));
            assertThat(conn(s).sent).as("nothing after the error").hasSize(1);
        }
    }

    @Test
    void aSecondHelloAndCollectorMessagesAreProtocolErrorsAndTheAgentIsGone() {
        try (Parts p = new Parts(dir, 1)) {
            AgentSession s = p.hello("a", null, "h", 1);
            p.send(s, new Message.Hello("a", null, "h", 1));
            assertThat(error(s)).isEqualTo("second HELLO on one connection");
            assertThat(p.store.agents(s.run)).singleElement().satisfies(a -> {
                assertThat(a.status()).isEqualTo(Store.Status.GONE);
                assertThat(a.statusReason()).contains("protocol error");
            });
            AgentSession other = p.hello("b", "other", "h", 2);
            p.send(other, new Message.Ack(3));
            assertThat(error(other)).isEqualTo("agents do not send ACK");
        }
    }

    @Test
    void aReconnectionReplacesTheOldConnection() {
        try (Parts p = new Parts(dir, 1)) {
            AgentSession first = p.hello("a", null, "h", 1);
            AgentSession second = p.hello("a", first.run, "h", 1);
            assertThat(conn(first).closed()).isTrue();
            assertThat(conn(second).sent).singleElement().isInstanceOf(Message.Welcome.class);
            p.protocol.closed(first, p.now);
            assertThat(p.store.events(first.run)).extracting(Store.EventRow::type).containsExactly("RECONNECTED");
        }
    }
}
