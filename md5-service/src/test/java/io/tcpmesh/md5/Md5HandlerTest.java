package io.tcpmesh.md5;

import io.tcpmesh.coordination.bootstrap.Node;
import io.tcpmesh.coordination.testing.Timing;
import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.filterchain.IoFilterAdapter;
import org.apache.mina.core.session.DummySession;
import org.apache.mina.core.session.IdleStatus;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.core.write.WriteRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;

/** The handler driven through MINA's in-memory DummySession: no sockets. */
class Md5HandlerTest {
    private final Md5Stats stats = new Md5Stats();
    private Md5Handler handler;

    @AfterEach
    void close() {
        if (handler != null) {
            handler.close();
        }
    }

    /** With one hashing thread: tasks of all sessions run in the order they were queued. */
    private Md5Handler handler(Hashing hashing, int maxConnections) {
        return handler(Md5Config.defaults().withHashing(hashing).withMaxConnections(maxConnections).withIoThreads(1));
    }

    private Md5Handler handler(Md5Config config) {
        handler = new Md5Handler(new Node("md5", "md5-test"), config, stats);
        return handler;
    }

    /** A session whose writes are recorded as text. */
    private static final class Recorded {
        final DummySession session = new DummySession();
        final ConcurrentLinkedQueue<String> written = new ConcurrentLinkedQueue<>();

        Recorded(Md5Handler handler) {
            session.setHandler(handler);
            session.getFilterChain().addLast("record", new IoFilterAdapter() {
                @Override
                public void filterWrite(NextFilter next, IoSession s, WriteRequest request) {
                    if (request.getMessage() instanceof IoBuffer b) {
                        IoBuffer copy = b.duplicate();
                        byte[] bytes = new byte[copy.remaining()];
                        copy.get(bytes);
                        written.add(new String(bytes, StandardCharsets.US_ASCII));
                    }
                    next.filterWrite(s, request);
                }
            });
            session.getFilterChain().fireSessionCreated();
            session.getFilterChain().fireSessionOpened();
        }

        void send(byte[] data, int from, int to) {
            session.getFilterChain().fireMessageReceived(IoBuffer.wrap(data, from, to - from).slice());
        }
    }

    @ParameterizedTest
    @EnumSource(Hashing.class)
    void halfCloseAnswersTheDigestOfEveryChunk(Hashing hashing) throws Exception {
        Recorded r = new Recorded(handler(hashing, 10));
        byte[] data = new byte[300_000];
        Random random = new Random(7);
        random.nextBytes(data);
        int at = 0;
        while (at < data.length) {
            int n = Math.min(data.length - at, 1 + random.nextInt(5000));
            r.send(data, at, at + n);
            at += n;
        }
        r.session.getFilterChain().fireInputClosed();
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data)) + "\n";
        Timing.await("the answer", Duration.ofSeconds(5), () -> !r.written.isEmpty());
        assertThat(r.written).containsExactly(expected);
        assertThat(r.session.isReadSuspended()).as("reads suspended after FIN").isTrue();
        assertThat(stats.answered()).isEqualTo(1);
        assertThat(stats.bytes()).isEqualTo(data.length);
    }

    @ParameterizedTest
    @EnumSource(Hashing.class)
    void emptyInputAnswersTheEmptyDigest(Hashing hashing) {
        Recorded r = new Recorded(handler(hashing, 10));
        r.session.getFilterChain().fireInputClosed();
        Timing.await("the answer", Duration.ofSeconds(5), () -> !r.written.isEmpty());
        assertThat(r.written).containsExactly("d41d8cd98f00b204e9800998ecf8427e\n");
    }

    @ParameterizedTest
    @EnumSource(Hashing.class)
    void idleSessionIsClosedWithoutAnswer(Hashing hashing) {
        Md5Handler h = handler(hashing, 10);
        Recorded r = new Recorded(h);
        r.send("partial".getBytes(StandardCharsets.US_ASCII), 0, 7);
        r.session.getFilterChain().fireSessionIdle(IdleStatus.READER_IDLE);
        assertThat(r.session.isClosing()).isTrue();
        r.session.getFilterChain().fireInputClosed();
        awaitEverythingQueuedBefore(h);
        assertThat(r.written).isEmpty();
        assertThat(stats.idle()).isEqualTo(1);
        assertThat(stats.answered()).as("the later session only").isEqualTo(1);
    }

    /**
     * In executor mode an answer is written later, on the hashing thread: a later session's answer, queued
     * behind it on the one hashing thread, shows that whatever was queued before has run.
     */
    private static void awaitEverythingQueuedBefore(Md5Handler h) {
        Recorded later = new Recorded(h);
        later.session.getFilterChain().fireInputClosed();
        Timing.await("a later session's answer", Duration.ofSeconds(5), () -> !later.written.isEmpty());
    }

    @ParameterizedTest
    @EnumSource(Hashing.class)
    void connectionUnderTheMinimumRateIsClosedAtTheEndOfItsWindow(Hashing hashing) {
        long start = System.nanoTime();
        Md5Handler h = handler(Md5Config.defaults().withHashing(hashing).withIoThreads(1).withMinRate(100, Duration.ofSeconds(10)));
        Recorded r = new Recorded(h);
        r.send(new byte[999], 0, 999);
        h.checkRate(r.session, start + Duration.ofSeconds(9).toNanos());
        assertThat(r.session.isClosing()).as("within the first window").isFalse();
        h.checkRate(r.session, start + Duration.ofSeconds(11).toNanos());
        assertThat(r.session.isClosing()).as("999 bytes in 10 s, under 100 B/s").isTrue();
        assertThat(stats.slow()).isEqualTo(1);
        r.session.getFilterChain().fireInputClosed();
        awaitEverythingQueuedBefore(h);
        assertThat(r.written).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Hashing.class)
    void everyWindowIsMeasuredOnItsOwn(Hashing hashing) {
        long start = System.nanoTime();
        Md5Handler h = handler(Md5Config.defaults().withHashing(hashing).withMinRate(100, Duration.ofSeconds(10)));
        Recorded r = new Recorded(h);
        r.send(new byte[1000], 0, 1000);
        h.checkRate(r.session, start + Duration.ofSeconds(11).toNanos());
        assertThat(r.session.isClosing()).as("1000 bytes in the first window").isFalse();
        r.send(new byte[1000], 0, 1000);
        h.checkRate(r.session, start + Duration.ofSeconds(22).toNanos());
        assertThat(r.session.isClosing()).as("1000 more in the second").isFalse();
        r.send(new byte[10], 0, 10);
        h.checkRate(r.session, start + Duration.ofSeconds(33).toNanos());
        assertThat(r.session.isClosing()).as("10 bytes in the third, though 2010 in all").isTrue();
    }

    @ParameterizedTest
    @EnumSource(Hashing.class)
    void aZeroMinimumRateTurnsTheCheckOff(Hashing hashing) {
        long start = System.nanoTime();
        Md5Handler h = handler(Md5Config.defaults().withHashing(hashing).withMinRate(0, Duration.ofSeconds(10)));
        Recorded r = new Recorded(h);
        h.checkRate(r.session, start + Duration.ofHours(1).toNanos());
        assertThat(r.session.isClosing()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(Hashing.class)
    void sessionsPastTheCapAreClosedAtOnceAndCounted(Hashing hashing) {
        Md5Handler h = handler(hashing, 2);
        Recorded first = new Recorded(h);
        Recorded second = new Recorded(h);
        Recorded third = new Recorded(h);
        assertThat(third.session.isClosing()).isTrue();
        assertThat(first.session.isClosing()).isFalse();
        assertThat(second.session.isClosing()).isFalse();
        assertThat(stats.rejected()).isEqualTo(1);
        assertThat(stats.open()).isEqualTo(2);

        first.session.getFilterChain().fireInputClosed();
        Timing.await("first answered", Duration.ofSeconds(5), () -> first.written.size() == 1);
        first.session.closeNow();
        Timing.await("first closed", Duration.ofSeconds(5), () -> stats.open() == 1);
        Recorded fourth = new Recorded(h);
        assertThat(fourth.session.isClosing()).as("a slot freed by a finished session is reused").isFalse();
        assertThat(stats.rejected()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Hashing.class)
    void closingBeforeHalfCloseCountsAsAbandoned(Hashing hashing) {
        Recorded r = new Recorded(handler(hashing, 10));
        r.send(new byte[10], 0, 10);
        r.session.closeNow();
        assertThat(r.written).isEmpty();
        assertThat(stats.abandoned()).isEqualTo(1);
        assertThat(stats.open()).isZero();
    }
}
