/**
 * Small building blocks that Beacon's own modules share: the daemon thread factory, the duration grammar, the quoting
 * of values in messages, warn-once logging. They are public so that {@code beacon-redis}, {@code beacon-server}, the
 * integrations and the agent use one copy of each rule instead of their own; they are not an API for applications
 * and may change between minor versions.
 */
package dev.beacon.support;
