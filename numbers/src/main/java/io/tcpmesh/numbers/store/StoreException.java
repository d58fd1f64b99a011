package io.tcpmesh.numbers.store;

/** The store could not be read or written (ZooKeeper unreachable, say); the client may retry. */
public final class StoreException extends Exception {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
