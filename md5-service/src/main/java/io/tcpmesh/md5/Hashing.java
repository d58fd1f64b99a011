package io.tcpmesh.md5;

/** Where a connection's bytes are hashed. */
public enum Hashing {
    /** On the NioProcessor thread that read them: no hand-off, the default (see docs/md5-service.md). */
    IO,
    /** On a pool of hashing threads, in order per connection; the I/O thread only reads. */
    EXECUTOR
}
