package io.tcpmesh.proxy.load;

import java.util.NoSuchElementException;

/** A growable FIFO of primitive longs (send times), so the hot path boxes nothing. Not thread-safe. */
final class LongQueue {
    private long[] items = new long[16];
    private int head;
    private int size;

    void add(long value) {
        if (size == items.length) {
            long[] bigger = new long[items.length * 2];
            for (int i = 0; i < size; i++) {
                bigger[i] = items[(head + i) % items.length];
            }
            items = bigger;
            head = 0;
        }
        items[(head + size) % items.length] = value;
        size++;
    }

    long peek() {
        if (size == 0) {
            throw new NoSuchElementException("empty");
        }
        return items[head];
    }

    long poll() {
        long value = peek();
        head = (head + 1) % items.length;
        size--;
        return value;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    void clear() {
        head = 0;
        size = 0;
    }
}
