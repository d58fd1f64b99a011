package io.tcpmesh.proxy.load;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LoadStatsTest {

    @Test
    void percentilesComeFromTheRecordedLatencies() {
        LoadStats stats = new LoadStats();
        for (int ms = 1; ms <= 1000; ms++) {
            stats.attempt();
            stats.ok(ms * 1_000_000L);
        }
        stats.sample(1, 1, 1);
        LoadStats.Summary s = stats.summary(2.0, 1);
        assertThat(s.requests()).isEqualTo(1000);
        assertThat(s.requestsPerSecond()).isEqualTo(500.0);
        assertThat(s.p50()).isCloseTo(500, within(1.0));
        assertThat(s.p90()).isCloseTo(900, within(1.0));
        assertThat(s.p99()).isCloseTo(990, within(1.0));
        assertThat(s.p999()).isCloseTo(999, within(1.0));
        assertThat(s.max()).isCloseTo(1000, within(1.0));
        assertThat(s.mean()).isCloseTo(500.5, within(0.5));
    }

    @Test
    void errorsAreCountedByKindAndInTotal() {
        LoadStats stats = new LoadStats();
        stats.error(ErrorKind.REFUSED);
        stats.error(ErrorKind.REFUSED);
        stats.error(ErrorKind.WRONG_REPLY);
        stats.error(ErrorKind.TIMEOUT);
        stats.sample(1, 1, 1);
        LoadStats.Summary s = stats.summary(1, 1);
        assertThat(s.errors()).isEqualTo(4);
        assertThat(s.errors(ErrorKind.REFUSED)).isEqualTo(2);
        assertThat(s.errors(ErrorKind.WRONG_REPLY)).isEqualTo(1);
        assertThat(s.errors(ErrorKind.TIMEOUT)).isEqualTo(1);
        assertThat(s.errors(ErrorKind.RESET)).isZero();
        assertThat(s.errorsByKind()).containsOnlyKeys("refused", "reset", "timeout", "wrongReply", "dropped", "tls", "other");
    }

    @Test
    void eachSampleCoversOnlyItsIntervalAndTheTotalAddsThemUp() {
        LoadStats stats = new LoadStats();
        for (int i = 0; i < 100; i++) {
            stats.ok(1_000_000);
        }
        LoadStats.Sample first = stats.sample(1, 1, 4);
        for (int i = 0; i < 50; i++) {
            stats.ok(9_000_000);
        }
        stats.error(ErrorKind.RESET);
        LoadStats.Sample second = stats.sample(1.5, 0.5, 4);
        assertThat(first.requestsPerSecond()).isEqualTo(100.0);
        assertThat(first.p99()).isCloseTo(1.0, within(0.01));
        assertThat(first.errors()).isZero();
        assertThat(second.requestsPerSecond()).isEqualTo(100.0);
        assertThat(second.p50()).isCloseTo(9.0, within(0.01));
        assertThat(second.errors()).isEqualTo(1);
        assertThat(stats.timeline()).containsExactly(first, second);
        LoadStats.Summary s = stats.summary(1.5, 4);
        assertThat(s.requests()).isEqualTo(150);
        assertThat(s.p50()).isCloseTo(1.0, within(0.01));
        assertThat(s.p90()).isCloseTo(9.0, within(0.01));
    }

    @Test
    void bytesGiveMegabytesPerSecondAsTheMeanOfBothDirections() {
        LoadStats stats = new LoadStats();
        stats.sent(4_000_000);
        stats.received(2_000_000);
        stats.sample(1, 1, 1);
        LoadStats.Summary s = stats.summary(1.0, 1);
        assertThat(s.bytesSent()).isEqualTo(4_000_000);
        assertThat(s.bytesReceived()).isEqualTo(2_000_000);
        assertThat(s.megabytesPerSecond()).isEqualTo(3.0);
    }

    @Test
    void anEmptyRunHasZeroesNotFailures() {
        LoadStats stats = new LoadStats();
        stats.sample(1, 1, 1);
        LoadStats.Summary s = stats.summary(0, 1);
        assertThat(s.requests()).isZero();
        assertThat(s.p99()).isZero();
        assertThat(s.requestsPerSecond()).isZero();
    }
}
