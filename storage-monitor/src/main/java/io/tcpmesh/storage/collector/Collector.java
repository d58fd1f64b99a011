package io.tcpmesh.storage.collector;

import io.tcpmesh.coordination.bootstrap.Durations;
import io.tcpmesh.coordination.bootstrap.Node;
import io.tcpmesh.storage.protocol.Message;
import io.tcpmesh.storage.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The collector: hands what MINA's I/O threads see to the {@link DatabaseThread}, where the roles live:
 * {@link AgentProtocol} (HELLO and the numbered messages), {@link Runs} (the run lifecycle),
 * {@link Liveness} (heartbeats and grace periods) and {@link ReportWriter}. The I/O threads never wait
 * on the disk; {@link ReadBacklog} pauses a connection's reads while its messages pile up.
 */
public final class Collector implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Collector.class);

    private final Node node;
    private final CollectorConfig config;
    private final LongSupplier clock;
    private final DatabaseThread thread;
    private final ReportWriter reports;
    private final CopyOnWriteArrayList<Consumer<String>> finishedListeners = new CopyOnWriteArrayList<>();
    private final CollectorCounters counters = new CollectorCounters();
    // database thread only, set by start()
    private Store store;
    private Runs runs;
    private Liveness liveness;
    private AgentProtocol protocol;

    public Collector(Node node, CollectorConfig config) {
        this(node, config, System::currentTimeMillis, System.out);
    }

    Collector(Node node, CollectorConfig config, LongSupplier clock, PrintStream console) {
        this.node = node;
        this.config = config;
        this.clock = clock;
        this.thread = new DatabaseThread(node.name());
        this.reports = new ReportWriter(node, config.reports(), console);
    }

    /** Opens the database, takes up the run left open by a previous collector, and starts the checks. */
    public Collector start() {
        thread.call(() -> {
            store = Store.open(config.db());
            runs = new Runs(node, store, config.expect(), this::finished);
            liveness = new Liveness(node, store, runs);
            protocol = new AgentProtocol(node, store, runs, liveness, new HelloCheck(), counters);
            runs.resumeOpenRun(clock.getAsLong());
        });
        return this;
    }

    /** The port is bound: grace periods of a taken-up run count from now, and the checks start. */
    public void serving() {
        thread.call(() -> runs.serving(clock.getAsLong()));
        thread.every(config.tick(), () -> ifOpen(this::tick));
    }

    private void tick() {
        liveness.tick(clock.getAsLong());
        counters.census(runs.count(), runs.agentsByStatus());
    }

    /** What /metrics shows; thread-safe. */
    public CollectorCounters counters() {
        return counters;
    }

    public void onRunFinished(Consumer<String> listener) {
        finishedListeners.add(listener);
    }

    private void finished(String runId) {
        reports.write(store, runId);
        finishedListeners.forEach(l -> l.accept(runId));
    }

    // ---- called on I/O threads

    /** A connection opened: it must say HELLO within the deadline, however its bytes trickle. */
    void opened(AgentSession session) {
        thread.schedule(config.helloTimeout(), () -> ifOpen(() -> {
            if (!session.joined() && !session.failed) {
                protocol.reject(session, "no HELLO within " + Durations.format(config.helloTimeout()), clock.getAsLong());
            }
        }));
    }

    void received(AgentSession session, Message message) {
        long arrived = clock.getAsLong();
        if (message instanceof Message.Heartbeat) {
            session.heartbeatArrived = arrived;
        } else if (message instanceof Message.Stop) {
            session.stopArrived = true;
        }
        session.backlog.queued(session.connection);
        thread.execute(() -> {
            try {
                ifOpen(() -> handle(session, message, arrived));
            } finally {
                session.backlog.handled(session.connection);
            }
        });
    }

    void closed(AgentSession session) {
        thread.execute(() -> ifOpen(() -> protocol.closed(session, clock.getAsLong())));
    }

    /** A protocol error seen on an I/O thread (a bad frame, no HELLO in time). */
    void failed(AgentSession session, String error) {
        session.connection.suspendReads();
        thread.execute(() -> ifOpen(() -> protocol.reject(session, error, clock.getAsLong())));
    }

    // ---- database thread

    private void handle(AgentSession session, Message message, long arrived) {
        try {
            protocol.received(session, message, arrived);
        } catch (RuntimeException e) {
            log.error("[{}] session {}: cannot handle {}", node.name(), session.connection.id(), message.type(), e);
            protocol.reject(session, "collector failed on " + message.type() + ": " + e.getMessage(), clock.getAsLong());
        }
    }

    private void ifOpen(Runnable task) {
        if (store != null) {
            task.run();
        }
    }

    /** Finishes what the I/O threads handed over, then closes the database. */
    @Override
    public void close() {
        thread.close(() -> {
            if (store != null) {
                runs.stopping(clock.getAsLong());
                store.close();
                store = null;
            }
        });
    }
}
