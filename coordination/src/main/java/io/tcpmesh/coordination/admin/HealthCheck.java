package io.tcpmesh.coordination.admin;

/**
 * What a service reports on {@code /health} beside the bootstrap's own draining state. A service module
 * binds one with {@code OptionalBinder.newOptionalBinder(binder(), HealthCheck.class).setBinding().to(...)}.
 *
 * <p>Called on an admin HTTP thread, never on an I/O thread; must not block for long.
 */
@FunctionalInterface
public interface HealthCheck {
    /** Why the service cannot do its job now, in a few words; null when it can. */
    String problem();
}
