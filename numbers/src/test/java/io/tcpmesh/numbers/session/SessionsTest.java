package io.tcpmesh.numbers.session;

import io.tcpmesh.numbers.codec.ErrorCode;
import io.tcpmesh.numbers.codec.Hello;
import io.tcpmesh.numbers.codec.ProtocolException;
import io.tcpmesh.numbers.store.MemorySessionStore;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SessionsTest {
    private final MutableClock clock = new MutableClock();
    private final MemorySessionStore store = new MemorySessionStore();
    private final Sessions sessions = new Sessions(store, () -> "numbers-1", Duration.ofSeconds(30), Duration.ofSeconds(1), clock);

    @Test
    void aNewSessionIsStoredConnectedWithASeed() throws Exception {
        Claim claim = sessions.claim(Hello.stateful("c1", 10, 0));
        assertThat(store.get("c1")).hasValueSatisfying(v -> {
            assertThat(v.record().connected()).isTrue();
            assertThat(v.record().count()).isEqualTo(10);
            assertThat(v.record().seed()).isEqualTo(claim.record().seed());
        });
    }

    @Test
    void aReleasedSessionResumesWithTheSameSeedWithinTheExpiry() throws Exception {
        Claim first = sessions.claim(Hello.stateful("c1", 10, 0));
        sessions.release(first, 4);
        clock.advance(Duration.ofSeconds(29));
        Claim second = sessions.claim(Hello.stateful("c1", 10, 3));
        assertThat(second.record().seed()).isEqualTo(first.record().seed());
        assertThat(second.record().next()).isEqualTo(4);
    }

    @Test
    void aSessionDisconnectedLongerThanTheExpiryIsRefusedAndDeleted() throws Exception {
        sessions.release(sessions.claim(Hello.stateful("c1", 10, 0)), 4);
        clock.advance(Duration.ofSeconds(31));
        assertThatThrownBy(() -> sessions.claim(Hello.stateful("c1", 10, 4)))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.EXPIRED));
        assertThat(store.get("c1")).isEmpty();
    }

    @Test
    void resumingAnUnknownSessionIsRefused() {
        assertThatThrownBy(() -> sessions.claim(Hello.stateful("never", 10, 2)))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN));
    }

    @Test
    void aClientCannotChangeTheCountOrSkipAhead() throws Exception {
        sessions.release(sessions.claim(Hello.stateful("c1", 10, 0)), 4);
        assertThatThrownBy(() -> sessions.claim(Hello.stateful("c1", 11, 4)))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MISMATCH));
        assertThatThrownBy(() -> sessions.claim(Hello.stateful("c1", 10, 5)))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MISMATCH));
    }

    @Test
    void aFinishedSessionIsGoneAtOnce() throws Exception {
        sessions.finish(sessions.claim(Hello.stateful("c1", 10, 0)));
        assertThat(store.clientIds()).isEmpty();
    }

    @Test
    void theSweepDeletesSessionsLeftBehindAndKeepsLiveOnes() throws Exception {
        sessions.release(sessions.claim(Hello.stateful("old", 10, 0)), 1);
        sessions.claim(Hello.stateful("live", 10, 0));
        clock.advance(Duration.ofSeconds(61));
        assertThat(sessions.sweep()).isEqualTo(1);
        assertThat(store.clientIds()).containsExactly("live");
    }

    @Test
    void theSweepStartsTheExpiryOfSessionsWhoseServerIsGone() throws Exception {
        Claim orphan = sessions.claim(Hello.stateful("orphan", 100, 0));
        clock.advance(Duration.ofSeconds(3));
        store.dropClaims();
        Sessions restarted = new Sessions(store, () -> "numbers-2", Duration.ofSeconds(30), Duration.ofSeconds(1), clock);
        restarted.sweep();
        // its server may have sent one message at the claim and one a second since, give or take a second of skew
        assertThat(store.get("orphan")).hasValueSatisfying(v -> {
            assertThat(v.record().connected()).isFalse();
            assertThat(v.record().next()).isEqualTo(5);
        });
        clock.advance(Duration.ofSeconds(61));
        restarted.sweep();
        assertThat(store.get(orphan.clientId())).isEmpty();
    }

    @Test
    void aStreamedSessionIsBusyForAnyOtherHelloAndAMismatchBeyondWhatItWasSent() throws Exception {
        Claim first = sessions.claim(Hello.stateful("c1", 100, 0));
        sessions.streaming(first, () -> 4);
        assertBusy(Hello.stateful("c1", 100, 0));
        assertBusy(Hello.stateful("c1", 100, 4));
        assertThatThrownBy(() -> sessions.claim(Hello.stateful("c1", 100, 5)))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MISMATCH));
        assertThatThrownBy(() -> sessions.claim(Hello.stateful("c1", 99, 0)))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MISMATCH));
        assertThat(store.get("c1")).hasValueSatisfying(v -> assertThat(v.version()).isEqualTo(first.version()));
    }

    @Test
    void anotherServerJudgesWhatWasSentByTheTimeSinceTheClaim() throws Exception {
        sessions.claim(Hello.stateful("c1", 100, 0));
        Sessions other = new Sessions(store, () -> "numbers-2", Duration.ofSeconds(30), Duration.ofSeconds(1), clock);
        clock.advance(Duration.ofSeconds(10));
        // 1 at the claim + 10 s at 1 s + 1 s of clock skew: at most 12 sent
        assertBusy(other, Hello.stateful("c1", 100, 12));
        assertThatThrownBy(() -> other.claim(Hello.stateful("c1", 100, 13)))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MISMATCH));
    }

    @Test
    void aReleaseNeverLowersWhatWasSent() throws Exception {
        sessions.release(sessions.claim(Hello.stateful("c1", 10, 0)), 6);
        sessions.release(sessions.claim(Hello.stateful("c1", 10, 0)), 1);
        assertThat(store.get("c1")).hasValueSatisfying(v -> assertThat(v.record().next()).isEqualTo(6));
        assertThat(sessions.claim(Hello.stateful("c1", 10, 6)).record().next()).isEqualTo(6);
    }

    @Test
    void aReleaseAfterTheClaimWasLostDoesNotUndoAnotherServersClaim() throws Exception {
        Claim old = sessions.claim(Hello.stateful("c1", 10, 0));
        store.dropClaims();
        Sessions other = new Sessions(store, () -> "numbers-2", Duration.ofSeconds(30), Duration.ofSeconds(1), clock);
        Claim taken = other.claim(Hello.stateful("c1", 10, 1));
        sessions.release(old, 2);
        assertThat(store.get("c1")).hasValueSatisfying(v -> {
            assertThat(v.version()).isEqualTo(taken.version());
            assertThat(v.claimed()).isTrue();
            assertThat(v.record().connected()).isTrue();
        });
    }

    private void assertBusy(Hello hello) {
        assertBusy(sessions, hello);
    }

    private static void assertBusy(Sessions sessions, Hello hello) {
        assertThatThrownBy(() -> sessions.claim(hello))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BUSY));
    }

    static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public long millis() {
            return now.toEpochMilli();
        }
    }
}
