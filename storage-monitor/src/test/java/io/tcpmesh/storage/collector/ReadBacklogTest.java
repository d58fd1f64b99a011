package io.tcpmesh.storage.collector;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReadBacklogTest {
    private final ReadBacklog backlog = new ReadBacklog();
    private final FakeConnection connection = new FakeConnection();

    @Test
    void readsPauseAboveTheHighMarkAndResumeOnlyBelowTheLowMark() {
        for (int i = 0; i < ReadBacklog.SUSPEND_ABOVE; i++) {
            backlog.queued(connection);
        }
        assertThat(connection.suspended).as("at the mark, not above it").isFalse();
        backlog.queued(connection);
        assertThat(connection.suspended).isTrue();

        while (backlog.waiting() > ReadBacklog.RESUME_BELOW) {
            backlog.handled(connection);
        }
        assertThat(connection.suspended).as("still " + backlog.waiting() + " waiting").isTrue();
        backlog.handled(connection);
        assertThat(connection.suspended).isFalse();
        assertThat(connection.resumes).isEqualTo(1);
    }

    @Test
    void aConnectionThatNeverPausedIsNeverResumed() {
        backlog.queued(connection);
        backlog.handled(connection);
        assertThat(connection.resumes).isZero();
    }
}
