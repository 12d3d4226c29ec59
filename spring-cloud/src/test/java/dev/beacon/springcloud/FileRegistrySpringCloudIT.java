package dev.beacon.springcloud;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** {@link SpringCloudLookupContract} on a file registry in a directory of its own. */
class FileRegistrySpringCloudIT extends SpringCloudLookupContract {

    @TempDir
    static Path registryDir;

    @BeforeAll
    void startAll() throws Exception {
        start("file:" + registryDir.toAbsolutePath());
    }
}
