package io.tcpmesh.numbers;

import io.tcpmesh.numbers.codec.ErrorCode;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** What a numbers server counts for /metrics: sessions resumed, expired, and connections refused by error code. Thread-safe. */
public final class NumbersCounters {
    private final LongAdder resumed = new LongAdder();
    private final LongAdder expired = new LongAdder();
    private final Map<ErrorCode, LongAdder> refused = new EnumMap<>(ErrorCode.class);

    NumbersCounters() {
        for (ErrorCode code : ErrorCode.values()) {
            refused.put(code, new LongAdder());
        }
    }

    /** A stateful session was claimed; it resumes when the client had already received messages. */
    void claimed(int next) {
        if (next > 0) {
            resumed.increment();
        }
    }

    /** The sweep deleted this many expired sessions. */
    void expired(int count) {
        expired.add(count);
    }

    /** A connection was refused with an {@code ERR} line of this code. */
    void refusedWith(ErrorCode code) {
        refused.get(code).increment();
    }

    public long resumed() {
        return resumed.sum();
    }

    public long expired() {
        return expired.sum();
    }

    public long refused(ErrorCode code) {
        return refused.get(code).sum();
    }
}
