package io.tcpmesh.numbers.store;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * What the server keeps about one stateful stream: the JSON of its node in the session store.
 *
 * @param seed           the PRNG seed the server picked; the only thing the numbers are derived from
 * @param count          how many messages the stream has
 * @param next           the most messages any connection of the stream has been sent (a client resumes at or below it)
 * @param disconnectedAt epoch millis the last connection ended, or null while a server streams it
 * @param owner          node id of the server that streams it, or last streamed it
 * @param connectedAt    epoch millis the current connection was claimed, or null while disconnected
 * @param intervalMs     the streaming server's interval between messages, or null while disconnected
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SessionRecord(long seed, int count, int next, Long disconnectedAt, String owner, Long connectedAt, Long intervalMs) {

    public SessionRecord {
        if (count < 1) {
            throw new IllegalArgumentException("count must be positive, not " + count);
        }
        if (next < 0 || next > count) {
            throw new IllegalArgumentException("next must be in 0.." + count + ", not " + next);
        }
    }

    /** A new session, streamed by {@code node} from now. */
    public static SessionRecord created(long seed, int count, String node, long now, long intervalMs) {
        return new SessionRecord(seed, count, 0, null, node, now, intervalMs);
    }

    public boolean connected() {
        return disconnectedAt == null;
    }

    /** Streamed again, by {@code node} from now; {@code next} stays the most ever sent. */
    public SessionRecord connectedTo(String node, long now, long interval) {
        return new SessionRecord(seed, count, next, null, node, now, interval);
    }

    /** Its connection ended at {@code at} after sending up to {@code position}. */
    public SessionRecord disconnected(int position, long at) {
        return new SessionRecord(seed, count, Math.max(next, position), at, owner, null, null);
    }

    /**
     * The most messages the stream can have been sent by {@code now}: exact once disconnected; while
     * connected, {@code next} plus one message at the claim and one per interval since, plus
     * {@code skewMs} of clock difference between servers. A record without a claim time (written by
     * an older server) may have sent everything.
     */
    public int mostSent(long now, long skewMs) {
        if (!connected()) {
            return next;
        }
        if (connectedAt == null || intervalMs == null || intervalMs < 1) {
            return count;
        }
        long ticks = 1 + Math.max(0, now - connectedAt + skewMs) / intervalMs;
        return (int) Math.min(count, next + ticks);
    }
}
