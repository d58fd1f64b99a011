package io.tcpmesh.numbers.store;

/**
 * What the server keeps about one stateful stream between connections: the JSON of
 * {@code /numbers/sessions/CLIENT-ID}.
 *
 * @param seed           the PRNG seed the server picked; the only thing the numbers are derived from
 * @param count          how many messages the stream has
 * @param next           how many messages the last server sent (the client resumes at or below it)
 * @param disconnectedAt epoch millis the last connection ended, or null while a server streams it
 * @param owner          node id of the server that streams it, or last streamed it
 */
public record SessionRecord(long seed, int count, int next, Long disconnectedAt, String owner) {

    public SessionRecord {
        if (count < 1) {
            throw new IllegalArgumentException("count must be positive, not " + count);
        }
        if (next < 0 || next > count) {
            throw new IllegalArgumentException("next must be in 0.." + count + ", not " + next);
        }
    }

    public boolean connected() {
        return disconnectedAt == null;
    }

    public SessionRecord connectedTo(String node, int position) {
        return new SessionRecord(seed, count, position, null, node);
    }

    public SessionRecord disconnected(int position, long at) {
        return new SessionRecord(seed, count, position, at, owner);
    }
}
