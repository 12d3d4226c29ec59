package dev.beacon.registry;

import dev.beacon.testing.SwitchableRegistry;

/**
 * The registration contract on the in-memory registry. A store inside the JVM cannot become unreachable, so the
 * registrations use it through a {@link SwitchableRegistry} whose switch makes every call fail as an unreachable
 * registry's would; the second handle is the store itself.
 */
class RegistrationInMemoryTest extends RegistrationContractTest {

    private InMemoryServiceRegistry store;
    private SwitchableRegistry outage;

    @Override
    protected ServiceRegistry newRegistry() {
        store = new InMemoryServiceRegistry();
        outage = new SwitchableRegistry(store);
        return outage;
    }

    @Override
    protected ServiceRegistry openSecondHandle() {
        return store;
    }

    @Override
    protected void breakRegistry() {
        outage.failing = true;
    }

    @Override
    protected void restoreRegistry() {
        outage.failing = false;
    }
}
