package dev.beacon.agent.declared;

import dev.beacon.testing.Stderr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

import static org.assertj.core.api.Assertions.assertThat;

/** The declared name, port roles and framework, in each framework's precedence, from real files and jars. */
class DeclaredAppTest {

    @TempDir
    Path temp;

    private Path work;
    private final Map<String, String> env = new HashMap<>();

    private Path work() throws IOException {
        if (work == null) {
            work = Files.createDirectories(temp.resolve("work"));
        }
        return work;
    }

    /** A Boot fat jar whose BOOT-INF/classes/ holds {@code files} (name to content). */
    private Path bootJar(Map<String, String> files) throws IOException {
        Path jar = temp.resolve("orders-1.4.2.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Main-Class", "org.springframework.boot.loader.launch.JarLauncher");
        manifest.getMainAttributes().putValue("Spring-Boot-Version", "3.5.7");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out, manifest)) {
            for (Map.Entry<String, String> file : files.entrySet()) {
                zip.putNextEntry(new ZipEntry("BOOT-INF/classes/" + file.getKey()));
                zip.write(file.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return jar;
    }

    private DeclaredApp readJar(Path jar, String... args) throws IOException {
        Map<String, String> properties = new HashMap<>();
        properties.put("sun.java.command", (jar + " " + String.join(" ", args)).trim());
        properties.put("java.class.path", jar.toString());
        return DeclaredApp.read(properties, env, work());
    }

    private static final String YAML_WITH_PROFILE = """
            spring:
              application:
                name: orders-dev
            server:
              port: 8080
            ---
            spring:
              config.activate.on-profile: prod
              application.name: orders
            """;

    @Test
    void read_bootJarYaml_baseDocumentWithoutProfile() throws IOException {
        DeclaredApp app = readJar(bootJar(Map.of("application.yml", YAML_WITH_PROFILE)));

        assertThat(app.name()).contains(new DeclaredApp.Declared("orders-dev",
                "spring.application.name in BOOT-INF/classes/application.yml"));
        assertThat(app.framework()).contains(Framework.SPRING_BOOT);
        assertThat(app.ports()).containsExactly(Map.entry("http", 8080));
    }

    @Test
    void read_bootJarYaml_activeProfileDocumentWins() throws IOException {
        DeclaredApp app = readJar(bootJar(Map.of("application.yml", YAML_WITH_PROFILE)),
                "--spring.profiles.active=prod");

        assertThat(app.name().orElseThrow().value()).isEqualTo("orders");
    }

    @Test
    void read_profileFileInJar_beatsBaseFile_andClassPathConfigDirBeatsRoot() throws IOException {
        env.put("SPRING_PROFILES_ACTIVE", "eu");
        DeclaredApp app = readJar(bootJar(Map.of("application.yml", "spring.application.name: base\n",
                "application-eu.properties", "spring.application.name=orders-eu\n",
                "config/application-eu.yml", "spring.application.name: orders-eu-config\n")));

        assertThat(app.name().orElseThrow()).isEqualTo(new DeclaredApp.Declared("orders-eu-config",
                "spring.application.name in BOOT-INF/classes/config/application-eu.yml"));
    }

    @Test
    void read_fileOutsideTheJar_beatsTheJar_andConfigDirBeatsWorkDir() throws IOException {
        Path jar = bootJar(Map.of("application.yml", YAML_WITH_PROFILE));
        Files.writeString(work().resolve("application.properties"), "spring.application.name=billing\n");
        assertThat(readJar(jar).name().orElseThrow()).isEqualTo(new DeclaredApp.Declared("billing",
                "spring.application.name in ./application.properties"));

        Files.createDirectories(work().resolve("config"));
        Files.writeString(work().resolve("config/application.yaml"), "spring.application.name: billing-config\n");
        assertThat(readJar(jar).name().orElseThrow().source())
                .isEqualTo("spring.application.name in ./config/application.yaml");
    }

    @Test
    void read_baseFileOutside_losesToProfileFileOutside_butBeatsProfileFileInside() throws IOException {
        Path jar = bootJar(Map.of("application-prod.yml", "spring.application.name: inside-prod\n"));
        Files.writeString(work().resolve("application.properties"), "spring.application.name=outside-base\n");
        assertThat(readJar(jar, "--spring.profiles.active=prod").name().orElseThrow().value())
                .isEqualTo("outside-base");

        Files.writeString(work().resolve("application-prod.properties"), "spring.application.name=outside-prod\n");
        assertThat(readJar(jar, "--spring.profiles.active=prod").name().orElseThrow().value())
                .isEqualTo("outside-prod");
    }

    @Test
    void read_propertiesBeatYamlInOneLocation() throws IOException {
        DeclaredApp app = readJar(bootJar(Map.of("application.yml", "spring.application.name: from-yaml\n",
                "application.properties", "spring.application.name=from-properties\n")));

        assertThat(app.name().orElseThrow().value()).isEqualTo("from-properties");
    }

    @Test
    void read_commandLine_beatsSystemProperty_beatsEnvironment_beatsFiles() throws IOException {
        Path jar = bootJar(Map.of("application.yml", YAML_WITH_PROFILE));
        env.put("SPRING_APPLICATION_NAME", "from-env");
        assertThat(readJar(jar).name().orElseThrow())
                .isEqualTo(new DeclaredApp.Declared("from-env", "spring.application.name in SPRING_APPLICATION_NAME"));

        Map<String, String> properties = new HashMap<>(Map.of("sun.java.command", jar + " --other=1",
                "java.class.path", jar.toString(), "spring.application.name", "from-property"));
        assertThat(DeclaredApp.read(properties, env, work()).name().orElseThrow()).isEqualTo(
                new DeclaredApp.Declared("from-property", "spring.application.name in -Dspring.application.name"));

        properties.put("sun.java.command", jar + " --spring.application.name=from-args");
        assertThat(DeclaredApp.read(properties, env, work()).name().orElseThrow()).isEqualTo(new DeclaredApp.Declared(
                "from-args", "spring.application.name in --spring.application.name on the command line"));
    }

    @Test
    void read_springConfigNameAndLocation_areHonoured() throws IOException {
        Path jar = bootJar(Map.of("application.yml", "spring.application.name: default-name\n",
                "orders.yml", "spring.application.name: renamed\n"));
        assertThat(readJar(jar, "--spring.config.name=orders").name().orElseThrow().value()).isEqualTo("renamed");

        Files.createDirectories(work().resolve("etc"));
        Files.writeString(work().resolve("etc/app.properties"), "spring.application.name=located\n");
        DeclaredApp located = readJar(jar, "--spring.config.location=file:./etc/app.properties");
        assertThat(located.name().orElseThrow()).isEqualTo(new DeclaredApp.Declared("located",
                "spring.application.name in ./etc/app.properties"));
    }

    @Test
    void read_malformedYaml_oneWarnNamingFileAndLine_thenTheNextSource() throws Exception {
        Path jar = bootJar(Map.of("application.properties", "spring.application.name=from-jar\n"));
        Files.writeString(work().resolve("application.yml"), "spring:\n  application:\n    name: [broken\n");

        DeclaredApp[] app = new DeclaredApp[1];
        List<String> lines = Stderr.linesDuring(() -> app[0] = readJar(jar));

        assertThat(app[0].name().orElseThrow().value()).isEqualTo("from-jar");
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).contains("WARN ./application.yml is not valid YAML at line ")
                .contains("using the next source");
    }

    @Test
    void read_yamlThatIsNotAMapping_isOneWarn() throws Exception {
        Files.writeString(work().resolve("application.yml"), "- just\n- a list\n");
        List<String> lines = Stderr.linesDuring(() -> readJar(bootJar(Map.of())));
        assertThat(lines).singleElement().asString().contains("./application.yml is not valid YAML");
    }

    @Test
    void read_portRoles_zeroAndPlaceholdersFixNone() throws IOException {
        DeclaredApp app = readJar(bootJar(Map.of("application.properties",
                "server.port=0\nmanagement.server.port=9090\nspring.grpc.server.port=${GRPC_PORT:9091}\n")));

        assertThat(app.ports()).containsExactly(Map.entry("management", 9090));
    }

    @Test
    void read_micronautNameAndPort_fromClassPathYaml() throws IOException {
        Path classes = Files.createDirectories(temp.resolve("classes"));
        Files.writeString(classes.resolve("application.yml"),
                "micronaut:\n  application:\n    name: catalog\n  server:\n    port: 8085\n");
        Map<String, String> properties = Map.of("sun.java.command", "com.acme.catalog.Application",
                "java.class.path", classes.toString());

        DeclaredApp app = DeclaredApp.read(properties, env, work());

        assertThat(app.name()).contains(new DeclaredApp.Declared("catalog",
                "micronaut.application.name in classpath:application.yml"));
        assertThat(app.ports()).containsEntry("http", 8085);
    }

    @Test
    void read_quarkusProfileKeyFirst_andItsDefaultNameIsTheAppJar() throws IOException {
        Path quarkusApp = Files.createDirectories(temp.resolve("quarkus-app"));
        Files.createDirectories(quarkusApp.resolve("app"));
        Path appJar = quarkusApp.resolve("app/pricing-2.0.jar");
        try (JarOutputStream zip = new JarOutputStream(Files.newOutputStream(appJar))) {
            zip.putNextEntry(new ZipEntry("application.properties"));
            zip.write("quarkus.http.port=8181\n%prod.quarkus.http.port=8282\n".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        Path runJar = quarkusApp.resolve("quarkus-run.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Main-Class", "io.quarkus.bootstrap.runner.QuarkusEntryPoint");
        new JarOutputStream(Files.newOutputStream(runJar), manifest).close();

        DeclaredApp app = readJar(runJar);

        assertThat(app.framework()).contains(Framework.QUARKUS);
        assertThat(app.ports()).containsEntry("http", 8282);
        assertThat(app.name().orElseThrow().value()).isEqualTo("pricing");
        env.put("QUARKUS_APPLICATION_NAME", "pricing-svc");
        assertThat(readJar(runJar).name().orElseThrow().source())
                .isEqualTo("quarkus.application.name in QUARKUS_APPLICATION_NAME");
    }

    @Test
    void read_dropwizardServerCommand_connectorsAreHttpAndAdmin() throws IOException {
        Files.writeString(work().resolve("config.yml"), """
                server:
                  applicationConnectors:
                    - type: http
                      port: 18080
                  adminConnectors:
                    - type: http
                      port: 18081
                """);
        Map<String, String> properties = Map.of("sun.java.command", "com.acme.Hello server config.yml",
                "java.class.path", temp.toString());

        DeclaredApp app = DeclaredApp.read(properties, env, work());

        assertThat(app.framework()).contains(Framework.DROPWIZARD);
        assertThat(app.ports()).containsEntry("http", 18080).containsEntry("admin", 18081);
    }

    /** Helidon's layout: {@code app/quotes.jar} (main class, application.yaml) whose manifest names libs/. */
    private Path helidonThinJar(String applicationYaml) throws IOException {
        Path app = Files.createDirectories(temp.resolve("app"));
        Path libs = Files.createDirectories(app.resolve("libs"));
        Path lib = libs.resolve("helidon-webserver-4.5.0.jar");
        try (JarOutputStream zip = new JarOutputStream(Files.newOutputStream(lib))) {
            zip.putNextEntry(new ZipEntry("io/helidon/webserver/WebServer.class"));
            zip.closeEntry();
        }
        Path jar = app.resolve("quotes.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Main-Class", "com.acme.quotes.Main");
        manifest.getMainAttributes().putValue("Class-Path",
                "libs/helidon-config-4.5.0.jar libs/helidon-webserver-4.5.0.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out, manifest)) {
            zip.putNextEntry(new ZipEntry("application.yaml"));
            zip.write(applicationYaml.getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return jar;
    }

    private static final String HELIDON_YAML = """
            server:
              port: 8080
              sockets:
                - name: admin
                  port: 8081
                - name: Private
                  port: 8082
                - name: no such name!
                  port: 8083
              features:
                observe:
                  sockets: [ "admin" ]
            """;

    @Test
    void read_helidonThinJar_frameworkFromManifestClassPath_socketsByTheirNames_noNameProperty() throws IOException {
        env.put("SPRING_APPLICATION_NAME", "not-helidons");

        DeclaredApp app = readJar(helidonThinJar(HELIDON_YAML));

        assertThat(app.framework()).contains(Framework.HELIDON);
        assertThat(app.ports()).containsExactly(Map.entry("http", 8080), Map.entry("admin", 8081),
                Map.entry("private", 8082));
        assertThat(app.name()).as("Helidon has no name property: the jar names the app").isEmpty();
    }

    @Test
    void read_helidon_workDirFileReplacesTheJarsFile_environmentBeatsSystemProperties() throws IOException {
        Path jar = helidonThinJar(HELIDON_YAML);
        Files.writeString(work().resolve("application.yaml"), "server:\n  port: 9090\n");

        assertThat(readJar(jar).ports()).as("Helidon reads ./application.yaml alone: no admin socket")
                .containsExactly(Map.entry("http", 9090));

        Map<String, String> properties = new HashMap<>(Map.of("sun.java.command", jar.toString(),
                "java.class.path", jar.toString(), "server.port", "9191", "server.sockets.0.name", "admin",
                "server.sockets.0.port", "9292"));
        env.put("SERVER_PORT", "9393");
        assertThat(DeclaredApp.read(properties, env, work()).ports())
                .containsExactly(Map.entry("http", 9393), Map.entry("admin", 9292));
    }

    @Test
    void read_helidonProfile_mergesTheProfilesFileOverTheBaseFiles() throws IOException {
        Path jar = helidonThinJar(HELIDON_YAML);
        Files.writeString(work().resolve("application-dev.yaml"), "server:\n  port: 7070\n");
        env.put("HELIDON_CONFIG_PROFILE", "dev");

        assertThat(readJar(jar).ports()).containsExactly(Map.entry("http", 7070), Map.entry("admin", 8081),
                Map.entry("private", 8082));
    }

    @Test
    void read_noConfigurationAtAll_declaresNothing_andPrintsNothing() throws Exception {
        Map<String, String> properties = Map.of("sun.java.command", "com.acme.Main", "java.class.path",
                temp.resolve("missing").toString());
        DeclaredApp[] app = new DeclaredApp[1];

        List<String> lines = Stderr.linesDuring(() -> app[0] = DeclaredApp.read(properties, env, work()));

        assertThat(app[0]).isEqualTo(DeclaredApp.none());
        assertThat(lines).isEmpty();
    }
}
