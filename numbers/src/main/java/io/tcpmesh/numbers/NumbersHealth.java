package io.tcpmesh.numbers;

import com.google.inject.Inject;
import io.tcpmesh.coordination.admin.HealthCheck;
import io.tcpmesh.numbers.store.SessionStore;

/** A numbers server cannot resume sessions without its session store: /health says so. */
final class NumbersHealth implements HealthCheck {
    private final SessionStore store;

    @Inject
    NumbersHealth(SessionStore store) {
        this.store = store;
    }

    @Override
    public String problem() {
        return store.unavailable();
    }
}
