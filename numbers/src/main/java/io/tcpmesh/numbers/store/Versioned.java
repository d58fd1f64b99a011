package io.tcpmesh.numbers.store;

/**
 * A record as read, with the version a conditional write must name.
 *
 * @param claimed whether a server holds the claim on it: it streams the session now
 */
public record Versioned(SessionRecord record, int version, boolean claimed) {
}
