package io.tcpmesh.echo;

/**
 * What an echo node does beyond the common service options.
 *
 * @param masterPort     the port the elected leader also serves (0 picks a free one, for tests)
 * @param broadcast      on the master port, relay each message to every other master-port client too
 * @param writeHighWater pending write bytes of a session above which the sessions feeding it stop being read
 * @param writeLowWater  pending write bytes below which they are read again
 */
public record EchoConfig(int masterPort, boolean broadcast, long writeHighWater, long writeLowWater) {
    public static final int DEFAULT_MASTER_PORT = 8888;
    public static final long DEFAULT_HIGH_WATER = 512 * 1024;

    public EchoConfig {
        if (masterPort < 0 || masterPort > 65535) {
            throw new IllegalArgumentException("--master-port must be in 0..65535, not " + masterPort);
        }
        if (writeHighWater < 1024 || writeHighWater > (1L << 30)) {
            throw new IllegalArgumentException("--write-high-water must be between 1K and 1G, not " + writeHighWater);
        }
        if (writeLowWater < 0 || writeLowWater >= writeHighWater) {
            throw new IllegalArgumentException("the write low water mark (" + writeLowWater
                    + ") must be below --write-high-water (" + writeHighWater + ")");
        }
    }

    /** A configuration whose low water mark is half the high one. */
    public static EchoConfig of(int masterPort, boolean broadcast, long writeHighWater) {
        return new EchoConfig(masterPort, broadcast, writeHighWater, writeHighWater / 2);
    }
}
