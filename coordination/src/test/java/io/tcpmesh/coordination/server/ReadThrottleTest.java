package io.tcpmesh.coordination.server;

import io.tcpmesh.coordination.bootstrap.Node;
import io.tcpmesh.coordination.testing.Timing;
import org.apache.mina.core.service.IoHandlerAdapter;
import org.apache.mina.core.session.DummySession;
import org.apache.mina.core.session.IoSession;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReadThrottleTest {
    private static final long HIGH = 1000;
    private static final long LOW = 500;
    /**
     * MINA's selector wakes at least once a second; a resume that waits for that takes up to 1 s. The
     * bound stretches with the machine's load, but never up to that second, or the stall would pass.
     */
    private static final Duration PROMPT = Duration.ofMillis(Math.min(Timing.millis(400).toMillis(), 850));

    @Test
    void suspendsAboveTheHighWaterMarkAndResumesAtTheLow() {
        DummySession session = new DummySession();
        ReadThrottle throttle = new ReadThrottle(session, HIGH, LOW);

        assertThat(throttle.queued(() -> HIGH)).as("at the high water mark").isFalse();
        assertThat(throttle.queued(() -> HIGH + 1)).as("above it").isTrue();
        assertThat(session.isReadSuspended()).isTrue();
        throttle.drained(LOW + 1);
        assertThat(session.isReadSuspended()).as("between the marks").isTrue();
        throttle.drained(LOW);
        assertThat(session.isReadSuspended()).as("at the low water mark").isFalse();
        assertThat(throttle.isPaused()).isFalse();
    }

    @Test
    void aPeerThatDrainedDuringTheSuspensionResumesAtOnce() {
        DummySession session = new DummySession();
        ReadThrottle throttle = new ReadThrottle(session, HIGH, LOW);
        long[] levels = {HIGH + 1, 0};
        int[] reads = {0};

        assertThat(throttle.queued(() -> levels[reads[0]++])).isFalse();
        assertThat(session.isReadSuspended()).isFalse();
    }

    @Test
    void stoppedStaysSuspendedWhateverDrains() {
        DummySession session = new DummySession();
        ReadThrottle throttle = new ReadThrottle(session, HIGH, LOW);
        throttle.queued(() -> HIGH + 1);
        throttle.stop();
        throttle.drained(0);
        throttle.resume();
        assertThat(session.isReadSuspended()).isTrue();
        throttle.queued(() -> HIGH + 1);
        assertThat(throttle.isPaused()).isFalse();
    }

    @Test
    void aHoldAndTheWaterMarksMustBothLetGo() {
        DummySession session = new DummySession();
        ReadThrottle throttle = new ReadThrottle(session, HIGH, LOW);
        assertThat(throttle.hold()).isTrue();
        assertThat(throttle.hold()).as("held already").isFalse();
        throttle.queued(() -> HIGH + 1);
        throttle.drained(0);
        assertThat(session.isReadSuspended()).as("drained, still held").isTrue();
        throttle.queued(() -> HIGH + 1);
        throttle.release();
        assertThat(session.isReadSuspended()).as("released, still above the water mark").isTrue();
        throttle.drained(LOW);
        assertThat(session.isReadSuspended()).as("neither holds it").isFalse();
    }

    @Test
    void waterMarksAreValidated() {
        DummySession session = new DummySession();
        assertThatThrownBy(() -> new ReadThrottle(session, 10, 10)).hasMessageContaining("0 <= low < high");
        assertThatThrownBy(() -> new ReadThrottle(session, 10, -1)).hasMessageContaining("0 <= low < high");
    }

    /**
     * The stall: a session suspended on its I/O thread and resumed from another thread, while that I/O
     * thread sits in select(). Plain MINA applies the resume only when the select returns, up to a second
     * later; it must take effect at once.
     */
    @Test
    void resumeFromAnotherThreadTakesEffectWhileTheIoThreadSelects() throws Exception {
        Recorder recorder = new Recorder();
        try (MinaTcpServer server = new MinaTcpServer(new Node("test", "throttle-test"),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), recorder, 1)) {
            InetSocketAddress address = server.start();
            try (Socket client = new Socket(address.getAddress(), address.getPort())) {
                OutputStream out = client.getOutputStream();
                for (int round = 0; round < 3; round++) {
                    long latency = resumeLatency(recorder, out);
                    assertThat(Duration.ofNanos(latency)).as("resume latency, round " + round).isLessThan(PROMPT);
                }
            }
        }
    }

    /** One byte suspends the session; a second waits unread; the test thread resumes; returns nanoseconds until it is read. */
    private static long resumeLatency(Recorder recorder, OutputStream out) throws Exception {
        int before = recorder.reads.size();
        recorder.level.set(HIGH + 1);
        out.write(1);
        out.flush();
        Timing.await("the first byte read and the session suspended", Duration.ofSeconds(5),
                () -> recorder.reads.size() == before + 1 && recorder.throttle().isPaused());
        out.write(2);
        out.flush();
        Thread io = recorder.ioThread.get();
        Timing.await("the I/O thread blocked in select", Duration.ofSeconds(5), () -> inSelect(io));
        assertThat(recorder.reads).hasSize(before + 1);
        recorder.level.set(0);
        long resumedAt = System.nanoTime();
        recorder.throttle().drained(0);
        Timing.await("the second byte read", Duration.ofSeconds(5), () -> recorder.reads.size() == before + 2);
        return recorder.reads.get(before + 1) - resumedAt;
    }

    private static boolean inSelect(Thread thread) {
        StackTraceElement[] stack = thread.getStackTrace();
        return stack.length > 0 && stack[0].isNativeMethod()
                && Arrays.stream(stack).anyMatch(f -> f.getClassName().contains("Selector") && f.getMethodName().contains("select"));
    }

    /** Records when each message arrives, and throttles its one session against a level the test sets. */
    private static final class Recorder extends IoHandlerAdapter {
        final CopyOnWriteArrayList<Long> reads = new CopyOnWriteArrayList<>();
        final AtomicLong level = new AtomicLong();
        final AtomicReference<Thread> ioThread = new AtomicReference<>();
        private final AtomicReference<ReadThrottle> throttle = new AtomicReference<>();

        ReadThrottle throttle() {
            return throttle.get();
        }

        @Override
        public void sessionCreated(IoSession session) {
            throttle.set(new ReadThrottle(session, HIGH, LOW));
        }

        @Override
        public void messageReceived(IoSession session, Object message) {
            reads.add(System.nanoTime());
            ioThread.set(Thread.currentThread());
            throttle().queued(level::get);
        }
    }
}
