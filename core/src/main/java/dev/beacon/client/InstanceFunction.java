package dev.beacon.client;

import dev.beacon.ServiceInstance;

/**
 * The work {@link DiscoveryClient#call} does with the instance it chose: typically one request to it. It may throw a
 * checked exception of type {@code E}, which {@code call} rethrows unchanged after recording the failure. The compiler
 * infers {@code E} from the lambda: {@code RuntimeException} when it throws no checked exception (no {@code try}
 * needed around the call), the exception's own type when it throws one, and their common supertype (often
 * {@code Exception}) when it throws several.
 *
 * @param <T> what the work returns
 * @param <E> the checked exception it may throw
 */
@FunctionalInterface
public interface InstanceFunction<T, E extends Exception> {

    /** Does the work with {@code instance}. */
    T apply(ServiceInstance instance) throws E;
}
