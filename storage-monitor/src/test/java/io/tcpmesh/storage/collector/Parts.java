package io.tcpmesh.storage.collector;

import io.tcpmesh.coordination.bootstrap.Node;
import io.tcpmesh.storage.protocol.Message;
import io.tcpmesh.storage.store.Store;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The collector's roles wired over a real database, driven on the test thread with a hand-set clock. */
final class Parts implements AutoCloseable {
    final Node node = new Node("storage-collector", "collector-test");
    final Path db;
    final Store store;
    final List<String> finished = new ArrayList<>();
    final Runs runs;
    final Liveness liveness;
    final AgentProtocol protocol;
    long now = 1_000_000;

    Parts(Path dir, int expect) {
        this.db = dir.resolve("parts.db");
        this.store = Store.open(db);
        this.runs = new Runs(node, store, expect, finished::add);
        this.liveness = new Liveness(node, store, runs);
        this.protocol = new AgentProtocol(node, store, runs, liveness, new HelloCheck(), new CollectorCounters());
    }

    AgentSession connect(FakeConnection c) {
        return new AgentSession(c);
    }

    /** A new connection that said HELLO and got WELCOME; returns its session. */
    AgentSession hello(String agent, String run, String host, long pid) {
        AgentSession s = connect(new FakeConnection());
        send(s, new Message.Hello(agent, run, host, pid));
        return s;
    }

    void send(AgentSession s, Message m) {
        protocol.received(s, m, now);
    }

    void advance(long ms) {
        now += ms;
        liveness.tick(now);
    }

    static Message.Start start(long seq, long heartbeatMs) {
        return new Message.Start(seq, 1, 1024, 4096, 1, 60_000, heartbeatMs, 1000, "/data", 1e6);
    }

    static Message.Heartbeat heartbeat(long seq) {
        return new Message.Heartbeat(seq, 2, List.of(new Message.ThreadStatus("writer-0", true, true)), 0);
    }

    static Message.Stop stop(long seq) {
        return new Message.Stop(seq, 3, "runtime over", 1000, 4096, 1, 0, 4, new Message.ChunkStats(4, 1, 2, 2, 3, 3, 3), 5, 0);
    }

    @Override
    public void close() {
        store.close();
    }
}
