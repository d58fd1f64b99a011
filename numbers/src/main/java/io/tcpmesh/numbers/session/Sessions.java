package io.tcpmesh.numbers.session;

import io.tcpmesh.numbers.codec.ErrorCode;
import io.tcpmesh.numbers.codec.Hello;
import io.tcpmesh.numbers.codec.ProtocolException;
import io.tcpmesh.numbers.store.SessionRecord;
import io.tcpmesh.numbers.store.SessionStore;
import io.tcpmesh.numbers.store.StoreException;
import io.tcpmesh.numbers.store.Versioned;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * The rules of stateful sessions over a {@link SessionStore}: claiming one when a client says hello,
 * releasing it when the connection ends early, discarding it after the final message, and sweeping
 * the expired and the orphaned.
 *
 * <p>Every method may block on the store: call them from a worker thread, never from a MINA I/O thread.
 */
public final class Sessions {
    private static final Logger log = LoggerFactory.getLogger(Sessions.class);
    private static final int CLAIM_ATTEMPTS = 5;

    private final SessionStore store;
    private final Supplier<String> nodeName;
    private final Duration expiry;
    private final Clock clock;
    /** Client id to the token of the connection of this server that streams it. */
    private final ConcurrentMap<String, Object> active = new ConcurrentHashMap<>();

    public Sessions(SessionStore store, Supplier<String> nodeName, Duration expiry, Clock clock) {
        this.store = Objects.requireNonNull(store, "store cannot be null");
        this.nodeName = Objects.requireNonNull(nodeName, "nodeName cannot be null");
        this.expiry = Objects.requireNonNull(expiry, "expiry cannot be null");
        this.clock = Objects.requireNonNull(clock, "clock cannot be null");
    }

    public SessionStore store() {
        return store;
    }

    /** Claims the session the hello names, creating it when the client starts from 0. */
    public Claim claim(Hello hello) throws ProtocolException {
        String id = hello.clientId();
        Object token = new Object();
        try {
            for (int attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
                Optional<Versioned> current = store.get(id);
                Optional<Claim> claim = current.isEmpty() ? create(hello, token) : resume(hello, current.get(), token);
                if (claim.isPresent()) {
                    return claim.get();
                }
            }
        } catch (StoreException e) {
            active.remove(id, token);
            throw new ProtocolException(ErrorCode.UNAVAILABLE, "session store unavailable, retry later");
        } catch (ProtocolException e) {
            active.remove(id, token);
            throw e;
        }
        active.remove(id, token);
        throw new ProtocolException(ErrorCode.UNAVAILABLE, "session " + id + " is changing under us, retry later");
    }

    private Optional<Claim> create(Hello hello, Object token) throws StoreException, ProtocolException {
        String id = hello.clientId();
        if (hello.next() > 0) {
            throw new ProtocolException(ErrorCode.UNKNOWN, "no session " + id + ": never started, finished, or expired");
        }
        SessionRecord record = new SessionRecord(ThreadLocalRandom.current().nextLong(), hello.count(), 0, null, nodeName.get());
        active.put(id, token);
        return store.create(id, record).map(version -> new Claim(id, record, version, token));
    }

    private Optional<Claim> resume(Hello hello, Versioned current, Object token) throws StoreException, ProtocolException {
        String id = hello.clientId();
        SessionRecord record = current.record();
        if (!record.connected() && expired(record)) {
            store.delete(id, current.version());
            throw new ProtocolException(ErrorCode.EXPIRED, "session " + id + " expired: disconnected "
                    + (clock.millis() - record.disconnectedAt()) + " ms ago, the limit is " + expiry.toMillis() + " ms");
        }
        if (record.count() != hello.count()) {
            throw new ProtocolException(ErrorCode.MISMATCH, "session " + id + " has count " + record.count() + ", not " + hello.count());
        }
        if (!record.connected() && hello.next() > record.next()) {
            throw new ProtocolException(ErrorCode.MISMATCH, "session " + id + " was sent " + record.next()
                    + " messages, the client cannot resume at " + hello.next());
        }
        SessionRecord claimed = record.connectedTo(nodeName.get(), hello.next());
        active.put(id, token);
        return store.replace(id, claimed, current.version()).map(version -> new Claim(id, claimed, version, token));
    }

    private boolean expired(SessionRecord record) {
        return clock.millis() - record.disconnectedAt() > expiry.toMillis();
    }

    /**
     * The sweep leaves an expired session one more expiry, so a client coming back soon after the
     * expiry is told {@code expired} rather than {@code unknown}.
     */
    private boolean forgotten(SessionRecord record) {
        return clock.millis() - record.disconnectedAt() > 2 * expiry.toMillis();
    }

    /** The connection ended before the final message: keep the session for the expiry. */
    public void release(Claim claim, int next) {
        try {
            Optional<Integer> written = store.replace(claim.clientId(), claim.record().disconnected(next, clock.millis()), claim.version());
            if (written.isEmpty()) {
                log.debug("[{}] session {} was taken over or removed; not releasing it", nodeName.get(), claim.clientId());
            }
        } catch (StoreException e) {
            log.warn("[{}] cannot release session {}: {}", nodeName.get(), claim.clientId(), e.getMessage());
        } finally {
            active.remove(claim.clientId(), claim.token());
        }
    }

    /** The final message was sent: discard the session at once. */
    public void finish(Claim claim) {
        try {
            store.delete(claim.clientId(), claim.version());
        } catch (StoreException e) {
            log.warn("[{}] cannot delete finished session {} (the sweep will): {}", nodeName.get(), claim.clientId(), e.getMessage());
        } finally {
            active.remove(claim.clientId(), claim.token());
        }
    }

    /**
     * Deletes every session disconnected longer than twice the expiry, and starts the expiry clock of
     * sessions whose server is gone. Returns how many it deleted.
     */
    public int sweep() {
        int deleted = 0;
        try {
            for (String id : store.clientIds()) {
                if (active.containsKey(id)) {
                    continue;
                }
                Optional<Versioned> current = store.get(id);
                if (current.isPresent() && sweep(id, current.get())) {
                    deleted++;
                }
            }
        } catch (StoreException e) {
            log.warn("[{}] session sweep failed: {}", nodeName.get(), e.getMessage());
        }
        return deleted;
    }

    private boolean sweep(String id, Versioned current) throws StoreException {
        SessionRecord record = current.record();
        if (!record.connected()) {
            if (forgotten(record) && store.delete(id, current.version())) {
                log.info("[{}] session {} expired at {}/{}: deleted", nodeName.get(), id, record.next(), record.count());
                return true;
            }
            return false;
        }
        boolean mine = nodeName.get().equals(record.owner());
        if (mine || !store.ownerAlive(record.owner())) {
            // its server is gone (or restarted): count the expiry from now
            store.replace(id, record.disconnected(record.next(), clock.millis()), current.version());
            log.info("[{}] session {} of server {} has no server any more: expires in {} ms", nodeName.get(), id, record.owner(), expiry.toMillis());
        }
        return false;
    }

    /** How many sessions this server streams now. */
    public int activeCount() {
        return active.size();
    }
}
