package io.tcpmesh.storage.collector;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReadBacklogTest {
    private final FakeConnection connection = new FakeConnection();
    private final ReadBacklog backlog = new ReadBacklog(connection);

    @Test
    void readsPauseAboveTheHighMarkAndResumeOnlyBelowTheLowMark() {
        for (int i = 0; i < ReadBacklog.SUSPEND_ABOVE; i++) {
            backlog.queued();
        }
        assertThat(connection.suspended).as("at the mark, not above it").isFalse();
        backlog.queued();
        assertThat(connection.suspended).isTrue();

        while (backlog.waiting() > ReadBacklog.RESUME_BELOW) {
            backlog.handled();
        }
        assertThat(connection.suspended).as("still " + backlog.waiting() + " waiting").isTrue();
        backlog.handled();
        assertThat(connection.suspended).isFalse();
        assertThat(connection.resumes).isEqualTo(1);
    }

    @Test
    void aConnectionThatNeverPausedIsNeverResumed() {
        backlog.queued();
        backlog.handled();
        assertThat(connection.resumes).isZero();
    }
}
