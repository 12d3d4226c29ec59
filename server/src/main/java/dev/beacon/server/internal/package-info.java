/**
 * How {@link dev.beacon.server.BeaconServer} works inside; not API. {@link dev.beacon.server.internal.RunningServer}
 * wires the parts of a started server from its {@link dev.beacon.server.internal.ServerSettings}. A request runs on
 * the {@code WorkerPool} (bounded threads, a read deadline) through the {@code ApiHandler} (the exchange's life:
 * {@code RequestHead} and {@code RequestTarget} checks, the {@code Route}, the {@code BearerToken} for writes) to the
 * {@code Router}, which hands it to one route family:
 * <ul>
 *   <li>{@code ReadRoutes}: lookups, filtered by {@code InstanceQuery}, picked by {@code InstancePicker};</li>
 *   <li>{@code RegistrationRoutes}: register ({@code RegistrationRequest}), heartbeat, deregister;</li>
 *   <li>{@code EventRoutes}: Server-Sent Events ({@code EventStream} of {@code StreamedEvent}s), all services
 *       through the {@code ServiceWatcher};</li>
 *   <li>{@code HealthRoute}, {@code MetricsRoute} ({@code Metrics}) and {@code DashboardRoute}.</li>
 * </ul>
 * Routes answer with a {@code Reply} or throw an {@code HttpError}; bodies are written by {@code Json} (instances in
 * {@link dev.beacon.json.InstanceJson}'s shape) and read by {@code BodyReader} and {@code JsonBodyParser}. Blocking
 * socket I/O is bounded by {@code Deadlines}.
 */
package dev.beacon.server.internal;
