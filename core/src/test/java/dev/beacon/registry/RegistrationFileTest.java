package dev.beacon.registry;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The registration contract on the file registry. The outage is the registry directory gone: moved aside, with a
 * plain file in its place (as when the volume holding it is unmounted and the mount point is not a directory), then
 * moved back with its old, by then expired, entries.
 */
class RegistrationFileTest extends RegistrationContractTest {

    @TempDir
    Path temp;

    private Path dir;

    @Override
    protected ServiceRegistry newRegistry() {
        dir = temp.resolve("registry");
        return new FileServiceRegistry(dir);
    }

    @Override
    protected ServiceRegistry openSecondHandle() {
        return new FileServiceRegistry(dir);
    }

    @Override
    protected void breakRegistry() throws Exception {
        Files.createDirectories(dir);
        Files.move(dir, temp.resolve("registry.away"));
        Files.writeString(dir, "not a directory");
    }

    @Override
    protected void restoreRegistry() throws Exception {
        Files.delete(dir);
        Files.move(temp.resolve("registry.away"), dir);
    }
}
