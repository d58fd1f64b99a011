package io.tcpmesh.proxy.admin;

/**
 * What the configuration reloader has done, at one moment.
 *
 * @param source    where the running configuration came from (the file, or the ZooKeeper node)
 * @param succeeded reloads put in place
 * @param failed    reloads rejected (the running configuration kept)
 * @param lastError the last rejection's message, or empty
 */
public record ReloadStats(String source, long succeeded, long failed, String lastError) {
}
