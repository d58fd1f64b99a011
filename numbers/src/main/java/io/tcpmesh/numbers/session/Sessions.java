package io.tcpmesh.numbers.session;

import io.tcpmesh.coordination.LogText;
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
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The rules of stateful sessions over a {@link SessionStore}: claiming one when a client says hello
 * (one server and one connection streams a session at a time), releasing it when the connection ends
 * early, discarding it after the final message, and sweeping the expired and the orphaned.
 *
 * <p>Every method may block on the store: call them from a worker thread, never from a MINA I/O thread.
 */
public final class Sessions {
    /** How far two servers' clocks may differ when one judges what the other can have sent. */
    public static final Duration CLOCK_SKEW = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(Sessions.class);
    private static final int CLAIM_ATTEMPTS = 5;
    private static final long SLOW_SWEEP_MS = 1_000;

    private final SessionStore store;
    private final Supplier<String> nodeName;
    private final Duration expiry;
    private final Duration interval;
    private final Clock clock;
    /** Client id to the position of the stream this server sends it on now. */
    private final ConcurrentMap<String, Live> live = new ConcurrentHashMap<>();

    private record Live(Object token, IntSupplier position) {
    }

    public Sessions(SessionStore store, Supplier<String> nodeName, Duration expiry, Duration interval, Clock clock) {
        this.store = Objects.requireNonNull(store, "store cannot be null");
        this.nodeName = Objects.requireNonNull(nodeName, "nodeName cannot be null");
        this.expiry = Objects.requireNonNull(expiry, "expiry cannot be null");
        this.interval = Objects.requireNonNull(interval, "interval cannot be null");
        this.clock = Objects.requireNonNull(clock, "clock cannot be null");
    }

    /** Claims the session the hello names, creating it when the client starts from 0. */
    public Claim claim(Hello hello) throws ProtocolException {
        String id = hello.clientId();
        try {
            for (int attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
                Optional<Versioned> current = store.get(id);
                Optional<Claim> claim = current.isEmpty() ? create(hello) : resume(hello, current.get());
                if (claim.isPresent()) {
                    return claim.get();
                }
            }
        } catch (StoreException e) {
            throw new ProtocolException(ErrorCode.UNAVAILABLE, "session store unavailable, retry later");
        }
        throw new ProtocolException(ErrorCode.UNAVAILABLE, "session " + id + " is changing under us, retry later");
    }

    /** The stream of a claim has started: its position answers a HELLO for the session while it runs. */
    public void streaming(Claim claim, IntSupplier position) {
        live.put(claim.clientId(), new Live(claim.token(), position));
    }

    /** How many sessions this server streams now. */
    public int streaming() {
        return live.size();
    }

    private Optional<Claim> create(Hello hello) throws StoreException, ProtocolException {
        String id = hello.clientId();
        if (hello.next() > 0) {
            throw new ProtocolException(ErrorCode.UNKNOWN, "no session " + id + ": never started, finished, or expired");
        }
        SessionRecord record = SessionRecord.created(ThreadLocalRandom.current().nextLong(), hello.count(), nodeName.get(),
                clock.millis(), interval.toMillis());
        return store.create(id, record).map(version -> new Claim(id, record, version, new Object()));
    }

    private Optional<Claim> resume(Hello hello, Versioned current) throws StoreException, ProtocolException {
        String id = hello.clientId();
        SessionRecord record = current.record();
        if (current.claimed()) {
            throw streamed(hello, record);
        }
        if (!record.connected() && expired(record)) {
            store.delete(id, current.version());
            throw new ProtocolException(ErrorCode.EXPIRED, "session " + id + " expired: disconnected "
                    + (clock.millis() - record.disconnectedAt()) + " ms ago, the limit is " + expiry.toMillis() + " ms");
        }
        if (record.count() != hello.count()) {
            throw countMismatch(id, record, hello);
        }
        int sent = record.mostSent(clock.millis(), CLOCK_SKEW.toMillis());
        if (hello.next() > sent) {
            throw beyond(id, sent, hello.next());
        }
        // a session whose server died while streaming it (no claim) may have been sent up to `sent`
        SessionRecord claimed = record.disconnected(sent, clock.millis()).connectedTo(nodeName.get(), clock.millis(), interval.toMillis());
        return store.claim(id, claimed, current.version()).map(version -> new Claim(id, claimed, version, new Object()));
    }

    /** The refusal of a HELLO for a session another connection streams: beyond what it was sent, or busy. */
    private ProtocolException streamed(Hello hello, SessionRecord record) {
        if (record.count() != hello.count()) {
            return countMismatch(hello.clientId(), record, hello);
        }
        Live here = live.get(hello.clientId());
        int sent = here != null ? Math.max(record.next(), here.position().getAsInt()) : record.mostSent(clock.millis(), CLOCK_SKEW.toMillis());
        if (hello.next() > sent) {
            return beyond(hello.clientId(), sent, hello.next());
        }
        return new ProtocolException(ErrorCode.BUSY, "session " + hello.clientId() + " is being streamed on another connection"
                + (here != null ? "" : " (server " + LogText.escape(record.owner()) + ")") + ", retry later");
    }

    private static ProtocolException countMismatch(String id, SessionRecord record, Hello hello) {
        return new ProtocolException(ErrorCode.MISMATCH, "session " + id + " has count " + record.count() + ", not " + hello.count());
    }

    private static ProtocolException beyond(String id, int sent, int next) {
        return new ProtocolException(ErrorCode.MISMATCH, "session " + id + " was sent " + (sent == 0 ? "no" : "at most " + sent)
                + " messages, the client cannot resume at " + next);
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

    /** The connection ended before the final message, after sending up to {@code next}: keep the session for the expiry. */
    public void release(Claim claim, int next) {
        try {
            Optional<Integer> written = store.release(claim.clientId(), claim.record().disconnected(next, clock.millis()), claim.version());
            if (written.isEmpty()) {
                log.debug("[{}] session {} was taken over or removed; not releasing it", nodeName.get(), claim.clientId());
            }
        } catch (StoreException e) {
            log.warn("[{}] cannot release session {}: {}", nodeName.get(), claim.clientId(), e.getMessage());
        } finally {
            forget(claim);
        }
    }

    /** The final message was sent: discard the session at once. */
    public void finish(Claim claim) {
        try {
            store.finish(claim.clientId(), claim.version());
        } catch (StoreException e) {
            log.warn("[{}] cannot delete finished session {} (the sweep will): {}", nodeName.get(), claim.clientId(), e.getMessage());
        } finally {
            forget(claim);
        }
    }

    private void forget(Claim claim) {
        live.computeIfPresent(claim.clientId(), (id, l) -> l.token() == claim.token() ? null : l);
    }

    /**
     * Deletes every session disconnected longer than twice the expiry, and starts the expiry clock of
     * sessions whose server is gone (no claim, yet not disconnected), one bucket listing at a time.
     * Returns how many it deleted.
     */
    public int sweep() {
        long started = System.nanoTime();
        int deleted = 0;
        int buckets = 0;
        try {
            for (String bucket : store.buckets()) {
                deleted += sweep(bucket);
                buckets++;
            }
        } catch (StoreException e) {
            log.warn("[{}] session sweep failed: {}", nodeName.get(), e.getMessage());
        }
        long ms = (System.nanoTime() - started) / 1_000_000;
        if (ms >= SLOW_SWEEP_MS) {
            log.info("[{}] session sweep of {} buckets took {} ms, {} deleted", nodeName.get(), buckets, ms, deleted);
        }
        return deleted;
    }

    private int sweep(String bucket) {
        int deleted = 0;
        try {
            Collection<String> ids = store.unclaimedIds(bucket);
            if (ids.isEmpty()) {
                return 0;
            }
            for (Map.Entry<String, Versioned> current : store.getAll(ids).entrySet()) {
                if (!current.getValue().claimed() && sweep(current.getKey(), current.getValue())) {
                    deleted++;
                }
            }
        } catch (StoreException e) {
            log.warn("[{}] session sweep of bucket {} failed: {}", nodeName.get(), bucket, e.getMessage());
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
        // its server is gone with its claim: count the expiry from now
        long now = clock.millis();
        store.replace(id, record.disconnected(record.mostSent(now, CLOCK_SKEW.toMillis()), now), current.version());
        log.info("[{}] session {} of server {} has no server any more: expires in {} ms", nodeName.get(), id,
                LogText.escape(record.owner()), expiry.toMillis());
        return false;
    }
}
