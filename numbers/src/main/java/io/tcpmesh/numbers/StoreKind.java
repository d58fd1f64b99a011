package io.tcpmesh.numbers;

/** Where stateful sessions are kept: {@code --store}. */
public enum StoreKind {
    /** Shared by every server through ZooKeeper: a client resumes on any server. */
    ZOOKEEPER,
    /** In this process only: a client resumes only on the same server. */
    MEMORY
}
