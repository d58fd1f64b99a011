package io.tcpmesh.proxy.load;

import java.util.concurrent.atomic.AtomicLong;

/** The --requests limit shared by all workers; unlimited when built with 0. */
final class RequestBudget {
    private final boolean limited;
    private final AtomicLong left;

    RequestBudget(long requests) {
        this.limited = requests > 0;
        this.left = new AtomicLong(requests);
    }

    boolean take() {
        return !limited || left.getAndDecrement() > 0;
    }

    boolean exhausted() {
        return limited && left.get() <= 0;
    }
}
