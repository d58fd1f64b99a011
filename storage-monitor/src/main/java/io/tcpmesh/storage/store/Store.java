package io.tcpmesh.storage.store;

import io.tcpmesh.storage.protocol.Message;
import io.tcpmesh.storage.protocol.MessageCodec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The SQLite database of storage runs: runs, agents, events (every message, raw) and samples.
 *
 * <p>Not thread-safe: the collector uses one store from its single database thread; the query
 * commands and tests open their own.
 */
public final class Store implements AutoCloseable {
    public enum Status { RUNNING, STOPPED, GONE }

    /** What storing an agent's message did: stored it, found the same message stored, or found another one under its seq. */
    public enum Stored { NEW, DUPLICATE, CONFLICT }

    public record RunRow(String id, long openedAt, Long closedAt, int expected, int agents) {
    }

    public record AgentRow(String runId, String agentId, String host, long pid, long firstSeen, Status status,
                           String statusReason, Long statusAt, long heartbeatMs) {
    }

    public record EventRow(String runId, String agentId, Long seq, String type, long at, long receivedAt, String body) {
    }

    public record SampleRow(String agentId, long seq, long at, long intervalMs, long bytes, long totalBytes, long cpuMs,
                            long totalCpuMs, long heapUsed, long heapMax, long rss) {
    }

    private static final String[] SCHEMA = {
        """
        CREATE TABLE IF NOT EXISTS runs (
          id TEXT PRIMARY KEY, opened_at INTEGER NOT NULL, closed_at INTEGER, expected INTEGER NOT NULL DEFAULT 0)""",
        """
        CREATE TABLE IF NOT EXISTS agents (
          run_id TEXT NOT NULL REFERENCES runs(id), agent_id TEXT NOT NULL, host TEXT, pid INTEGER,
          first_seen INTEGER NOT NULL, status TEXT NOT NULL, status_reason TEXT, status_at INTEGER,
          heartbeat_ms INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (run_id, agent_id))""",
        """
        CREATE TABLE IF NOT EXISTS events (
          id INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT, agent_id TEXT, seq INTEGER, type TEXT NOT NULL,
          at INTEGER NOT NULL, received_at INTEGER NOT NULL, body TEXT, UNIQUE (run_id, agent_id, seq))""",
        """
        CREATE TABLE IF NOT EXISTS samples (
          run_id TEXT NOT NULL, agent_id TEXT NOT NULL, seq INTEGER NOT NULL, at INTEGER NOT NULL,
          interval_ms INTEGER, bytes INTEGER, total_bytes INTEGER, cpu_ms INTEGER, total_cpu_ms INTEGER,
          heap_used INTEGER, heap_max INTEGER, rss INTEGER, PRIMARY KEY (run_id, agent_id, seq))""",
        "CREATE INDEX IF NOT EXISTS events_by_run ON events (run_id, agent_id, type)",
    };

    private final Connection db;
    private final Path path;

    private Store(Path path, Connection db) {
        this.path = path;
        this.db = db;
    }

    /** Opens (creating when missing) the database file. */
    public static Store open(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=NORMAL");
                s.execute("PRAGMA busy_timeout=5000");
                for (String ddl : SCHEMA) {
                    s.execute(ddl);
                }
            }
            return new Store(file, c);
        } catch (Exception e) {
            throw new IllegalArgumentException("--db: cannot open SQLite database " + file + ": " + e.getMessage(), e);
        }
    }

    public Path path() {
        return path;
    }

    // ---- runs

    public boolean runExists(String runId) {
        return queryLong("SELECT COUNT(*) FROM runs WHERE id = ?", runId) > 0;
    }

    public boolean runClosed(String runId) {
        return queryLong("SELECT COUNT(*) FROM runs WHERE id = ? AND closed_at IS NOT NULL", runId) > 0;
    }

    public void openRun(String runId, long at, int expected) {
        update("INSERT OR IGNORE INTO runs (id, opened_at, expected) VALUES (?, ?, ?)", runId, at, expected);
    }

    public void closeRun(String runId, long at) {
        update("UPDATE runs SET closed_at = ? WHERE id = ?", at, runId);
    }

    /** The most recently opened run not closed yet. */
    public Optional<String> latestOpenRun() {
        return queryList("SELECT id FROM runs WHERE closed_at IS NULL ORDER BY opened_at DESC, id DESC LIMIT 1",
                rs -> rs.getString(1)).stream().findFirst();
    }

    public List<RunRow> runs() {
        return queryList("""
                SELECT r.id, r.opened_at, r.closed_at, r.expected, (SELECT COUNT(*) FROM agents a WHERE a.run_id = r.id)
                FROM runs r ORDER BY r.opened_at, r.id""",
                rs -> new RunRow(rs.getString(1), rs.getLong(2), nullableLong(rs, 3), rs.getInt(4), rs.getInt(5)));
    }

    public Optional<RunRow> run(String runId) {
        return runs().stream().filter(r -> r.id().equals(runId)).findFirst();
    }

    // ---- agents

    public void joinAgent(String runId, String agentId, String host, long pid, long at) {
        update("""
                INSERT INTO agents (run_id, agent_id, host, pid, first_seen, status) VALUES (?, ?, ?, ?, ?, 'RUNNING')
                ON CONFLICT (run_id, agent_id) DO UPDATE SET host = excluded.host, pid = excluded.pid""",
                runId, agentId, host, pid, at);
    }

    public void agentHeartbeatInterval(String runId, String agentId, long heartbeatMs) {
        update("UPDATE agents SET heartbeat_ms = ? WHERE run_id = ? AND agent_id = ?", heartbeatMs, runId, agentId);
    }

    public void agentStatus(String runId, String agentId, Status status, String reason, long at) {
        update("UPDATE agents SET status = ?, status_reason = ?, status_at = ? WHERE run_id = ? AND agent_id = ?",
                status.name(), reason, at, runId, agentId);
    }

    public List<AgentRow> agents(String runId) {
        return queryList("""
                SELECT run_id, agent_id, host, pid, first_seen, status, status_reason, status_at, heartbeat_ms
                FROM agents WHERE run_id = ? ORDER BY agent_id""",
                rs -> new AgentRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5),
                        Status.valueOf(rs.getString(6)), rs.getString(7), nullableLong(rs, 8), rs.getLong(9)),
                runId);
    }

    // ---- events and samples

    /**
     * Stores an agent's message under (run, agent, seq). A resend of the same message is a {@link Stored#DUPLICATE};
     * another message under a stored seq is a {@link Stored#CONFLICT} and leaves the stored one.
     */
    public Stored insertMessage(String runId, String agentId, Message.Sequenced m, long receivedAt) {
        String body = MessageCodec.toText(m);
        int added = update("INSERT OR IGNORE INTO events (run_id, agent_id, seq, type, at, received_at, body) VALUES (?, ?, ?, ?, ?, ?, ?)",
                runId, agentId, m.seq(), m.type().name(), m.at(), receivedAt, body);
        if (added == 0) {
            List<String> stored = queryList("SELECT body FROM events WHERE run_id = ? AND agent_id = ? AND seq = ?",
                    rs -> rs.getString(1), runId, agentId, m.seq());
            return stored.contains(body) ? Stored.DUPLICATE : Stored.CONFLICT;
        }
        if (m instanceof Message.Monitor s) {
            update("INSERT OR IGNORE INTO samples VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", runId, agentId, s.seq(), s.at(),
                    s.intervalMs(), s.bytes(), s.totalBytes(), s.cpuMs(), s.totalCpuMs(), s.heapUsed(), s.heapMax(), s.rss());
        }
        return Stored.NEW;
    }

    /** The run's most recent event, if it has one. */
    public Optional<EventRow> lastEvent(String runId) {
        return queryList("SELECT run_id, agent_id, seq, type, at, received_at, body FROM events WHERE run_id = ? ORDER BY id DESC LIMIT 1",
                Store::event, runId).stream().findFirst();
    }

    /** Stores something the collector saw: an error, a lost connection, an agent gone. */
    public void insertCollectorEvent(String runId, String agentId, String type, long at, String body) {
        update("INSERT INTO events (run_id, agent_id, seq, type, at, received_at, body) VALUES (?, ?, NULL, ?, ?, ?, ?)",
                runId, agentId, type, at, at, body);
    }

    public List<EventRow> events(String runId) {
        return queryList("SELECT run_id, agent_id, seq, type, at, received_at, body FROM events WHERE run_id = ? ORDER BY id",
                Store::event, runId);
    }

    /** Every event of a type, every run included (errors before a HELLO have no run). */
    public List<EventRow> eventsOfType(String type) {
        return queryList("SELECT run_id, agent_id, seq, type, at, received_at, body FROM events WHERE type = ? ORDER BY id",
                Store::event, type);
    }

    public List<SampleRow> samples(String runId, String agentId) {
        return queryList("""
                SELECT agent_id, seq, at, interval_ms, bytes, total_bytes, cpu_ms, total_cpu_ms, heap_used, heap_max, rss
                FROM samples WHERE run_id = ? AND agent_id = ? ORDER BY at, seq""",
                rs -> new SampleRow(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6),
                        rs.getLong(7), rs.getLong(8), rs.getLong(9), rs.getLong(10), rs.getLong(11)),
                runId, agentId);
    }

    private static EventRow event(ResultSet rs) throws SQLException {
        return new EventRow(rs.getString(1), rs.getString(2), nullableLong(rs, 3), rs.getString(4), rs.getLong(5),
                rs.getLong(6), rs.getString(7));
    }

    // ---- JDBC plumbing

    private interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private int update(String sql, Object... args) {
        try (PreparedStatement ps = prepare(sql, args)) {
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("database " + path + ": " + e.getMessage(), e);
        }
    }

    private long queryLong(String sql, Object... args) {
        return queryList(sql, rs -> rs.getLong(1), args).get(0);
    }

    private <T> List<T> queryList(String sql, RowMapper<T> mapper, Object... args) {
        try (PreparedStatement ps = prepare(sql, args); ResultSet rs = ps.executeQuery()) {
            List<T> out = new ArrayList<>();
            while (rs.next()) {
                out.add(mapper.map(rs));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("database " + path + ": " + e.getMessage(), e);
        }
    }

    private PreparedStatement prepare(String sql, Object... args) throws SQLException {
        PreparedStatement ps = db.prepareStatement(sql);
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
        return ps;
    }

    private static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    @Override
    public void close() {
        try {
            db.close();
        } catch (SQLException e) {
            throw new IllegalStateException("closing database " + path, e);
        }
    }
}
