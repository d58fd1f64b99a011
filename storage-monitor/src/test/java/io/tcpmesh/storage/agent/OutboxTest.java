package io.tcpmesh.storage.agent;

import io.tcpmesh.storage.protocol.Message;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OutboxTest {
    private static final Duration NOW = Duration.ZERO;

    private static Message.Monitor sample(long seq) {
        return new Message.Monitor(seq, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0);
    }

    private static Message.Rollover rollover(long seq) {
        return new Message.Rollover(seq, 0, 0, (int) seq, "f", 1, 1, 1);
    }

    private static List<Long> drain(Outbox o) throws InterruptedException {
        List<Long> seqs = new ArrayList<>();
        for (Message.Sequenced m = o.next(NOW); m != null; m = o.next(NOW)) {
            seqs.add(m.seq());
        }
        return seqs;
    }

    @Test
    void messagesAreNumberedAndSentOnceInOrder() throws Exception {
        Outbox o = new Outbox(100);
        o.add(OutboxTest::rollover);
        o.add(OutboxTest::sample);
        o.add(OutboxTest::rollover);
        assertThat(drain(o)).containsExactly(1L, 2L, 3L);
        assertThat(drain(o)).isEmpty();
    }

    @Test
    void afterReconnectionEverythingNotAcknowledgedIsSentAgain() throws Exception {
        Outbox o = new Outbox(100);
        for (int i = 0; i < 5; i++) {
            o.add(OutboxTest::rollover);
        }
        drain(o);
        o.ack(1);
        o.ack(3);
        o.rewind();
        assertThat(drain(o)).containsExactly(2L, 4L, 5L);
        o.ack(2);
        o.ack(4);
        o.ack(5);
        assertThat(o.awaitEmpty(NOW)).isTrue();
    }

    @Test
    void whenFullTheOldestSamplesGoAndAreCountedButRolloversStay() throws Exception {
        Outbox o = new Outbox(16);
        o.add(OutboxTest::rollover);
        for (int i = 0; i < 30; i++) {
            o.add(OutboxTest::sample);
        }
        o.add(OutboxTest::rollover);
        assertThat(o.size()).isEqualTo(16);
        assertThat(o.dropped()).isEqualTo(16);
        List<Long> kept = drain(o);
        assertThat(kept).first().isEqualTo(1L);
        assertThat(kept).last().isEqualTo(32L);
        assertThat(kept.subList(1, 15)).containsExactlyElementsOf(
                java.util.stream.LongStream.rangeClosed(18, 31).boxed().toList());
    }

    @Test
    void criticalMessagesAreNeverDropped() throws Exception {
        Outbox o = new Outbox(16);
        for (int i = 0; i < 40; i++) {
            o.add(OutboxTest::rollover);
        }
        assertThat(o.size()).isEqualTo(40);
        assertThat(o.dropped()).isZero();
    }

    @Test
    void awaitEmptyTimesOutWhileMessagesAreUnacknowledged() throws Exception {
        Outbox o = new Outbox(16);
        o.add(OutboxTest::rollover);
        assertThat(o.awaitEmpty(Duration.ofMillis(20))).isFalse();
    }
}
