package io.tcpmesh.coordination;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class LeaseTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final Lease lease = new Lease(now::get);

    @Test
    void holdsFromTheSendTimeForItsLengthAndNoLonger() {
        long sent = now.get();
        now.addAndGet(300_000_000L); // the answer came 300 ms later
        lease.extend("/leaders/echo/n1", 7, sent, Duration.ofSeconds(1));

        now.set(sent + 999_000_000L);
        assertThat(lease.holds("/leaders/echo/n1")).isTrue();
        now.set(sent + 1_000_000_000L);
        assertThat(lease.holds("/leaders/echo/n1")).as("counted from the send, not the answer").isFalse();
    }

    @Test
    void holdsOnlyForItsOwnNode() {
        lease.extend("/leaders/echo/n1", 7, now.get(), Duration.ofSeconds(1));
        assertThat(lease.holds("/leaders/echo/n2")).isFalse();
        assertThat(lease.holds(null)).isFalse();
    }

    @Test
    void aLateAnswerToAnOlderRequestNeverShortensIt() {
        long older = now.get();
        long newer = older + 500_000_000L;
        lease.extend("/n", 7, newer, Duration.ofSeconds(1));
        lease.extend("/n", 7, older, Duration.ofSeconds(1));
        now.set(older + 1_200_000_000L);
        assertThat(lease.holds("/n")).isTrue();
    }

    @Test
    void revokeEndsItAtOnce() {
        lease.extend("/n", 7, now.get(), Duration.ofSeconds(1));
        lease.revoke();
        assertThat(lease.holds("/n")).isFalse();
        assertThat(lease.remainingNanos()).isNegative();
    }

    @Test
    void lengthIsHalfTheSessionAndRenewalATenth() {
        assertThat(Lease.length(5000)).isEqualTo(Duration.ofMillis(2500));
        assertThat(Lease.renewEvery(5000)).isEqualTo(Duration.ofMillis(500));
        assertThat(Lease.renewEvery(100)).isEqualTo(Duration.ofMillis(20));
    }
}
