package io.tcpmesh.storage.agent;

import java.nio.file.Path;

/** Free space of the folder the agent writes to; tests give a small disk. */
@FunctionalInterface
interface DiskSpace {
    long usable();

    static DiskSpace of(Path dir) {
        return () -> dir.toFile().getUsableSpace();
    }
}
