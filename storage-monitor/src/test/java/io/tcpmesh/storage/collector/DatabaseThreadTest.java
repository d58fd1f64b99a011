package io.tcpmesh.storage.collector;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatabaseThreadTest {
    @Test
    void tasksRunInOrderOnOneThreadAndAFailingTaskDoesNotStopIt() {
        List<Integer> order = new CopyOnWriteArrayList<>();
        AtomicReference<String> threadName = new AtomicReference<>();
        try (DatabaseThread thread = new DatabaseThread("test")) {
            for (int i = 0; i < 100; i++) {
                int n = i;
                thread.execute(() -> order.add(n));
                if (i == 50) {
                    thread.execute(() -> {
                        throw new IllegalStateException("boom");
                    });
                }
            }
            thread.call(() -> threadName.set(Thread.currentThread().getName()));
        }
        assertThat(order).hasSize(100).isSorted();
        assertThat(threadName.get()).isEqualTo("storage-db");
    }

    @Test
    void callThrowsTheTasksExceptionAndCloseRunsTheLastTaskAfterTheOthers() {
        List<String> seen = new CopyOnWriteArrayList<>();
        DatabaseThread thread = new DatabaseThread("test");
        assertThatThrownBy(() -> thread.call(() -> {
            throw new IllegalArgumentException("bad");
        })).isInstanceOf(IllegalArgumentException.class).hasMessage("bad");
        thread.execute(() -> seen.add("handed over"));
        thread.close(() -> seen.add("last"));
        thread.execute(() -> seen.add("after close"));
        assertThat(seen).containsExactly("handed over", "last");
        assertThat(thread.closed()).isTrue();
    }
}
